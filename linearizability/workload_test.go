package linearizability_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	lin "github.com/kuota/kuota/linearizability"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// The workload is small on purpose: a few seats, NIKs and accounts per
// office, so that clients contend for every one of them.
const (
	niksPerOffice     = 6 // families of 1..familyMax drawn from 6 NIKs: ErrNIKBooked is common
	accountsPerOffice = 4 // with one unpaid hold each (the default), ErrTooManyHolds is too
	familyMax         = 3
	// officeNIKsMax numbers the NIKs of an office: office i has kt.NIK
	// i*officeNIKsMax + j, the pool first, then those of freshNIKs. Three
	// offices fit kt.NIKsMax, and one office the families of the largest
	// run the flags allow (clientsMax × opsPerClientMax × familyMax).
	officeNIKsMax = 300_000
	// callTimeout bounds one history's calls: a call still blocked then
	// returns the context's error, which fails the test as unexpected.
	callTimeout = 2 * time.Minute
	// unexpectedKept bounds the unexpected errors a history keeps to
	// report.
	unexpectedKept = 10
)

// capacities are the seats of each office's slots: every cell holds 2 or
// 3 seats.
var capacities = [][]int{{2, 3}, {3, 2}, {2, 2}}

// refs are the payment references a Pay chooses from: two, so that a
// second payment is as often the same one (a no-op) as another
// (ErrAlreadyPaid).
var refs = [...]string{"PAY-A", "PAY-B"}

// office is one office of a history: its cells, its own NIKs and accounts
// (so that offices are independent partitions), and the bookings made so
// far, which clients pick from for every operation on a booking.
type office struct {
	code     string
	index    int // the office's place in capacities, for its NIK numbers
	capacity []int
	niks     []booking.NIK
	accounts []string
	fresh    atomic.Int64 // NIKs handed out by freshNIKs so far

	mu    sync.Mutex // guards known
	known []known
}

type known struct{ code, billing string }

func newOffices(t *testing.T) []*office {
	out := make([]*office, len(capacities))
	for i, c := range capacities {
		o := &office{code: fmt.Sprintf("LIN-%c", 'A'+i), index: i, capacity: c}
		for j := range niksPerOffice {
			o.niks = append(o.niks, kt.NIK(t, i*officeNIKsMax+j))
		}
		for j := range accountsPerOffice {
			o.accounts = append(o.accounts, fmt.Sprintf("acc-%s-%d", o.code, j))
		}
		out[i] = o
	}
	return out
}

// config is the office: the test office's calendar, released at once,
// with one pool and a slot per capacity from 08:00, an hour each.
func (o *office) config(t *testing.T) booking.OfficeConfig {
	cfg := kt.OfficeConfig(t)
	cfg.Code = o.code
	cfg.Quota.Release = quota.ReleaseRule{}
	slots := make([]quota.Slot, len(o.capacity))
	for i, seats := range o.capacity {
		start := time.Duration(8+i) * time.Hour
		slots[i] = quota.Slot{Start: start, End: start + time.Hour, Seats: []int{seats}}
	}
	cfg.Quota.Layout = quota.Layout{Pools: []string{kt.Online}, Slots: slots}
	return cfg
}

func (o *office) publish(k known) {
	o.mu.Lock()
	o.known = append(o.known, k)
	o.mu.Unlock()
}

// pick returns a booking made earlier, if any.
func (o *office) pick(rng *rand.Rand) (known, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.known) == 0 {
		return known{}, false
	}
	return o.known[rng.IntN(len(o.known))], true
}

func (o *office) all() []known {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]known(nil), o.known...)
}

