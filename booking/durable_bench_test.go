package booking_test

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// The durable benchmarks run each contender with a fixed number of
// concurrent callers and report holds/s and latency percentiles. The two
// baselines write a record about the size of a one-applicant hold's to a
// bucket of their own: one bbolt Update (and fsync) per booking, and
// bbolt's own DB.Batch.

var callerCounts = []int{64, 1024}

func BenchmarkDurableHold(b *testing.B) {
	for _, callers := range callerCounts {
		b.Run(fmt.Sprintf("kuota/callers=%d", callers), func(b *testing.B) {
			e, err := Open(filepath.Join(b.TempDir(), "kuota.db"), &Options{
				Now: func() time.Time { return kt.T1 }, NoSweeper: true, MaxHoldsPerAccount: MaxHoldsPerAccountLimit,
			})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			registerBenchOffices(b, e, benchOffices, 1000)
			codes := e.Offices()
			kt.RunCallers(b, callers, func(i uint64) error {
				_, err := e.Hold(bg, HoldRequest{
					Account: strconv.FormatUint(i, 36), Office: codes[i%benchOffices],
					Date: benchFirst.AddDays(int(i/benchOffices) % benchDays), Slot: benchStarts[int(i/(benchOffices*benchDays))%benchSlots],
					Pool: kt.Online, Applicants: []Applicant{{NIK: benchNIK(i)}},
				})
				return err
			})
			st := e.Stats()
			b.ReportMetric(st.AvgBatch, "holds/commit")
			// The last commit's disk time, write and two fdatasyncs: what
			// bounds commits per second on a slow disk.
			b.ReportMetric(float64(st.LastSync)/float64(time.Millisecond), "sync-ms")
		})
		b.Run(fmt.Sprintf("bolt-update/callers=%d", callers), func(b *testing.B) {
			db := openBenchBolt(b)
			kt.RunCallers(b, callers, func(i uint64) error {
				return db.Update(func(tx *bolt.Tx) error { return putBenchRecord(tx, i) })
			})
		})
		b.Run(fmt.Sprintf("bolt-batch/callers=%d", callers), func(b *testing.B) {
			db := openBenchBolt(b)
			kt.RunCallers(b, callers, func(i uint64) error {
				return db.Batch(func(tx *bolt.Tx) error { return putBenchRecord(tx, i) })
			})
		})
	}
}

func openBenchBolt(b *testing.B) *bolt.DB {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bolt.db"), 0o600, &bolt.Options{NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(benchBucket); return err }); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchBucket is the baselines' own bucket, in a file of their own.
var benchBucket = []byte("bench")

// benchRecord is 64 bytes, a little longer than the journal record of a
// one-applicant hold (about 50 bytes without metadata): the size the
// baselines have always written, so that their numbers stay comparable.
var benchRecord = make([]byte, 64)

func putBenchRecord(tx *bolt.Tx, i uint64) error {
	return tx.Bucket(benchBucket).Put(binary.BigEndian.AppendUint64(nil, i), benchRecord)
}

// BenchmarkReopen measures Open of a file holding a million bookings: one
// op is one Open and Close.
func BenchmarkReopen(b *testing.B) {
	const bookings = 1_000_000
	path := filepath.Join(b.TempDir(), "kuota.db")
	now := func() time.Time { return kt.T1 }
	e, err := Open(path, &Options{Now: now, NoSweeper: true, Durability: NoSync, MaxHoldsPerAccount: MaxHoldsPerAccountLimit})
	if err != nil {
		b.Fatal(err)
	}
	registerBenchOffices(b, e, benchOffices, 1000)
	codes := e.Offices()
	var wg sync.WaitGroup
	var next atomic.Uint64
	for range 64 {
		wg.Go(func() {
			for i := next.Add(1); i <= bookings; i = next.Add(1) {
				bk, err := e.Hold(bg, HoldRequest{
					Account: strconv.FormatUint(i, 36), Office: codes[i%benchOffices],
					Date: benchFirst.AddDays(int(i/benchOffices) % benchDays), Slot: benchStarts[int(i/(benchOffices*benchDays))%benchSlots],
					Pool: kt.Online, Applicants: []Applicant{{NIK: benchNIK(i)}},
				})
				if err != nil {
					b.Error(err)
					return
				}
				if i%2 == 0 { // half of them paid: two snapshots, and a no-show entry
					if _, err := e.Pay(bg, bk.BillingCode, "ref"); err != nil {
						b.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		e, err := Open(path, &Options{Now: now, NoSweeper: true})
		if err != nil {
			b.Fatal(err)
		}
		if n := e.Stats().Bookings[Held] + e.Stats().Bookings[Paid]; n != bookings {
			b.Fatalf("reopened %d bookings", n)
		}
		e.Close()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/open")
}
