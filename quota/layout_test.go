package quota

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSpan(t *testing.T) {
	require.Equal(t, "08:00–09:30", Slot{Start: 8 * time.Hour, End: 9*time.Hour + 30*time.Minute}.Span())
	require.Equal(t, "00:00–24:00", Slot{End: 24 * time.Hour}.Span())
	v := SlotView{Start: 13 * time.Hour, End: 14 * time.Hour}
	require.Equal(t, "13:00–14:00", v.Span())
}

func TestLayoutPool(t *testing.T) {
	l := Layout{Pools: []string{"online", "walk-in"}}
	i, ok := l.Pool("walk-in")
	require.True(t, ok)
	require.Equal(t, 1, i)
	_, ok = l.Pool("vip")
	require.False(t, ok)
}
