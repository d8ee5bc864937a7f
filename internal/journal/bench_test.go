package journal

import (
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkGroupBolt measures group commit over a bbolt file: every
// appender appends a record and waits for it, as an engine's callers do.
// It reports records/s and records per commit, which show how far one
// fsync is shared.
func BenchmarkGroupBolt(b *testing.B) {
	rec := make([]byte, 200) // about a booking record
	for _, sync := range []bool{false, true} {
		for _, parallelism := range []int{1, 16, 128} { // goroutines per GOMAXPROCS
			name := fmt.Sprintf("sync=%v/parallelism=%d", sync, parallelism)
			b.Run(name, func(b *testing.B) {
				log, err := OpenBolt(b.TempDir()+"/journal.db", &BoltOptions{NoSync: !sync})
				if err != nil {
					b.Fatal(err)
				}
				g, err := NewGroup(log)
				if err != nil {
					b.Fatal(err)
				}
				b.SetParallelism(parallelism)
				start := time.Now()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						lsn, err := g.Append(rec)
						if err == nil {
							err = g.Wait(nil, lsn)
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.StopTimer()
				st := g.Stats()
				b.ReportMetric(float64(st.Records)/time.Since(start).Seconds(), "records/s")
				b.ReportMetric(float64(st.Records)/float64(max(st.Commits, 1)), "records/commit")
				if err := g.Close(); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// BenchmarkBoltFillPercent compares fill percents of the log bucket, as
// Bolt.Append writes it in batches, by time and by file bytes per record.
func BenchmarkBoltFillPercent(b *testing.B) {
	const batchLen = 64
	rec := make([]byte, 200)
	for _, fill := range []float64{0.5, 0.9, 1.0} {
		b.Run(fmt.Sprintf("fill=%.1f", fill), func(b *testing.B) {
			log, err := OpenBolt(b.TempDir()+"/journal.db", &BoltOptions{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			log.fillPercent = fill
			batch := make([]Entry, batchLen)
			next := uint64(1)
			for b.Loop() {
				for i := range batch {
					batch[i] = Entry{LSN: next, Data: rec}
					next++
				}
				if err := log.Append(batch); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			// The file grows in steps (bbolt doubles its map), so count
			// the pages the log bucket fills instead of the file's size.
			var leafBytes int
			if err := log.db.View(func(tx *bolt.Tx) error {
				st := tx.Bucket(bucketLog).Stats()
				leafBytes = st.LeafAlloc + st.BranchAlloc
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			if err := log.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(leafBytes)/float64(next-1), "pagebytes/record")
		})
	}
}
