package journal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// SalvageProblemsMax bounds the problems a SalvageReport lists (it counts
// them all): a file damaged throughout would otherwise make a report as
// long as the file.
const SalvageProblemsMax = 100

// SalvageReport is what Salvage copied and what it could not.
type SalvageReport struct {
	Copied uint64 // records copied into dst: LSN 1 to Copied; Copied is the last good LSN
	// Last is the last LSN src recorded, or else the highest it holds,
	// as far as Salvage could read either; 0 if it found none, or none
	// that can be right (a problem says so). The records Copied+1 to Last
	// are lost.
	Last             uint64
	Damaged          uint64 // records found damaged: a checksum that does not match, a key that is not an LSN
	Skipped          uint64 // intact records found after the first damage or gap, left out of dst
	UnreachablePages uint64 // pages Salvage could not read or follow, each with every page below it
	// Checksums is true when the records carry checksums (format 3) and
	// each was checked; false for a file of format 2, whose records
	// Salvage copies as the file's structure gives them.
	Checksums bool
	Meta      int // the meta page (0 or 1) whose tree Salvage read
	// Problems says what was wrong, in the order found, without any
	// record's contents: pages by number, records by LSN. It holds the
	// first SalvageProblemsMax of ProblemCount problems.
	Problems     []string
	ProblemCount int
}

// Complete reports whether Salvage found nothing wrong: dst holds every
// record src does.
func (r *SalvageReport) Complete() bool { return r.ProblemCount == 0 }

// plausibleLast reports whether last, a file's last LSN, can be right
// when the records up to copied were read: no commit leaves more than
// lostNamedMax records beyond what a damage hides. A larger value is itself
// damage, and is not printed (as long as a NIK, and meaningless).
func plausibleLast(copied, last uint64) bool { return last <= copied+lostNamedMax }

