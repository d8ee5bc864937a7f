package linearizability_test

import (
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	lin "github.com/kuota/kuota/linearizability"
)

// handSpec is the office of the hand-made histories: slot 0 has one seat,
// slot 1 two.
var handSpec = lin.Spec{Capacity: map[string][]int{"X": {1, 2}}, HoldsPerAccountMax: 1, ReschedulesMax: 1}

// op is one hand-made operation at office X, called at call and returned
// at ret (microseconds, say: only their order matters).
func op(client int, call, ret int64, in lin.Input, out lin.Output) porcupine.Operation {
	in.Office = "X"
	return porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret}
}

func hold(acc, slot int, niks ...int) lin.Input {
	return lin.Input{Kind: lin.KindHold, Account: acc, Slot: slot, NIKs: niks}
}

func held(code string, slot, seats int) lin.Output {
	return lin.Output{Code: code, View: lin.View{State: booking.Held, Slot: slot, Seats: seats}}
}

func on(kind lin.Kind, code string) lin.Input { return lin.Input{Kind: kind, Code: code} }

func payIn(code, ref string) lin.Input { return lin.Input{Kind: lin.KindPay, Code: code, Ref: ref} }

func seatsIn(slot int) lin.Input { return lin.Input{Kind: lin.KindSeats, Slot: slot} }

func refused(o lin.Outcome) lin.Output { return lin.Output{Outcome: o} }

func left(n int) lin.Output { return lin.Output{Left: n} }

func viewOut(v lin.View) lin.Output { return lin.Output{View: v} }

// The checker tells a linearizable history from one that is not: each
// illegal history below has a legal twin that differs by one result or
// one overlap, so neither verdict is an accident of the model.
func TestCheckerRejectsHandMadeHistories(t *testing.T) {
	a1 := lin.View{State: booking.Held, Slot: 0, Seats: 1}
	paidA := lin.View{State: booking.Paid, Slot: 0, Seats: 1, Ref: "P1"}
	tests := []struct {
		name string
		give []porcupine.Operation
		want porcupine.CheckResult
	}{{
		name: "two concurrent holds both take the last seat",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(1, 1, 11, hold(1, 0, 1), held("B", 0, 1)),
		},
		want: porcupine.Illegal,
	}, {
		name: "two concurrent holds, the second refused full",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(1, 1, 11, hold(1, 0, 1), refused(lin.Full)),
		},
		want: porcupine.Ok,
	}, {
		name: "a hold refused full on an empty cell",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 1, 0, 1), refused(lin.Full)),
		},
		want: porcupine.Illegal,
	}, {
		name: "a seats read after a hold returned misses it",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(1, 20, 30, seatsIn(0), left(1)),
		},
		want: porcupine.Illegal,
	}, {
		name: "a seats read concurrent with the hold may miss it",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(1, 5, 30, seatsIn(0), left(1)),
		},
		want: porcupine.Ok,
	}, {
		name: "NIK booked after its booking was cancelled",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 7), held("A", 0, 1)),
			op(0, 20, 30, on(lin.KindCancel, "A"), viewOut(lin.View{State: booking.Cancelled, Slot: 0, Seats: 1})),
			op(1, 40, 50, hold(1, 1, 3, 7), lin.Output{Outcome: lin.NIKBooked, Applicant: 1}),
		},
		want: porcupine.Illegal,
	}, {
		name: "NIK booked while its booking is being cancelled",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 7), held("A", 0, 1)),
			op(0, 20, 60, on(lin.KindCancel, "A"), viewOut(lin.View{State: booking.Cancelled, Slot: 0, Seats: 1})),
			op(1, 40, 50, hold(1, 1, 3, 7), lin.Output{Outcome: lin.NIKBooked, Applicant: 1}),
		},
		want: porcupine.Ok,
	}, {
		name: "NIK booked names the wrong applicant",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 7), held("A", 0, 1)),
			op(1, 40, 50, hold(1, 1, 3, 7), lin.Output{Outcome: lin.NIKBooked, Applicant: 0}),
		},
		want: porcupine.Illegal,
	}, {
		name: "a payment succeeds after the cancellation returned",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, on(lin.KindCancel, "A"), viewOut(lin.View{State: booking.Cancelled, Slot: 0, Seats: 1})),
			op(1, 40, 50, payIn("A", "P1"), lin.Output{}),
		},
		want: porcupine.Illegal,
	}, {
		name: "two payments by different references both succeed",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(1, 21, 31, payIn("A", "P2"), lin.Output{}),
		},
		want: porcupine.Illegal,
	}, {
		name: "a Get after the payment returned reads the hold",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(1, 40, 50, on(lin.KindGet, "A"), viewOut(a1)),
		},
		want: porcupine.Illegal,
	}, {
		name: "a Get after the payment returned reads it paid",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(1, 40, 50, on(lin.KindGet, "A"), viewOut(paidA)),
		},
		want: porcupine.Ok,
	}, {
		name: "a payment returns a view without its own payment",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(0, 20, 30, lin.Input{Kind: lin.KindView, Code: "A", Ref: "P1", Of: lin.KindPay}, viewOut(a1)),
		},
		want: porcupine.Illegal,
	}, {
		name: "the account's one hold was paid, yet too many holds",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(0, 40, 50, hold(0, 1, 1), refused(lin.TooManyHolds)),
		},
		want: porcupine.Illegal,
	}, {
		name: "the old cell still full after a reschedule returned",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(0, 40, 50, lin.Input{Kind: lin.KindReschedule, Code: "A", Slot: 1}, lin.Output{}),
			op(0, 40, 50, on(lin.KindLeave, "A"), lin.Output{}),
			op(1, 60, 70, hold(1, 0, 1), refused(lin.Full)),
		},
		want: porcupine.Illegal,
	}, {
		name: "the old cell free after a reschedule returned",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(0, 40, 50, lin.Input{Kind: lin.KindReschedule, Code: "A", Slot: 1}, lin.Output{}),
			op(0, 40, 50, on(lin.KindLeave, "A"), lin.Output{}),
			op(1, 60, 70, hold(1, 0, 1), held("B", 0, 1)),
			op(2, 80, 90, seatsIn(1), left(1)),
		},
		want: porcupine.Ok,
	}, {
		name: "a moving booking counts in both cells while it moves",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(0, 40, 100, lin.Input{Kind: lin.KindReschedule, Code: "A", Slot: 1}, lin.Output{}),
			op(0, 40, 100, on(lin.KindLeave, "A"), lin.Output{}),
			op(1, 50, 55, seatsIn(1), left(1)),
			op(1, 60, 65, seatsIn(0), left(0)),
		},
		want: porcupine.Ok,
	}, {
		name: "a moving booking counts in both cells after it moved",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(0, 40, 100, lin.Input{Kind: lin.KindReschedule, Code: "A", Slot: 1}, lin.Output{}),
			op(0, 40, 100, on(lin.KindLeave, "A"), lin.Output{}),
			op(1, 50, 55, seatsIn(1), left(1)),
			op(1, 110, 115, seatsIn(0), left(0)),
		},
		want: porcupine.Illegal,
	}, {
		name: "a moving booking counts in both cells before it was asked to move",
		give: []porcupine.Operation{
			op(0, 0, 10, hold(0, 0, 0), held("A", 0, 1)),
			op(0, 20, 30, payIn("A", "P1"), lin.Output{}),
			op(1, 32, 35, seatsIn(1), left(1)),
			op(0, 40, 100, lin.Input{Kind: lin.KindReschedule, Code: "A", Slot: 1}, lin.Output{}),
			op(0, 40, 100, on(lin.KindLeave, "A"), lin.Output{}),
		},
		want: porcupine.Illegal,
	}}
	model := lin.NewModel(handSpec)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := verdict(model, tt.give, *flagTimeout)
			require.Equal(t, tt.want, res)
		})
	}
}

