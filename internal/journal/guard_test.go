package journal

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBoltReadOfFileTruncatedWhileOpen cuts the file under an open Bolt:
// reading a page beyond the new end faults (SIGBUS), which Read turns
// into ErrCorrupt instead of a crash; the Bolt still closes.
func TestBoltReadOfFileTruncatedWhileOpen(t *testing.T) {
	path := tempPath(t)
	b, err := OpenBolt(path, testOpts)
	require.NoError(t, err)
	rec := make([]byte, 512)
	for range 40 { // pages well beyond the first two
		appendBatch(t, b, string(rec), string(rec), string(rec))
	}
	require.NoError(t, os.Truncate(path, int64(2*os.Getpagesize())))

	err = b.Read(1, func(uint64, []byte) error { return nil })
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorContains(t, err, ": read: runtime error:", "a fault, recovered")
	require.NoError(t, b.Close())
}

// TestBoltReadLetsCallersPanicThrough checks that a panic of the function
// given to Read is the caller's: it is not turned into ErrCorrupt.
func TestBoltReadLetsCallersPanicThrough(t *testing.T) {
	b := openTestBolt(t, tempPath(t), testOpts)
	appendBatch(t, b, "a")
	require.PanicsWithValue(t, "caller's bug", func() {
		_ = b.Read(1, func(uint64, []byte) error { panic("caller's bug") })
	})
	_, recs := readFrom(t, b, 1)
	require.Equal(t, []string{"a"}, recs, "the read transaction was released")
}

func TestGuard(t *testing.T) {
	tests := []struct {
		name      string
		give      func(inCaller *bool) error
		wantErr   error
		wantPanic bool
	}{
		{name: "no panic", give: func(*bool) error { return nil }},
		{name: "an error", give: func(*bool) error { return os.ErrClosed }, wantErr: os.ErrClosed},
		{name: "a panic of bbolt", give: func(*bool) error { panic("page 7: unexpected flags") }, wantErr: ErrCorrupt},
		{name: "an index out of range", give: func(*bool) error {
			var s []int
			i := 3
			return fmt.Errorf("%d", s[i])
		}, wantErr: ErrCorrupt},
		{name: "a panic of the caller", give: func(inCaller *bool) error { *inCaller = true; panic("bug") }, wantPanic: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := func() error { return guard("journal.db", "test", tt.give) }
			if tt.wantPanic {
				require.Panics(t, func() { _ = run() })
				return
			}
			err := run()
			require.ErrorIs(t, err, tt.wantErr)
			if tt.wantErr == ErrCorrupt {
				require.ErrorContains(t, err, "journal.db: test:")
			}
		})
	}
}
