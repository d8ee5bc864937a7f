package simdisk

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"
	"syscall"

	"github.com/kuota/kuota/internal/journal"
)

// A frame holds one batch: a header, then each record as a 4-byte length
// and its bytes. See the package documentation.
const (
	// headerBytes is the frame header: payload length (4), first LSN (8),
	// record count (4), CRC-32C of those 16 bytes (4), CRC-32C of the
	// payload (4). The header has a checksum of its own so that a damaged
	// length is told from a torn frame: a cut leaves a header short or a
	// payload short, never a whole header that does not check.
	headerBytes = 24
	// recordHeaderBytes prefixes each record with its length.
	recordHeaderBytes = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Log is a journal.Log on a Disk, used by one process: the one OpenLog
// started. Once that process dies (a Crash or TornWrite fault, or
// Disk.Crash, PowerLoss or another OpenLog) every method returns
// ErrCrashed.
//
// Append writes one frame per batch and syncs it, asking the disk's Plan
// at each step (see Step). A Log is safe for concurrent use: its methods
// are serialised.
type Log struct {
	d   *Disk
	gen uint64

	mu     sync.Mutex // serialises the methods; guards last, end and closed
	last   uint64
	end    int // where the frame of the next batch goes: after the last one written, or found at open
	closed bool
}

var _ journal.Log = (*Log)(nil)

// OpenLog starts a process on d and returns its log. It reads the file
// back as the new process sees it (the page cache), drops a torn frame at
// its end, truncating the file before it, and returns journal.ErrCorrupt
// for a damaged frame anywhere else; then, unless Options.NoSyncAtOpen,
// it syncs the file (a sync no fault touches), as journal.OpenBolt's
// writable open does with the commit it makes. The process that used d before, if
// any, is dead from then on.
func OpenLog(d *Disk) (*Log, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	d.down = false
	end, last, err := scan(d.file, 1, nil)
	if err != nil {
		return nil, err
	}
	if end < len(d.file) {
		d.stats.TornTails++
		d.file = d.file[:end]
		d.synced = min(d.synced, end)
	}
	if !d.noSyncAtOpen && !d.noSync {
		d.synced = len(d.file)
	}
	return &Log{d: d, gen: d.gen, last: last, end: end}, nil
}

// Last returns the LSN of the last record written.
func (l *Log) Last() (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.check(); err != nil {
		return 0, err
	}
	return l.last, nil
}

// check returns the error of every method once the log cannot be used;
// l.mu is held.
func (l *Log) check() error {
	l.d.mu.Lock()
	alive := l.d.alive(l.gen)
	l.d.mu.Unlock()
	switch {
	case !alive:
		return ErrCrashed
	case l.closed:
		return journal.ErrClosed
	}
	return nil
}

// Append writes batch as one frame and syncs it; see journal.Log. It
// returns ErrCrashed once the process has died, journal.ErrOutOfOrder
// (writing nothing) unless the LSNs follow Last, and the fault the plan
// injects: an error wrapping syscall.EIO, ENOSPC or EROFS, or ErrCrashed.
// The frame goes right after the last batch written: a batch tried again
// after a SyncError writes over the bytes the failed try left in the
// page cache, as bbolt writes every page of a transaction again.
func (l *Log) Append(batch []journal.Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.check(); err != nil {
		return err
	}
	if len(batch) == 0 {
		return nil
	}
	for i, e := range batch {
		if want := l.last + 1 + uint64(i); e.LSN != want {
			return fmt.Errorf("%w: LSN %d where %d belongs", journal.ErrOutOfOrder, e.LSN, want)
		}
	}
	frame := encodeFrame(batch)
	d := l.d

	f, err := d.step(l.gen, BeforeWrite, len(frame))
	if err != nil {
		return err
	}
	d.mu.Lock()
	switch f.Kind {
	case WriteError:
		d.mu.Unlock()
		return fmt.Errorf("simdisk: write: %w", syscall.EIO)
	case NoSpace:
		d.mu.Unlock()
		return fmt.Errorf("simdisk: write: %w", syscall.ENOSPC)
	case ReadOnlyFS:
		d.mu.Unlock()
		return fmt.Errorf("simdisk: write: %w", syscall.EROFS)
	}
	d.file = d.file[:l.end] // what a failed try left
	if f.Kind == TornWrite {
		d.file = append(d.file, frame[:min(max(f.Keep, 0), len(frame)-1)]...)
		d.down = true
		d.mu.Unlock()
		return ErrCrashed
	}
	d.file = append(d.file, frame...)
	d.stats.Writes++
	d.mu.Unlock()

	if f, err = d.step(l.gen, BeforeSync, len(frame)); err != nil {
		return err
	}
	if f.Kind == SyncError {
		return fmt.Errorf("simdisk: fsync: %w", syscall.EIO)
	}
	d.mu.Lock()
	if !d.noSync {
		d.synced = len(d.file)
	}
	d.stats.Syncs++
	d.mu.Unlock()

	if _, err = d.step(l.gen, AfterSync, len(frame)); err != nil {
		return err // durable, but nobody hears of it
	}
	l.last, l.end = batch[len(batch)-1].LSN, l.end+len(frame)
	return nil
}

// Read calls fn for every record with LSN >= from, in LSN order, as the
// file stands; rec is valid only during the call. It stops silently at a
// torn frame at the end and returns journal.ErrCorrupt for a damaged
// one before it.
func (l *Log) Read(from uint64, fn func(lsn uint64, rec []byte) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.check(); err != nil {
		return err
	}
	l.d.mu.Lock()
	file := l.d.file // appends never change the bytes already there
	l.d.mu.Unlock()
	_, _, err := scan(file, max(from, 1), fn)
	return err
}

// Close ends the log; later calls return journal.ErrClosed, or ErrCrashed
// once the process has died. Nothing needs flushing: every Append synced.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.check(); err != nil {
		return err
	}
	l.closed = true
	return nil
}