// freshNIKs returns n NIKs of the office never handed out before, as
// numbers for the model (after the pool's) and as NIKs.
func (o *office) freshNIKs(n int) ([]int, []booking.NIK, error) {
	nums := make([]int, n)
	niks := make([]booking.NIK, n)
	for i := range nums {
		nums[i] = niksPerOffice + int(o.fresh.Add(1))
		if nums[i] >= officeNIKsMax {
			return nil, nil, fmt.Errorf("office %s: more than %d NIKs", o.code, officeNIKsMax)
		}
		var err error
		if niks[i], err = booking.ParseNIK(kt.NIKDigits(o.index*officeNIKsMax + nums[i])); err != nil {
			return nil, nil, err
		}
	}
	return nums, niks, nil
}

// spec is what the model needs to know of these offices and the engine's
// default options.
func spec(offices []*office) lin.Spec {
	s := lin.Spec{
		Capacity:           map[string][]int{},
		HoldsPerAccountMax: booking.DefaultMaxHoldsPerAccount,
		ReschedulesMax:     reschedule.Default().ReschedulesMax,
	}
	for _, o := range offices {
		s.Capacity[o.code] = o.capacity
	}
	return s
}

func slotName(i int) string { return fmt.Sprintf("%02d:00", 8+i) }

// mix weighs the operations a client chooses from.
type mix map[lin.Kind]int

// workload says what the clients of a history do.
type workload struct {
	clients, ops int    // goroutines, and operations each
	seed         uint64 // of the clients' choices (not of the interleaving)
	mix          mix
	// freshNIKs gives every hold NIKs never used before, so that no hold
	// is refused for its NIKs.
	freshNIKs bool
}

var (
	fullMix = mix{lin.KindHold: 30, lin.KindPay: 15, lin.KindCancel: 10, lin.KindGet: 10, lin.KindReschedule: 10, lin.KindSeats: 25}
	// seatsMix makes holds and seat reads only: no booking ever gives
	// its seats back.
	seatsMix = mix{lin.KindHold: 60, lin.KindSeats: 40}
)

func (m mix) pick(rng *rand.Rand) lin.Kind {
	total := 0
	for _, w := range m {
		total += w
	}
	n := rng.IntN(total)
	for k := lin.KindHold; k <= lin.KindSeats; k++ {
		if n < m[k] {
			return k
		}
		n -= m[k]
	}
	panic("unreachable: weights add up to total")
}

// run is one history in the making: the system under test, the offices
// and what the clients recorded.
type run struct {
	sys     system
	offices []*office
	rec     *lin.Recorder
	w       workload

	mu         sync.Mutex // guards unexpected
	unexpected []string
	lost       atomic.Int64 // operations the recorder had no room for
}

func (r *run) record(client int, in lin.Input, call int64, out lin.Output, ret int64) {
	if !r.rec.Add(client, in, call, out, ret) {
		r.lost.Add(1)
	}
}

// outcome classifies err, keeping the text of an unexpected one.
func (r *run) outcome(err error) lin.Output {
	var ae *booking.ApplicantError
	switch {
	case err == nil:
		return lin.Output{Outcome: lin.OK}
	case errors.Is(err, quota.ErrFull):
		return lin.Output{Outcome: lin.Full}
	case errors.Is(err, booking.ErrNIKBooked) && errors.As(err, &ae):
		return lin.Output{Outcome: lin.NIKBooked, Applicant: ae.Index}
	case errors.Is(err, booking.ErrTooManyHolds):
		return lin.Output{Outcome: lin.TooManyHolds}
	case errors.Is(err, booking.ErrAlreadyPaid):
		return lin.Output{Outcome: lin.AlreadyPaid}
	case errors.Is(err, booking.ErrWrongState):
		return lin.Output{Outcome: lin.WrongState}
	case errors.Is(err, reschedule.ErrRescheduleLimit):
		return lin.Output{Outcome: lin.RescheduleLimit}
	case errors.Is(err, booking.ErrSameSlot):
		return lin.Output{Outcome: lin.SameSlot}
	}
	r.mu.Lock()
	if len(r.unexpected) < unexpectedKept {
		r.unexpected = append(r.unexpected, err.Error())
	}
	r.mu.Unlock()
	return lin.Output{Outcome: lin.Unexpected, Err: err.Error()}
}

