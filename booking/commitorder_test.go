package booking

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCommitEncodesTheStateOfItsChange drives the group-commit writer
// through the order that once left a file Open refused: the writer takes a
// batch holding A's payment; C cancels (its change queued for the next
// batch, its seat released); A reschedules into C's seat; the process dies
// after the first commit. The first commit must hold A as paid on its old
// date, never A already rescheduled into a seat that C, on disk, still
// holds.
func TestCommitEncodesTheStateOfItsChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kuota.db")
	clk := &clock{t: t1}
	e := openTestEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
	// Cell X: the 11th, slot 0, online, one seat, taken by C.
	require.NoError(t, e.SetCapacity(bg, jkt, dec11, 0, online, 1))
	reqC := holdReq(t, 1)
	reqC.Date = dec11
	c, err := e.Hold(bg, reqC)
	require.NoError(t, err)
	_, err = e.Pay(bg, c.BillingCode, "REF-C")
	require.NoError(t, err)
	a, err := e.Hold(bg, holdReq(t, 2))
	require.NoError(t, err)

	// The writer stops after taking each batch until the test lets it go;
	// at the second stop it copies the file: what a crash between the two
	// commits leaves on disk.
	crashed := filepath.Join(dir, "crashed.db")
	entered, release := make(chan int, 2), make(chan struct{})
	calls := 0
	e.store.beforeCommit = func() {
		calls++
		if calls == 2 {
			data, err := os.ReadFile(path)
			if err == nil {
				err = os.WriteFile(crashed, data, 0o600)
			}
			if err != nil {
				panic(err)
			}
		}
		entered <- calls
		<-release
	}

	errs := make(chan error, 3)
	go func() { _, err := e.Pay(bg, a.BillingCode, "REF-A"); errs <- err }()
	require.Equal(t, 1, <-entered) // the writer holds the batch with A's payment
	go func() { _, err := e.Cancel(bg, c.Code); errs <- err }()
	require.Eventually(t, func() bool { return seatsLeft(t, e, dec11, 0, 0) == 1 }, waitMax, waitTick)
	go func() { _, err := e.Reschedule(bg, a.Code, dec11, 0); errs <- err }()
	require.Eventually(t, func() bool { return seatsLeft(t, e, dec11, 0, 0) == 0 }, waitMax, waitTick)
	release <- struct{}{}
	require.Equal(t, 2, <-entered) // the file is copied here
	release <- struct{}{}
	for range 3 {
		require.NoError(t, <-errs)
	}

	re := openTestEngine(t, crashed, clk, nil)
	requireConsistent(t, re)
	got, err := re.Get(bg, a.Code)
	require.NoError(t, err)
	require.Equal(t, Paid, got.State)
	require.Equal(t, dec10, got.Date, "the first commit holds A as it was when paid")
	got, err = re.Get(bg, c.Code)
	require.NoError(t, err)
	require.Equal(t, Paid, got.State, "C's cancellation was in the lost commit")
}

// How long a test waits for another goroutine to reach a point, and how
// often it looks.
const (
	waitMax  = 5 * time.Second
	waitTick = time.Millisecond
)
