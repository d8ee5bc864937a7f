package demo

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

func TestConfigsRegister(t *testing.T) {
	h, err := Holidays()
	require.NoError(t, err)
	require.Equal(t, 25, h.Len())

	cfgs, err := Configs(Seats{Online: 10, WalkIn: 4, Accelerated: 2, Collective: 2},
		quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour}, calendar.NewDate(2026, 12, 1), 31)
	require.NoError(t, err)
	require.Len(t, cfgs, 3)
	e, err := booking.New(&booking.Options{NoSweeper: true})
	require.NoError(t, err)
	defer e.Close()
	for _, c := range cfgs {
		require.NoError(t, e.RegisterOffice(context.Background(), c))
	}
	require.Equal(t, []string{"JKT-SEL", "JPR", "MKS"}, e.Offices())
}
