package demo

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

func TestConfigsRegister(t *testing.T) {
	h, err := Holidays()
	require.NoError(t, err)
	require.Equal(t, []int{2024, 2025, 2026}, h.Years())

	cfgs, err := Configs(Seats{Online: 10, WalkIn: 4, Accelerated: 2, Collective: 2},
		quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour}, calendar.NewDate(2026, 12, 1), 31)
	require.NoError(t, err)
	require.Len(t, cfgs, 3)
	e := kt.NewEmptyEngine(t, kt.NewClock(kt.T1), nil)
	for _, c := range cfgs {
		require.NoError(t, e.RegisterOffice(context.Background(), c))
	}
	require.Equal(t, []string{"JKT-SEL", "JPR", "MKS"}, e.Offices())
}

func TestOpenEngine(t *testing.T) {
	tests := []struct {
		name      string
		givePath  bool // a path of the caller's, or "" for a temporary file
		wantInTmp bool // whether a directory is left in TMPDIR while open
	}{
		{"temporary", false, true},
		{"the caller's", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			var path string
			if tt.givePath {
				path = filepath.Join(t.TempDir(), "kept.db")
			}
			e, cleanup, err := OpenEngine("test", path, &booking.Options{NoSweeper: true})
			require.NoError(t, err)

			made, err := filepath.Glob(filepath.Join(tmp, "kuota-test-*", "kuota.db"))
			require.NoError(t, err)
			require.Equal(t, tt.wantInTmp, len(made) == 1, "made %v", made)
			require.NoError(t, e.Close())
			require.NoError(t, cleanup())

			left, err := os.ReadDir(tmp)
			require.NoError(t, err)
			require.Empty(t, left, "the temporary directory outlives cleanup")
			if tt.givePath {
				require.FileExists(t, path, "the caller's file is kept")
			}
		})
	}
}
