package simdisk

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const second = time.Second

var t0 = time.Date(2026, time.November, 1, 8, 0, 0, 0, time.UTC)

func TestClockContexts(t *testing.T) {
	clk := NewClock(t0)
	ctx, cancel := clk.WithTimeout(5 * second)
	defer cancel()
	deadline, ok := ctx.Deadline()
	require.True(t, ok)
	require.Equal(t, t0.Add(5*second), deadline)

	clk.Advance(4 * second)
	require.NoError(t, ctx.Err())
	clk.Advance(-time.Hour) // the clock never goes back
	require.Equal(t, t0.Add(4*second), clk.Now())
	clk.AdvanceTo(t0) // nor forward to the past
	require.Equal(t, t0.Add(4*second), clk.Now())
	clk.AdvanceTo(t0.Add(5 * second))
	require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	<-ctx.Done()

	other, cancelOther := clk.WithTimeout(time.Hour)
	cancelOther()
	require.ErrorIs(t, other.Err(), context.Canceled)
	<-other.Done()
	cancelOther() // twice is fine
	require.Empty(t, clk.deadlines, "ended contexts are not kept")

	ended, cancelEnded := clk.WithTimeout(0)
	defer cancelEnded()
	require.ErrorIs(t, ended.Err(), context.DeadlineExceeded)
	require.Nil(t, ended.Value("key"))
}
