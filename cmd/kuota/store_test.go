package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestSameOffice(t *testing.T) {
	tests := []struct {
		name string
		edit func(*booking.OfficeConfig)
		want bool
	}{
		{"unchanged", func(*booking.OfficeConfig) {}, true},
		{"no closures as an empty list", func(c *booking.OfficeConfig) { c.Quota.Schedule.Closures = []calendar.Closure{} }, true},
		{"the zone loaded again", func(c *booking.OfficeConfig) {
			loc, err := calendar.LoadZone("Asia/Jakarta")
			require.NoError(t, err)
			c.Quota.Schedule.Location = loc
		}, true},
		{"renamed", func(c *booking.OfficeConfig) { c.Name += " (baru)" }, false},
		{"another zone", func(c *booking.OfficeConfig) { c.Quota.Schedule.Location = calendar.Makassar() }, false},
		{"a seat more", func(c *booking.OfficeConfig) { c.Quota.Layout.Slots[0].Seats[0]++ }, false},
		{"a closure", func(c *booking.OfficeConfig) {
			c.Quota.Schedule.Closures = []calendar.Closure{{Date: kt.Dec10, Reason: "Penataan ruang"}}
		}, false},
		{"a longer window", func(c *booking.OfficeConfig) { c.Quota.Days++ }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := officeConfig(t), officeConfig(t)
			tt.edit(&b)
			require.Equal(t, tt.want, sameOffice(&a, &b))
			require.Equal(t, tt.want, sameOffice(&b, &a))
		})
	}
}

// TestRegisterOffices registers a configuration's offices again after a
// restart only where they changed: an unchanged file adds no record.
func TestRegisterOffices(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(t0)
	other := officeConfig(t)
	other.Code = "MKS"
	offices := []booking.OfficeConfig{officeConfig(t), other}

	e := kt.OpenEngine(t, path, clk, nil)
	n, err := registerOffices(ctx, e, offices)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.NoError(t, e.Close())

	e = kt.OpenEngine(t, path, clk, nil)
	lsn := e.LatestLSN()
	n, err = registerOffices(ctx, e, offices)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, lsn, e.LatestLSN(), "nothing written")

	offices[1].Quota.Days += 7
	n, err = registerOffices(ctx, e, offices)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the office that changed")

	// A change the engine refuses names the office.
	_, err = e.Hold(ctx, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	offices[0].Quota.First = calendar.NewDate(2027, time.January, 1) // drops December, which has a hold
	_, err = registerOffices(ctx, e, offices)
	require.ErrorIs(t, err, booking.ErrOfficeInUse)
	require.ErrorContains(t, err, "office JKT: ")
	require.NoError(t, e.Close())
}
