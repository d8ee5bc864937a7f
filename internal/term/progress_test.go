package term

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer the bar's goroutine writes while the
// test reads it.
type lockedBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestProgress follows one bar on a fake clock: quiet at first, then
// drawn in place, full past its total, and cleared at the end.
func TestProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out lockedBuffer
		var n atomic.Int64
		stop := StartProgress(&out, "rush", 10, func() int { return int(n.Load()) }, time.Second)

		n.Store(3)
		time.Sleep(time.Second + redrawEvery/2)
		synctest.Wait()
		require.Empty(t, out.String(), "quiet until the first redraw after a second")

		time.Sleep(redrawEvery)
		synctest.Wait()
		first := "\rrush [=========                     ]  30% 3/10"
		require.Equal(t, first, out.String())

		n.Store(12) // more than the total: drawn full
		time.Sleep(redrawEvery)
		synctest.Wait()
		full := "\rrush [==============================] 100% 10/10"
		require.Equal(t, first+full, out.String())

		stop()
		require.Equal(t, first+full+"\r"+strings.Repeat(" ", len(full)-1)+"\r", out.String())
	})
}

// A bar stopped before it was drawn, or given nowhere to go, writes
// nothing.
func TestProgressQuiet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out lockedBuffer
		stop := StartProgress(&out, "short", 10, func() int { return 10 }, time.Second)
		time.Sleep(time.Second / 2)
		stop()
		require.Empty(t, out.String())

		StartProgress(nil, "nowhere", 10, func() int { return 10 }, 0)()
		StartProgress(&out, "no work", 0, func() int { return 0 }, 0)()
		require.Empty(t, out.String())
	})
}