func (r *SalvageReport) problem(format string, args ...any) {
	if r.ProblemCount < SalvageProblemsMax {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
	r.ProblemCount++
}

// Salvage copies the intact records of the journal file src, in LSN
// order from LSN 1 up to the first gap or damaged record, into a new
// journal file dst (mode 0600; it must not exist), and reports what it
// copied and what was lost. dst is a journal of the changes before the
// damage: OpenBolt opens it, and so does an engine that replays it.
//
// Salvage reads src itself, read-only, under a shared lock (ErrLocked
// after a second), and never with bbolt: it follows the file's structure
// page by page, checking each page before it follows anything on it, so a
// damaged page costs the records below it instead of the process. A
// record is intact when its checksum matches (a file of format 2 has
// none: its records are taken as found). It reads the tree of each valid
// meta page and copies from the one that reaches further — the newer,
// unless damage in the newest commit's pages cuts it shorter than the
// commit before.
//
// It returns an error, and writes no dst, when src cannot be opened or
// has no valid meta page (nothing in it can be found), when dst exists,
// and when writing dst fails (dst is then removed). Otherwise the report
// says what was found: Complete is false when anything was.
func Salvage(src, dst string) (SalvageReport, error) {
	f, err := os.Open(src)
	if err != nil {
		return SalvageReport{}, err
	}
	defer f.Close()
	if err := lockFile(f, false, lockTimeoutDefault); errors.Is(err, ErrLocked) {
		return SalvageReport{}, fmt.Errorf("%w: %s (waited %v)", ErrLocked, src, lockTimeoutDefault)
	} else if err != nil {
		return SalvageReport{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		return SalvageReport{}, err
	}
	bf, err := readBoltFile(f, fi.Size())
	if err != nil {
		return SalvageReport{}, fmt.Errorf("%w: %s: nothing can be salvaged: %v", ErrCorrupt, src, err)
	}
	newest := salvageTree(bf, bf.current(), nil)
	best := newest
	if metas := bf.valid(); len(metas) == 2 && !newest.Complete() {
		if older := salvageTree(bf, metas[1], nil); older.Copied > newest.Copied {
			best = older
		}
	}
	out, err := createSalvage(dst)
	if err != nil {
		return SalvageReport{}, err
	}
	r := salvageTree(bf, bf.metas[best.Meta], out)
	err = out.Close()
	if err == nil && r.Copied != best.Copied {
		err = fmt.Errorf("journal: salvage %s: the second reading copied %d records, the first %d", src, r.Copied, best.Copied)
	}
	if err == nil {
		err = r.err
	}
	if err != nil {
		os.Remove(dst)
		return SalvageReport{}, err
	}
	rep := SalvageReport{}
	for _, m := range bf.metas {
		if m.err != nil {
			rep.problem("meta page %d: %v", m.page, m.err)
		}
	}
	if best.Meta != newest.Meta {
		rep.problem("the tree of meta page %d, the latest commit, reaches LSN %d (%s); that of meta page %d, the commit before, LSN %d: copied from it",
			newest.Meta, newest.Copied, newest.Problems[0], best.Meta, best.Copied)
	}
	for _, p := range r.Problems {
		rep.problem("%s", p)
	}
	rep.ProblemCount += r.ProblemCount - len(r.Problems)
	rep.Copied, rep.Last, rep.Damaged, rep.Skipped = r.Copied, max(r.Last, newest.Last), r.Damaged, r.Skipped
	if !plausibleLast(rep.Copied, rep.Last) {
		rep.problem("the file's last LSN, as recorded or as a log key, is damaged: how many changes followed LSN %d is not known", rep.Copied)
		rep.Last = 0
	}
	rep.UnreachablePages, rep.Checksums, rep.Meta = r.UnreachablePages, r.Checksums, r.Meta
	return rep, nil
}

// createSalvage creates dst, which must not exist, as a new journal.
func createSalvage(dst string) (*Bolt, error) {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		os.Remove(dst)
		return nil, err
	}
	out, err := OpenBolt(dst, nil)
	if err != nil {
		os.Remove(dst)
	}
	return out, err
}

// salvageRun is one reading of a tree: its report, and the error of
// writing dst.
type salvageRun struct {
	SalvageReport
	err error
}

// salvageTree reads the tree of meta page m and appends its intact
// records to out (none if out is nil, to measure how far it reaches).
func salvageTree(bf *boltFile, m boltMeta, out *Bolt) salvageRun {
	s := &salvager{out: out}
	s.rep.Meta = m.page
	w := newWalker(bf, m.hwm, func(id uint64, err error) error {
		s.rep.UnreachablePages++
		s.rep.problem("page %d: %v", id, err)
		return nil
	})
	var journalV, logV []byte
	legacy := false
	_ = w.tree(m.root, depth0, func(k, v []byte, isBucket bool, _ int) error {
		switch {
		case isBucket && bytes.Equal(k, bucketJournal):
			journalV = bytes.Clone(v)
		case isBucket && bytes.Equal(k, bucketLog):
			logV = bytes.Clone(v)
		case bytes.Equal(k, bucketLegacy):
			legacy = true
		}
		return nil
	})
	s.rep.Checksums = true
	if journalV == nil {
		s.rep.problem("no %q bucket: format and last LSN unknown; records taken as format %d", bucketJournal, fileFormat)
	} else {
		s.readJournal(w, journalV)
	}
	switch {
	case logV != nil:
		_ = w.bucket(logV, depth0+1, s.record)
		s.flush()
	case legacy:
		s.rep.problem("a file of kuota's format 1, not a journal: open it with kuota to convert it")
	default:
		s.rep.problem("no %q bucket: no record found", bucketLog)
	}
	if s.rep.Last > s.rep.Copied && s.rep.Damaged == 0 && s.rep.Skipped == 0 && s.rep.UnreachablePages == 0 && plausibleLast(s.rep.Copied, s.rep.Last) {
		s.rep.problem("the records after LSN %d to LSN %d are missing", s.rep.Copied, s.rep.Last)
	}
	return salvageRun{s.rep, s.err}
}

// salvager gathers the records of one reading.
type salvager struct {
	rep     SalvageReport
	out     *Bolt
	stopped bool // a gap or a damaged record was met: nothing more is copied
	batch   []Entry
	data    bytes.Buffer // the records of batch, back to back
	ends    []int        // where each record of batch ends in data
	err     error        // of writing out
}

// readJournal reads the format and the last LSN from the journal bucket.
func (s *salvager) readJournal(w *walker, v []byte) {
	var format, last []byte
	_ = w.bucket(v, depth0+1, func(k, v []byte, _ bool, _ int) error {
		switch {
		case bytes.Equal(k, keyFormat):
			format = bytes.Clone(v)
		case bytes.Equal(k, keyLast):
			last = bytes.Clone(v)
		}
		return nil
	})
	switch {
	case bytes.Equal(format, []byte{fileFormatNoChecksum}) && last != nil:
		s.rep.problem("format 2 with a last LSN, as only format 3 records: a damaged format; records taken as format %d", fileFormat)
	case bytes.Equal(format, []byte{fileFormatNoChecksum}):
		s.rep.Checksums = false
	case !bytes.Equal(format, []byte{fileFormat}):
		s.rep.problem("format %s unknown; records taken as format %d", formatName(format), fileFormat)
	}
	if len(last) == 8 {
		s.rep.Last = binary.BigEndian.Uint64(last)
	}
}

// record takes one element of the log bucket.
func (s *salvager) record(k, v []byte, isBucket bool, _ int) error {
	if isBucket || len(k) != 8 {
		s.rep.Damaged++
		s.rep.problem("a log key after LSN %d is not an LSN", s.rep.Copied)
		s.stopped = true
		return nil
	}
	lsn := binary.BigEndian.Uint64(k)
	s.rep.Last = max(s.rep.Last, lsn)
	rec := v
	if s.rep.Checksums {
		var err error
		if rec, err = unframe(v); err != nil {
			s.rep.Damaged++
			s.rep.problem("LSN %d: %v", lsn, err)
			s.stopped = true
			return nil
		}
	}
	switch {
	case !s.stopped && lsn == s.rep.Copied+1:
		s.rep.Copied++
		s.add(lsn, rec)
	case !s.stopped:
		s.rep.problem("LSN %d follows LSN %d: the records between are missing", lsn, s.rep.Copied)
		s.stopped = true
		fallthrough
	default:
		s.rep.Skipped++
	}
	return nil
}

// add queues a record for out, writing a batch once it is full.
func (s *salvager) add(lsn uint64, rec []byte) {
	if s.out == nil {
		return
	}
	s.data.Write(rec)
	s.ends = append(s.ends, s.data.Len())
	if len(s.ends) == backupBatchRecordsMax || s.data.Len() >= backupBatchBytesMax {
		s.flush()
	}
}

// flush writes the queued records to out.
func (s *salvager) flush() {
	if s.out == nil || len(s.ends) == 0 || s.err != nil {
		return
	}
	first := s.rep.Copied - uint64(len(s.ends)) + 1
	data, start := s.data.Bytes(), 0
	s.batch = s.batch[:0]
	for i, end := range s.ends {
		s.batch = append(s.batch, Entry{LSN: first + uint64(i), Data: data[start:end]})
		start = end
	}
	s.err = s.out.Append(s.batch)
	s.data.Reset()
	s.ends = s.ends[:0]
}
