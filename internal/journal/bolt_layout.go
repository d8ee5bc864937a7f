package journal

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Bucket and key names of the file; see the package documentation.
var (
	bucketJournal = []byte("journal") // keyFormat → the layout's version
	bucketLog     = []byte("log")     // LSN, 8 bytes big-endian → record
	bucketLegacy  = []byte("meta")    // the format-1 layout's first bucket
	keyFormat     = []byte("format")
)

// fileFormat is the version of the layout: 1 was kuota's file of one
// record per booking, 2 this journal.
const fileFormat = 2

// logFillPercent is how full bbolt fills a page of the log bucket before
// it splits it. Keys only grow, so no record ever goes into the left half
// of a split page: whatever room the split leaves there stays empty for
// good. Measured with BenchmarkBoltFillPercent (batches of 64 records of
// 200 bytes): 1.0 takes 230 page bytes a record, 0.9 takes 258 (12% more)
// and bbolt's default 0.5 takes 461; 0.9 and 1.0 append equally fast
// (about 1.1 µs a record, within noise).
const logFillPercent = 1.0

// layout is what a file holds, as far as OpenBolt cares.
type layout int

const (
	layoutEmpty   layout = iota // no buckets: a new file
	layoutJournal               // the journal's buckets
	layoutLegacy                // kuota's format-1 buckets
	layoutForeign               // buckets of another program
)

func layoutOf(tx *bolt.Tx) layout {
	switch {
	case tx.Bucket(bucketJournal) != nil || tx.Bucket(bucketLog) != nil:
		return layoutJournal
	case tx.Bucket(bucketLegacy) != nil:
		return layoutLegacy
	}
	found := false
	_ = tx.ForEach(func([]byte, *bolt.Bucket) error { found = true; return nil })
	if found {
		return layoutForeign
	}
	return layoutEmpty
}

// prepare checks the layout of the file, creates the buckets of a new
// one and converts a format-1 one, and reads the last LSN. Read-only, it
// only checks, and keeps a conversion in memory.
func (b *Bolt) prepare(upgrade func(*bolt.Tx) ([][]byte, error)) error {
	run := b.db.Update
	if b.readOnly {
		run = b.db.View
	}
	return run(func(tx *bolt.Tx) error {
		switch layoutOf(tx) {
		case layoutJournal:
			return b.checkJournal(tx)
		case layoutLegacy:
			return b.upgrade(tx, upgrade)
		case layoutForeign:
			// It belongs to another program: leave it untouched.
			return fmt.Errorf("%w: %s is not a kuota file (it holds other buckets)", ErrCorrupt, b.path)
		}
		if b.readOnly {
			return nil // an empty log
		}
		return createJournal(tx)
	})
}

// checkJournal checks the format of a journal file and reads its last LSN.
func (b *Bolt) checkJournal(tx *bolt.Tx) error {
	meta, log := tx.Bucket(bucketJournal), tx.Bucket(bucketLog)
	if meta == nil || log == nil {
		return fmt.Errorf("%w: %s has only one of the buckets %q and %q", ErrCorrupt, b.path, bucketJournal, bucketLog)
	}
	switch v := meta.Get(keyFormat); {
	case v == nil:
		return fmt.Errorf("%w: %s records no format", ErrCorrupt, b.path)
	case !bytes.Equal(v, []byte{fileFormat}):
		return fmt.Errorf("%w: %s has format %s; this version reads %d", ErrCorrupt, b.path, formatName(v), fileFormat)
	}
	k, _ := log.Cursor().Last()
	switch {
	case k == nil:
		b.last.Store(0)
	case len(k) != 8:
		return fmt.Errorf("%w: %s: last log key %x is not 8 bytes", ErrCorrupt, b.path, k)
	default:
		b.last.Store(binary.BigEndian.Uint64(k))
	}
	return nil
}

// formatName shows a stored format: a number if it is one byte.
func formatName(v []byte) string {
	if len(v) == 1 {
		return fmt.Sprint(v[0])
	}
	return fmt.Sprintf("%x", v)
}

// upgrade converts a format-1 file with the caller's Upgrade: in the same
// transaction, or in memory when read-only.
func (b *Bolt) upgrade(tx *bolt.Tx, upgrade func(*bolt.Tx) ([][]byte, error)) error {
	if upgrade == nil {
		return fmt.Errorf("%w: %s has kuota's format-1 layout (a %q bucket); open it with BoltOptions.Upgrade", ErrCorrupt, b.path, bucketLegacy)
	}
	recs, err := upgrade(tx)
	if err != nil {
		return fmt.Errorf("journal: upgrade %s: %w", b.path, err)
	}
	// The records may be the file's memory, which a read transaction
	// gives back when it ends and a write transaction may move.
	for i, r := range recs {
		recs[i] = bytes.Clone(r)
	}
	if b.readOnly {
		b.legacy, b.isLegacy = recs, true
		b.last.Store(uint64(len(recs)))
		return nil
	}
	var names [][]byte
	if err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		names = append(names, bytes.Clone(name))
		return nil
	}); err != nil {
		return err
	}
	for _, name := range names {
		if err := tx.DeleteBucket(name); err != nil {
			return fmt.Errorf("journal: upgrade %s: delete bucket %q: %w", b.path, name, err)
		}
	}
	if err := createJournal(tx); err != nil {
		return err
	}
	entries := make([]Entry, len(recs))
	for i, r := range recs {
		entries[i] = Entry{LSN: uint64(i) + 1, Data: r}
	}
	if err := b.put(tx, entries); err != nil {
		return fmt.Errorf("journal: upgrade %s: %w", b.path, err)
	}
	b.last.Store(uint64(len(recs)))
	return nil
}

// createJournal creates the journal's buckets in an empty file.
func createJournal(tx *bolt.Tx) error {
	meta, err := tx.CreateBucket(bucketJournal)
	if err != nil {
		return err
	}
	if err := meta.Put(keyFormat, []byte{fileFormat}); err != nil {
		return err
	}
	_, err = tx.CreateBucket(bucketLog)
	return err
}
