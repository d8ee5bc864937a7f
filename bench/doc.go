// Package bench measures kuota in the minute an office opens its quota,
// against three baselines, in one process and one run.
//
// # Systems
//
// Every scenario runs on five systems: kuota durable (booking.Open, fsync
// per group commit), kuota in memory (booking.New), two baselines kept
// here with the same rules — a mutex-and-map engine (one sync.Mutex around
// maps, the engine a team writes first) and a bbolt engine that makes every
// change in its own bbolt Update, so every change is its own fsync — and
// the yardstick of kuota in memory, a rule-less mutex-and-map engine
// ([MutexNoRules]): one sync.Mutex over a map of seats left per cell and a
// map of holds, which never sells a seat twice and keeps none of kuota's
// other rules (no NIK rule, no hold limit, no release instant, no windows,
// no durability). It is what a Go developer writes instead of a booking
// engine, and kuota in memory, with every rule on, should serve at least
// as fast. kuota is driven through its public API only.
//
// Asked by name, the office and roomy rushes also run on [QuotaSeats],
// the floor under kuota in memory: the quota.Ledger alone, whose holds
// take their seats and are forgotten. What kuota in memory takes beyond it in a rush
// is its booking layer's cost: records, rules and answers.
//
// Modules that the core module must not depend on add systems of their
// own with [RegisterSystem]; [Rules] gives their baselines the rules the
// baselines here enforce. The nested module bench/postgres adds a plain
// PostgreSQL engine that way, and its command pgrush runs it.
//
// # Scenarios
//
//	rush      one office opens December: 22 service days, 8 slots, 300 online
//	          seats a day; 100,000 applicants (families of 1 to 5) arrive at
//	          08:00, read the calendar, pick the earliest green day and a
//	          slot, and retry the next option up to 3 times on a full answer
//	roomy     the rush with room for all: the same office and applicants,
//	          2,500 online seats a slot (440,000 in the month), so every
//	          hold succeeds and the run measures holds, not refusals
//	national  125 offices in WIB, WITA and WIT open at 08:00 local time, an
//	          hour apart in UTC; 1,000,000 applicants
//	steady    a day of traffic on a fake clock: 70% of holds paid, 30% left
//	          to expire, 5% rescheduled, 3% cancelled, then check-ins and
//	          no-shows through the arrival days
//	recovery  reopening a file of 1,000,000 bookings
//
// Beside them, [Fairness] measures who wins an opening: how often the
// earliest 1% of arrivals get a seat against their fair share, first come
// first served and with an office's opening window (a seeded draw).
//
// Each run reports bookings/s (bookings over the time to sell out),
// operations/s, hold latency p50/p99/p99.9, refusals by reason, allocations
// and heap per booking, and an audit of every cell: no seat oversold, seats
// taken plus seats left equal to capacity. The office and roomy rushes
// also report the share of the processors the process ran on while their
// seats went, and the CPU a booking cost it then
// ([Result.CPUPerBooking]): on a machine shared with others, bookings/s
// moves with what the host gives, and the CPU a booking says how much of
// a build's figure is its own work.
//
// Run it with `go run ./bench/cmd/rush` (see its -help) or
// `go test -bench . ./bench`. The latest figures are in bench/README.md.
package bench