// view is the part of b the model knows; the slot is its index, read
// from its start, "08:00".
func view(b booking.Booking) lin.View {
	slot := -1
	var h, m int
	if _, err := fmt.Sscanf(b.Slot, "%d:%d", &h, &m); err == nil && m == 0 {
		slot = h - 8
	}
	return lin.View{State: b.State, Slot: slot, Seats: len(b.Applicants), Ref: b.PaymentRef, Reschedules: b.Reschedules}
}

// client makes the workload's operations, each at a random office, of a
// kind drawn from its mix; an operation on a booking becomes a hold while
// the office has none.
func (r *run) client(ctx context.Context, id int, rng *rand.Rand) {
	for range r.w.ops {
		o := r.offices[rng.IntN(len(r.offices))]
		kind := r.w.mix.pick(rng)
		k, ok := o.pick(rng)
		switch {
		case kind == lin.KindHold || kind != lin.KindSeats && !ok:
			r.hold(ctx, id, rng, o)
		case kind == lin.KindSeats:
			r.seats(ctx, id, o, rng.IntN(len(o.capacity)))
		default:
			in := lin.Input{Kind: kind}
			switch kind {
			case lin.KindPay:
				in.Ref = refs[rng.IntN(len(refs))]
			case lin.KindReschedule:
				in.Slot = rng.IntN(len(o.capacity))
			}
			r.onBooking(ctx, id, o, in, k)
		}
	}
}

func (r *run) hold(ctx context.Context, id int, rng *rand.Rand, o *office) {
	acc, slot, n := rng.IntN(len(o.accounts)), rng.IntN(len(o.capacity)), 1+rng.IntN(familyMax)
	if r.w.freshNIKs {
		nums, niks, err := o.freshNIKs(n)
		if err != nil {
			r.outcome(err) // kept as unexpected: the test fails
			return
		}
		r.holdNIKs(ctx, id, o, acc, slot, nums, niks)
		return
	}
	nums := rng.Perm(len(o.niks))[:n]
	niks := make([]booking.NIK, n)
	for i, j := range nums {
		niks[i] = o.niks[j]
	}
	r.holdNIKs(ctx, id, o, acc, slot, nums, niks)
}

// holdNIKs makes and records a hold of account acc in slot for niks,
// numbered nums for the model, and returns what it got and, when made,
// the booking, which it publishes for the other clients.
func (r *run) holdNIKs(ctx context.Context, id int, o *office, acc, slot int, nums []int, niks []booking.NIK) (lin.Output, known) {
	req := booking.HoldRequest{Account: o.accounts[acc], Office: o.code, Date: kt.Dec10, Slot: slotName(slot), Pool: kt.Online}
	for _, nik := range niks {
		req.Applicants = append(req.Applicants, booking.Applicant{NIK: nik})
	}
	in := lin.Input{Kind: lin.KindHold, Office: o.code, Account: acc, NIKs: nums, Slot: slot}
	call := r.rec.Now()
	b, err := r.sys.Hold(ctx, req)
	ret := r.rec.Now()
	out := r.outcome(err)
	if err == nil {
		out.Code, out.View = b.Code, view(b)
	}
	r.record(id, in, call, out, ret)
	if err != nil {
		return out, known{}
	}
	k := known{b.Code, b.BillingCode}
	o.publish(k) // after its return was recorded
	return out, k
}

// seats reads and records the seats left in a cell of the office.
func (r *run) seats(ctx context.Context, id int, o *office, slot int) lin.Output {
	in := lin.Input{Kind: lin.KindSeats, Office: o.code, Slot: slot}
	call := r.rec.Now()
	v, err := r.sys.DayIn(ctx, o.code, kt.Online, kt.Dec10)
	ret := r.rec.Now()
	out := r.outcome(err)
	if err == nil {
		out.Left = v.Slots[slot].Pools[0].Left
	}
	r.record(id, in, call, out, ret)
	return out
}