// A history recorded against an engine that reports a refused hold as
// made (brokenHolds) is rejected, while the same workload against the
// honest engine passes: the checker bites on real histories, not only on
// hand-made ones.
func TestCheckerRejectsBrokenEngine(t *testing.T) {
	const (
		brokenHistoriesMax = 20 // tried until the liar has lied rejectionsWant times
		rejectionsWant     = 3
	)
	var rejected, lies, ops int
	for h := range brokenHistoriesMax {
		// Holds and seat reads only, with fresh NIKs: no hold is refused
		// for its NIKs and no seat is given back, which keeps the honest
		// twin clear of the engine's own failings (see findings_test.go).
		w := workload{clients: *flagClients, ops: *flagOps, seed: uint64(h + 1), mix: seatsMix, freshNIKs: true}
		broken := &brokenHolds{}
		hist, spec := history(t, inMemory, w, broken)
		if broken.Lies() == 0 {
			continue
		}
		lies += broken.Lies()
		ops += len(hist)
		res, took := verdict(lin.NewModel(spec), hist, *flagTimeout)
		require.Equal(t, porcupine.Illegal, res, "a history with %d lies, checked in %v", broken.Lies(), took)
		rejected++
		honest, spec := history(t, inMemory, w, nil)
		requireLinearizable(t, "the honest twin", lin.NewModel(spec), honest, *flagTimeout)
		if rejected == rejectionsWant {
			break
		}
	}
	require.Positive(t, rejected, "the broken engine never lied in %d histories", brokenHistoriesMax)
	t.Logf("%d histories of the broken engine (%d operations, %d of them lies): all rejected; their honest twins passed", rejected, ops, lies)
}
