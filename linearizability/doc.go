// Package linearizability checks that kuota's booking engine behaves as
// one booking at a time would, however many goroutines call it: its tests
// record concurrent histories of real goroutines against a real
// [booking.Engine] and check each with porcupine
// (github.com/anishathalye/porcupine) against the sequential model of
// [NewModel], as etcd's robustness tests do.
//
// It is a module of its own so that kuota's go.mod keeps its four
// dependencies; a replace directive points it at the working tree.
//
// # Concepts
//
// A history is a list of operations ([Input]), each with what it returned
// ([Output]) and the instants it was called and returned, taken by a
// [Recorder] from one monotonic clock. Porcupine looks for one order of
// the operations that respects real time (an operation that returned
// before another was called comes first) in which the model, stepping one
// operation at a time, returns exactly what every caller saw. If none
// exists the history is not linearizable.
//
// The model holds, per office, the seats taken in each cell (one date,
// one pool, a few slots) and every booking's state, slot, seats, payment
// reference and reschedules. Its rules ([Spec] gives capacities and
// limits):
//
//   - Hold refuses, in the engine's documented order, with
//     quota.ErrFull when the cell has fewer seats left than applicants,
//     ErrTooManyHolds while the account has its limit of unpaid holds,
//     ErrNIKBooked naming the first applicant whose NIK has a live (held
//     or paid) booking; otherwise it takes the seats and the booking is
//     Held, under the code it returned.
//   - Pay with the reference already paid succeeds and changes nothing;
//     with another, ErrAlreadyPaid; a hold becomes Paid; any other state
//     is ErrWrongState.
//   - Cancel ends a held or paid booking and gives back its seats; any
//     other state is ErrWrongState.
//   - Reschedule refuses, in order: a booking not paid (ErrWrongState),
//     one moved ReschedulesMax times (reschedule.ErrRescheduleLimit), the
//     same slot (ErrSameSlot), a cell without room (quota.ErrFull);
//     otherwise it takes the new seats, and a second step ([KindLeave],
//     recorded over the same interval) gives back the old ones. The
//     engine must take the new seats before its record has a place in
//     the journal and give back the old ones after, so that every prefix
//     of the journal recovers: for that moment a moving booking counts in
//     both cells, and no other operation can see the booking itself.
//   - Get returns the booking as the model has it; a seats read the
//     cell's capacity less the seats taken.
//   - The booking a Pay or Reschedule returns is read after the change is
//     durable, so it may show a later change too: it is checked as a
//     read of its own ([KindView]) over the same interval, which must
//     show the change that returned it.
//
// Any other error is never legal. The histories are partitioned by
// office: offices share no account and no NIK, so each is checked alone.
//
// # Time
//
// The engine's clock stands still during a history, before every
// deadline and arrival date, so that no hold expires, no booking becomes
// a no-show and every window is open: time does not enter the model.
//
// # Limits
//
// A history has a bounded number of clients and operations, a test a
// bounded number of histories and a wall-time budget, and every check a
// timeout: porcupine's Unknown (it ran out of time) fails the test as
// loudly as Illegal, since a check that gave up has proved nothing. See
// README.md for the flags.
package linearizability
