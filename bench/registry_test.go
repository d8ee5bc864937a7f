package bench

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeKind is a registered kind: the mutex-and-map baseline under another
// name, as a module outside this one would add a system.
const fakeKind = "fake-registered"

type fakeSystem struct{ *mutexEngine }

func (fakeSystem) Name() string { return fakeKind }

// registerFake registers fakeKind once per process, so that the tests
// using it survive -count=2.
var registerFake = sync.OnceFunc(func() {
	RegisterSystem(fakeKind, func(clk *Clock, _ string, holdsPerAccount int, _ bool) (System, error) {
		return fakeSystem{newMutexEngine(clk, holdsPerAccount)}, nil
	})
})

func TestRegisterSystem(t *testing.T) {
	registerFake()

	sys, err := NewSystem(fakeKind, new(Clock), t.TempDir(), 1, true)
	require.NoError(t, err)
	require.Equal(t, fakeKind, sys.Name())
	require.NoError(t, sys.Close())
	_, err = NewSystem("never-registered", new(Clock), t.TempDir(), 1, true)
	require.ErrorContains(t, err, "unknown system never-registered")

	// A registered kind runs in the scenarios and passes their audit.
	results, err := Run([]string{"rush"}, []string{fakeKind}, t.TempDir(), Config{Scale: 0.002, Seed: 1, Workers: 8})
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Equal(t, fakeKind, results[0].System)
	require.True(t, results[0].Correct(), "%+v", results[0])
	require.Positive(t, results[0].Bookings)
}

func TestRegisterSystemRefusesProgrammerErrors(t *testing.T) {
	registerFake()
	build := func(*Clock, string, int, bool) (System, error) { return nil, nil }
	tests := []struct {
		name  string
		kind  string
		build Builder
	}{
		{"empty kind", "", build},
		{"nil builder", "another", nil},
		{"built-in kind", MutexMap, build},
		{"the floor", QuotaSeats, build},
		{"twice", fakeKind, build},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Panics(t, func() { RegisterSystem(tt.kind, tt.build) })
		})
	}
}
