package booking_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// BenchmarkHoldRefusedFull: one op is one Hold refused because its cell is
// sold out — the quota-opening rush's common answer — beside, in the same
// run, quota's own refusal of a sold-out cell (the yardstick: a refused
// Hold should cost at most twice it, and allocate nothing). The request is
// a one-applicant family without an idempotency key, made once and sent
// again and again, as a client retrying. "signature" is the floor under
// that yardstick: what a call of Hold's shape costs with nothing inside.
func BenchmarkHoldRefusedFull(b *testing.B) {
	b.Run("quota", func(b *testing.B) {
		l := quota.NewLedger()
		cfg := quota.Config{Layout: quota.Layout{Pools: []string{kt.Online}, Slots: []quota.Slot{{Start: benchSlotStart(0), End: benchSlotStart(1), Seats: []int{1}}}},
			First: benchFirst, Days: benchDays}
		cfg.Schedule.Location = kt.WIB
		id, err := l.AddOffice(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := l.Reserve(id, benchFirst, 0, 0, 1, kt.T1); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if l.Reserve(id, benchFirst, 0, 0, 1, kt.T1) != quota.ErrFull {
					b.Fatal("want ErrFull")
				}
			}
		})
	})
	// "signature": a function of Hold's signature that checks its context
	// and returns a zero Booking and ErrFull, doing nothing else — the
	// least any Hold can cost, to read the engine's figure against.
	b.Run("signature", func(b *testing.B) {
		req := HoldRequest{Account: "second", Office: "OFC0", Date: benchFirst, Slot: benchStarts[0], Pool: kt.Online,
			Applicants: []Applicant{{NIK: benchNIK(1)}}}
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := holdSignature(bg, req); err != quota.ErrFull {
					b.Fatal("want ErrFull, got", err)
				}
			}
		})
	})
	// "engine": one account retrying from every goroutine, whose shard
	// of the account index they all contend for; "engine/accounts": an
	// account of each goroutine's own, as in a rush.
	for _, shared := range []bool{true, false} {
		name := "engine"
		if !shared {
			name = "engine/accounts"
		}
		b.Run(name, func(b *testing.B) {
			// A clock that stands still: the ticking one of benchEngine
			// is one atomic all goroutines contend for, which a real
			// clock is not.
			e, err := New(&Options{Now: func() time.Time { return kt.T1 }, NoSweeper: true})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			registerBenchOffices(b, e, 1, 1)
			first := HoldRequest{Account: "first", Office: "OFC0", Date: benchFirst, Slot: benchStarts[0], Pool: kt.Online,
				Applicants: []Applicant{{NIK: benchNIK(0)}}}
			if _, err := e.Hold(bg, first); err != nil {
				b.Fatal(err)
			}
			var next atomic.Uint64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				req := first
				req.Account, req.Applicants = "second", []Applicant{{NIK: benchNIK(1)}}
				if !shared {
					req.Account = "account-" + strconv.FormatUint(next.Add(1), 10)
				}
				for pb.Next() {
					if _, err := e.Hold(bg, req); err != quota.ErrFull {
						b.Fatal("want ErrFull, got", err)
					}
				}
			})
		})
	}
}

// holdSignature is Hold's signature with nothing behind it but the
// context's check; kept out of line, as Hold is, so that the call and the
// return of a Booking are paid.
//
//go:noinline
func holdSignature(ctx context.Context, req HoldRequest) (Booking, error) {
	if err := ctx.Err(); err != nil {
		return Booking{}, err
	}
	if req.Account == "" {
		return Booking{}, ErrBadAccount
	}
	return Booking{}, quota.ErrFull
}