// encodeFrame returns the frame of batch.
func encodeFrame(batch []journal.Entry) []byte {
	n := headerBytes
	for _, e := range batch {
		n += recordHeaderBytes + len(e.Data)
	}
	frame := make([]byte, headerBytes, n)
	for _, e := range batch {
		frame = binary.BigEndian.AppendUint32(frame, uint32(len(e.Data)))
		frame = append(frame, e.Data...)
	}
	binary.BigEndian.PutUint32(frame[0:], uint32(n-headerBytes))
	binary.BigEndian.PutUint64(frame[4:], batch[0].LSN)
	binary.BigEndian.PutUint32(frame[12:], uint32(len(batch)))
	binary.BigEndian.PutUint32(frame[16:], crc32.Checksum(frame[:16], castagnoli))
	binary.BigEndian.PutUint32(frame[20:], crc32.Checksum(frame[headerBytes:], castagnoli))
	return frame
}

// scan walks the frames of file, calling fn (when not nil) for every
// record with LSN >= from. It returns the end of the last whole frame and
// the last LSN. A frame the file ends inside (in its header or its
// payload) is a torn tail: scan stops before it without an error. A whole
// header or payload whose checksum fails, records that do not fill their
// frame exactly, or a first LSN that does not follow the frame before is
// journal.ErrCorrupt.
func scan(file []byte, from uint64, fn func(lsn uint64, rec []byte) error) (int, uint64, error) {
	off, last := 0, uint64(0)
	for off < len(file) {
		rest := file[off:]
		if len(rest) < headerBytes {
			break // torn in the header
		}
		if binary.BigEndian.Uint32(rest[16:]) != crc32.Checksum(rest[:16], castagnoli) {
			return off, last, fmt.Errorf("%w: frame at byte %d: header checksum mismatch", journal.ErrCorrupt, off)
		}
		size := uint64(binary.BigEndian.Uint32(rest[0:]))
		if size > uint64(len(rest)-headerBytes) {
			break // torn in the payload
		}
		frame := rest[:headerBytes+size]
		if binary.BigEndian.Uint32(frame[20:]) != crc32.Checksum(frame[headerBytes:], castagnoli) {
			return off, last, fmt.Errorf("%w: frame at byte %d: payload checksum mismatch", journal.ErrCorrupt, off)
		}
		first, count := binary.BigEndian.Uint64(frame[4:]), binary.BigEndian.Uint32(frame[12:])
		if first != last+1 || count == 0 {
			return off, last, fmt.Errorf("%w: frame at byte %d: LSN %d where %d belongs", journal.ErrCorrupt, off, first, last+1)
		}
		recs, err := records(frame[headerBytes:], count)
		if err != nil {
			return off, last, fmt.Errorf("%w: frame at byte %d: %w", journal.ErrCorrupt, off, err)
		}
		for i, rec := range recs {
			if lsn := first + uint64(i); fn != nil && lsn >= from {
				if err := fn(lsn, rec); err != nil {
					return off, last, err
				}
			}
		}
		last = first + uint64(count) - 1
		off += len(frame)
	}
	return off, last, nil
}

// records splits the payload of a frame into its count records, which
// must fill it exactly.
func records(payload []byte, count uint32) ([][]byte, error) {
	recs := make([][]byte, 0, min(count, uint32(len(payload)/recordHeaderBytes)))
	for i := range count {
		if len(payload) < recordHeaderBytes || uint64(binary.BigEndian.Uint32(payload)) > uint64(len(payload)-recordHeaderBytes) {
			return nil, fmt.Errorf("record %d overruns the frame", i+1)
		}
		n := binary.BigEndian.Uint32(payload)
		recs = append(recs, payload[recordHeaderBytes:recordHeaderBytes+n])
		payload = payload[recordHeaderBytes+n:]
	}
	if len(payload) != 0 {
		return nil, fmt.Errorf("%d bytes after its records", len(payload))
	}
	return recs, nil
}
