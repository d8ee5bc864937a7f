package journal

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Bucket and key names of the file; see the package documentation.
var (
	bucketJournal = []byte("journal") // keyFormat → the layout's version; keyLast → the last LSN
	bucketLog     = []byte("log")     // LSN, 8 bytes big-endian → checksum and record
	bucketLegacy  = []byte("meta")    // the format-1 layout's first bucket
	keyFormat     = []byte("format")
	keyLast       = []byte("last")
)

// Versions of the layout: 1 was kuota's file of one record per booking,
// 2 this journal with bare records, 3 with a checksum before each record
// and the last LSN recorded beside the log.
const (
	fileFormat           = 3
	fileFormatNoChecksum = 2
)

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
// one (isNew: bbolt has just initialised it) and converts one of an older
// format, and reads the last LSN. Read-only, it only checks, and keeps a
// conversion in memory.
func (b *Bolt) prepare(isNew bool, upgrade func(*bolt.Tx) ([][]byte, error)) error {
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
		if !isNew {
			return fmt.Errorf("%w: %s is a bbolt file without buckets, not a kuota file; "+
				"if a kuota program was stopped while it created the file, it holds nothing: delete it", ErrCorrupt, b.path)
		}
		return createJournal(tx)
	})
}

// lostNamedMax bounds the gap between the log's end and the last LSN the
// file recorded that checkJournal names as missing changes; a larger one
// is a damaged record of the last LSN.
const lostNamedMax = 1 << 20

// checkJournal checks the format of a journal file and reads its last
// LSN, which must be the one the file recorded: a log that ends earlier
// has lost its last pages. A file of format 2 is converted.
func (b *Bolt) checkJournal(tx *bolt.Tx) error {
	meta, log := tx.Bucket(bucketJournal), tx.Bucket(bucketLog)
	if meta == nil || log == nil {
		return fmt.Errorf("%w: %s has only one of the buckets %q and %q", ErrCorrupt, b.path, bucketJournal, bucketLog)
	}
	switch v := meta.Get(keyFormat); {
	case v == nil:
		return fmt.Errorf("%w: %s records no format", ErrCorrupt, b.path)
	case bytes.Equal(v, []byte{fileFormatNoChecksum}) && meta.Get(keyLast) != nil:
		// Format 2 records no last LSN; format 3, one bit away, does.
		// Taking checksums for records' bytes would alter every record.
		return fmt.Errorf("%w: %s says format 2 but records a last LSN, as only format 3 does: a damaged format", ErrCorrupt, b.path)
	case bytes.Equal(v, []byte{fileFormatNoChecksum}):
		return b.addChecksums(tx)
	case !bytes.Equal(v, []byte{fileFormat}):
		return fmt.Errorf("%w: %s has format %s; this version reads %d and %d", ErrCorrupt, b.path, formatName(v), fileFormatNoChecksum, fileFormat)
	}
	var last uint64
	switch k, _ := log.Cursor().Last(); {
	case k == nil:
	case len(k) != 8:
		return fmt.Errorf("%w: %s: the last log key is not 8 bytes", ErrCorrupt, b.path)
	default:
		last = binary.BigEndian.Uint64(k)
	}
	v := meta.Get(keyLast)
	if len(v) != 8 {
		return fmt.Errorf("%w: %s records no last LSN", ErrCorrupt, b.path)
	}
	if want := binary.BigEndian.Uint64(v); last != want {
		if want > last && want-last <= lostNamedMax {
			return fmt.Errorf("%w: %s: the log ends at LSN %d, but the file recorded %d as its last: changes %d to %d are missing",
				ErrCorrupt, b.path, last, want, last+1, want)
		}
		// A value no commit wrote: the record of the last LSN is itself
		// damaged. It is not printed, being noise (and as long as a NIK).
		return fmt.Errorf("%w: %s: the log ends at LSN %d, and the file's record of its last LSN is damaged", ErrCorrupt, b.path, last)
	}
	b.last.Store(last)
	return nil
}

// formatName shows a stored format: a number if it is one byte.
func formatName(v []byte) string {
	if len(v) == 1 {
		return fmt.Sprint(v[0])
	}
	return fmt.Sprintf("%x", v)
}

// addChecksums converts a file of format 2: in a writable open it writes
// every record again with its checksum, records the last LSN and format 3,
// in this one transaction; read-only it keeps the records in memory. Both
// hold every record in memory for the while.
func (b *Bolt) addChecksums(tx *bolt.Tx) error {
	var recs [][]byte
	if err := b.scan(tx, 1, func(_ uint64, v []byte) error {
		recs = append(recs, bytes.Clone(v))
		return nil
	}); err != nil {
		return err
	}
	return b.replace(tx, recs, false)
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
	return b.replace(tx, recs, true)
}

// replace makes recs the whole log, LSN 1..n: in memory when read-only;
// else in tx, deleting the journal's buckets (every bucket when
// deleteAll: a format-1 file's) and writing a new journal.
func (b *Bolt) replace(tx *bolt.Tx, recs [][]byte, deleteAll bool) error {
	b.last.Store(uint64(len(recs)))
	if b.readOnly {
		b.mem, b.inMemory = recs, true
		return nil
	}
	names := [][]byte{bucketJournal, bucketLog}
	if deleteAll {
		names = nil
		if err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, bytes.Clone(name))
			return nil
		}); err != nil {
			return err
		}
	}
	for _, name := range names {
		if err := tx.DeleteBucket(name); err != nil {
			return fmt.Errorf("journal: convert %s: delete bucket %q: %w", b.path, name, err)
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
		return fmt.Errorf("journal: convert %s: %w", b.path, err)
	}
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
	if err := meta.Put(keyLast, make([]byte, 8)); err != nil {
		return err
	}
	_, err = tx.CreateBucket(bucketLog)
	return err
}

// put writes entries into the log bucket of tx, each record after its
// checksum, and records the last LSN. bbolt copies each key, and keeps
// each value until the transaction ends: the values are slices of one
// buffer made for them, which nobody changes.
func (b *Bolt) put(tx *bolt.Tx, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	bk := tx.Bucket(bucketLog)
	// Keys only grow, so pages can be filled: splitting them half full,
	// bbolt's default, would double the file (see logFillPercent).
	bk.FillPercent = b.fillPercent
	size := 0
	for _, e := range entries {
		size += framedLen(e.Data)
	}
	values := make([]byte, 0, size) // never regrown: bbolt holds slices of it
	var key [8]byte
	for _, e := range entries {
		start := len(values)
		values = frame(values, e.Data)
		binary.BigEndian.PutUint64(key[:], e.LSN)
		if err := bk.Put(key[:], values[start:]); err != nil {
			return fmt.Errorf("LSN %d: %w", e.LSN, err)
		}
	}
	return tx.Bucket(bucketJournal).Put(keyLast, binary.BigEndian.AppendUint64(nil, entries[len(entries)-1].LSN))
}