// onBooking makes and records in, a Pay (by in.Ref), Cancel, Get or
// Reschedule (to in.Slot) of booking k at office o, and returns what it
// got. The booking a Pay or Reschedule returns is recorded as a View
// over the same interval, and a Reschedule's giving back of its old seats
// as a Leave.
func (r *run) onBooking(ctx context.Context, id int, o *office, in lin.Input, k known) lin.Output {
	in.Office, in.Code = o.code, k.code
	var b booking.Booking
	var err error
	call := r.rec.Now()
	switch in.Kind {
	case lin.KindPay:
		b, err = r.sys.Pay(ctx, k.billing, in.Ref)
	case lin.KindCancel:
		b, err = r.sys.Cancel(ctx, k.code, booking.Reason{})
	case lin.KindGet:
		b, err = r.sys.Get(ctx, k.code)
	case lin.KindReschedule:
		b, err = r.sys.Reschedule(ctx, k.code, kt.Dec10, slotName(in.Slot))
	}
	ret := r.rec.Now()
	out := r.outcome(err)
	switch {
	case err != nil:
	case in.Kind == lin.KindCancel || in.Kind == lin.KindGet:
		out.View = view(b)
	default:
		r.record(id, lin.Input{Kind: lin.KindView, Office: o.code, Code: k.code, Ref: in.Ref, Of: in.Kind}, call,
			lin.Output{Outcome: lin.OK, View: view(b)}, ret)
		if in.Kind == lin.KindReschedule {
			r.record(id, lin.Input{Kind: lin.KindLeave, Office: o.code, Code: k.code}, call, lin.Output{Outcome: lin.OK}, ret)
		}
	}
	r.record(id, in, call, out, ret)
	return out
}

// final reads, one at a time, every booking and every cell of every
// office: called once the clients are done (and a durable engine
// reopened), it ties the history's end to what the engine kept.
func (r *run) final(ctx context.Context, id int) {
	for _, o := range r.offices {
		for _, k := range o.all() {
			r.onBooking(ctx, id, o, lin.Input{Kind: lin.KindGet}, k)
		}
		for slot := range o.capacity {
			r.seats(ctx, id, o, slot)
		}
	}
}

// history records one history: the workload's clients released
// together, then the final reads, against the engine of kind (or, with
// broken, a wrapper of it that lies). It returns the operations and the
// offices' model.
func history(t *testing.T, kind engineKind, w workload, broken *brokenHolds) ([]porcupine.Operation, lin.Spec) {
	t.Helper()
	offices := newOffices(t)
	in := kind.start(t, offices)
	var sys system = in.e
	if broken != nil {
		broken.Engine = in.e
		sys = broken
	}
	finalOps := 0
	for _, c := range capacities {
		finalOps += len(c)
	}
	// Each operation records at most two entries (a Pay or Reschedule
	// and its View), and each hold at most one Get at the end.
	r := &run{sys: sys, offices: offices, w: w, rec: lin.NewRecorder(3*w.clients*w.ops + finalOps)}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	start := make(chan struct{})
	var wg sync.WaitGroup
	for id := range w.clients {
		rng := rand.New(rand.NewPCG(w.seed, uint64(id)))
		wg.Go(func() {
			<-start
			r.client(ctx, id, rng)
		})
	}
	close(start)
	wg.Wait()
	in.reopen(t)
	if r.sys = in.e; broken != nil {
		broken.Engine = in.e
		r.sys = broken
	}
	r.final(ctx, w.clients)
	in.close(t)

	require.Empty(t, r.unexpected, "unexpected errors (seed %d)", w.seed)
	require.Zero(t, r.lost.Load(), "operations the recorder had no room for")
	return r.rec.Operations(), spec(offices)
}
