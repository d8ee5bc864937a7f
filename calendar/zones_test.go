package calendar

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestZones(t *testing.T) {
	t0 := time.Date(2026, time.December, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		loc        *time.Location
		name       string
		wantOffset int
	}{
		{loc: Jakarta(), name: ZoneJakarta, wantOffset: 7 * 3600},
		{loc: Pontianak(), name: ZonePontianak, wantOffset: 7 * 3600},
		{loc: Makassar(), name: ZoneMakassar, wantOffset: 8 * 3600},
		{loc: Jayapura(), name: ZoneJayapura, wantOffset: 9 * 3600},
	}
	for _, tt := range tests {
		require.Equal(t, tt.name, tt.loc.String())
		_, off := t0.In(tt.loc).Zone()
		require.Equal(t, tt.wantOffset, off, tt.name)
		again, err := LoadZone(tt.name)
		require.NoError(t, err)
		require.Same(t, tt.loc, again, "zones are cached")
	}

	for _, bad := range []string{"", "Local", "Asia/Nowhere", "../../etc/passwd"} {
		_, err := LoadZone(bad)
		require.ErrorIs(t, err, ErrUnknownZone, bad)
	}
}

// fingerprint computes, in one string, everything in this package that a
// host time zone could disturb.
func fingerprint() string {
	var b strings.Builder
	t0 := time.Date(2026, time.December, 9, 16, 30, 0, 0, time.UTC)
	for _, loc := range []*time.Location{Jakarta(), Makassar(), Jayapura(), time.UTC} {
		for h := range 48 {
			at := t0.Add(time.Duration(h) * time.Hour)
			x := DateOf(at, loc)
			b.WriteString(x.String() + x.Weekday().String()[:2] + x.Start(loc).UTC().Format(time.RFC3339) + ";")
		}
	}
	s := Schedule{Location: Jakarta()}
	for i := range 14 {
		st, _ := s.Status(NewDate(2026, time.December, 20+i))
		b.WriteString(st.String())
	}
	return b.String()
}

// TestHostTimeZoneIndependence re-runs the fingerprint in child processes
// whose TZ is UTC, Asia/Jayapura and America/New_York and requires the same
// answer each time.
func TestHostTimeZoneIndependence(t *testing.T) {
	if os.Getenv("KUOTA_FINGERPRINT_CHILD") == "1" {
		os.Stdout.WriteString("FP:" + fingerprint() + "\n")
		return
	}
	want := fingerprint()
	for _, tz := range []string{"UTC", "Asia/Jayapura", "America/New_York"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHostTimeZoneIndependence$")
		cmd.Env = append(os.Environ(), "KUOTA_FINGERPRINT_CHILD=1", "TZ="+tz)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		got, ok := strings.CutPrefix(string(out), "FP:")
		require.True(t, ok, "child output: %s", out)
		got, _, _ = strings.Cut(got, "\n")
		require.Equal(t, want, got, "TZ=%s", tz)
	}
}
