package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStats(t *testing.T) {
	f := newFixture(t)
	fi, err := os.Stat(f.path)
	require.NoError(t, err)
	tests := []struct {
		name              string
		giveNow           string
		wantHeld, wantExp int
	}{
		{"holds waiting", at(t1), 2, 0},
		// A reader shows lapsed holds as expired without storing it.
		{"holds lapsed", at(t2), 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := fmt.Sprintf(`file          %s
size          %s
bookings      9
  held        %d
  paid        6
  checked in  0
  cancelled   1
  expired     %d
  rejected    0
  no-show     0
offices       1

CODE  NAME                             ZONE          WINDOW                    DAYS  RELEASE  SLOTS  POOLS
JKT   Kantor Imigrasi Jakarta Selatan  Asia/Jakarta  2026-12-01 to 2027-01-29  60    monthly  2      online, walk-in
`, f.path, formatSize(fi.Size()), tt.wantHeld, tt.wantExp)

			status, out, errOut := kuota(t, "stats", "-db", f.path, "-now", tt.giveNow)
			require.Equal(t, exitOK, status, errOut)
			require.Equal(t, want, out)
		})
	}
	after, err := os.Stat(f.path)
	require.NoError(t, err)
	require.Equal(t, fi.ModTime(), after.ModTime(), "kuota never writes")
}

func TestFormatSize(t *testing.T) {
	tests := []struct {
		give int64
		want string
	}{
		{0, "0 bytes"},
		{1, "1 byte"},
		{1023, "1023 bytes"},
		{32 << 10, "32768 bytes (32.0 KiB)"},
		{3 << 19, "1572864 bytes (1.5 MiB)"},
		{5 << 30, "5368709120 bytes (5.0 GiB)"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, formatSize(tt.give), "%d", tt.give)
	}
}
