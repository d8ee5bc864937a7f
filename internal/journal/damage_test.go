package journal

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// damageFixture is a small journal file, as bytes, and what it holds.
type damageFixture struct {
	file     []byte
	pageSize int
	recs     [][]byte // the record of LSN i+1 at i
	commits  []int    // the last LSN after each commit, 0 (the new file) first
}

// newDamageFixture writes a journal of a few commits: records of a few
// bytes to a few hundred, and one that needs overflow pages.
func newDamageFixture(t testing.TB) damageFixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.db")
	b, err := OpenBolt(path, &BoltOptions{NoSync: true})
	require.NoError(t, err)
	fx := damageFixture{pageSize: os.Getpagesize(), commits: []int{0}}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 3, 7, 12, 20} {
		var batch []Entry
		for range n {
			rec := make([]byte, 1+r.IntN(300))
			if len(fx.recs) == 17 {
				rec = make([]byte, 3*fx.pageSize) // overflow pages
			}
			for i := range rec {
				rec[i] = byte(r.Uint32())
			}
			fx.recs = append(fx.recs, rec)
			batch = append(batch, Entry{LSN: uint64(len(fx.recs)), Data: rec})
		}
		require.NoError(t, b.Append(batch))
		fx.commits = append(fx.commits, len(fx.recs))
	}
	require.NoError(t, b.Close())
	fx.file, err = os.ReadFile(path)
	require.NoError(t, err)
	return fx
}

// outcome is what opening and reading a damaged copy came to.
type outcome int

const (
	outcomeRefused    outcome = iota // OpenBolt returned an error
	outcomeReadFailed                // it opened; Read returned an error
	outcomeAll                       // every record, as written
	outcomeEarlier                   // the records of an earlier commit, as written (the other meta page)
	outcomeCount
)

func (o outcome) String() string {
	return [...]string{"refused at open", "read failed", "every record", "an earlier commit"}[o]
}

// check writes file at path, opens it (read-only or for writing), reads
// every record and, when writable and readable, appends one and reads
// again. It fails t if what it read is not what was written — a record
// altered, or fewer records than a commit left — and returns the
// outcome. A panic or a fault fails the whole test binary.
func (fx damageFixture) check(t testing.TB, path string, file []byte, readOnly bool, what string) outcome {
	t.Helper()
	require.NoError(t, os.WriteFile(path, file, 0o600))
	defer os.Remove(path)
	b, err := OpenBolt(path, &BoltOptions{ReadOnly: readOnly, NoSync: true})
	if err != nil {
		return outcomeRefused
	}
	defer b.Close()
	n, err := fx.readAll(t, b, what, 0)
	if err != nil {
		return outcomeReadFailed
	}
	if !slices.Contains(fx.commits, n) {
		t.Errorf("%s (read-only %v): read %d records without an error; the commits left %v", what, readOnly, n, fx.commits)
	}
	if n < len(fx.recs) && len(file) > 0 && b.OneMetaPage() == nil {
		// The last commit is lost: the file must say that it opened from
		// one meta page, for Open to warn of it. (A file of no bytes is
		// a new journal, as OpenBolt documents.)
		t.Errorf("%s (read-only %v): read an earlier commit, and OneMetaPage says both meta pages were valid", what, readOnly)
	}
	if !readOnly {
		next := Entry{LSN: uint64(n) + 1, Data: []byte("after the damage")}
		if err := b.Append([]Entry{next}); err == nil {
			if m, err := fx.readAll(t, b, what, next.LSN); err == nil && m != n+1 {
				t.Errorf("%s: read %d records after appending LSN %d", what, m, n+1)
			}
		}
	}
	if n == len(fx.recs) {
		return outcomeAll
	}
	return outcomeEarlier
}

// readAll reads every record of b, failing t for one that is not as
// written, and returns how many it read. appended is the LSN check
// appended "after the damage" at, 0 before it did.
func (fx damageFixture) readAll(t testing.TB, b *Bolt, what string, appended uint64) (int, error) {
	t.Helper()
	n := 0
	err := b.Read(1, func(lsn uint64, rec []byte) error {
		n++
		var want []byte
		switch {
		case lsn == appended:
			want = []byte("after the damage")
		case lsn <= uint64(len(fx.recs)):
			want = fx.recs[lsn-1]
		}
		if !bytes.Equal(rec, want) {
			t.Errorf("%s: LSN %d read back altered (%d bytes, want %d)", what, lsn, len(rec), len(want))
		}
		return nil
	})
	return n, err
}

// damage is one damaged copy of the fixture.
type damage struct {
	kind string
	what string
	file []byte
}

// damages returns every damaged copy of TestOpenDamagedFiles: every byte
// of both meta pages' headers and metas flipped three ways, every page
// zeroed, the file cut at many lengths, and random flips from a fixed
// seed.
func (fx damageFixture) damages() []damage {
	var ds []damage
	mutate := func(kind, what string, fn func([]byte) []byte) {
		ds = append(ds, damage{kind: kind, what: what, file: fn(bytes.Clone(fx.file))})
	}
	for page := range 2 {
		for off := range pageHeaderBytes + metaBytes {
			for _, mask := range []byte{0x01, 0x80, 0xff} {
				at := page*fx.pageSize + off
				mutate("meta flip", fmt.Sprintf("byte %d ^ %#x", at, mask), func(f []byte) []byte { f[at] ^= mask; return f })
			}
		}
	}
	pages := len(fx.file) / fx.pageSize
	for page := range pages {
		mutate("zeroed page", fmt.Sprintf("page %d zeroed", page), func(f []byte) []byte {
			clear(f[page*fx.pageSize : (page+1)*fx.pageSize])
			return f
		})
	}
	lengths := []int{0, 1, 15, 16, 79, 80, 81, fx.pageSize - 1, fx.pageSize, len(fx.file) - 1}
	for n := 256; n < len(fx.file); n += 256 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		mutate("truncation", fmt.Sprintf("cut to %d bytes", n), func(f []byte) []byte { return f[:n] })
	}
	r := rand.New(rand.NewPCG(13, 13))
	for i := range 400 {
		var offs []int
		for range 1 + r.IntN(4) {
			off := r.IntN(len(fx.file))
			if r.IntN(2) == 0 { // most of a page's structure is in its first bytes
				off = r.IntN(pages)*fx.pageSize + r.IntN(256)
			}
			offs = append(offs, off)
		}
		mutate("random flips", fmt.Sprintf("copy %d: bytes %v", i, offs), func(f []byte) []byte {
			for _, off := range offs {
				f[off] ^= byte(1 + r.IntN(255))
			}
			return f
		})
	}
	return ds
}

// TestOpenDamagedFiles opens over 900 damaged copies of a small journal,
// read-only and for writing, reads them, and appends to those that open
// for writing. It asserts that none panics or faults (either would kill
// the test binary), that every record read back is byte for byte the one
// written (or the read fails), and that a read without error returns the
// records of a whole commit; and it counts the outcomes by kind of damage.
func TestOpenDamagedFiles(t *testing.T) {
	fx := newDamageFixture(t)
	path0 := filepath.Join(t.TempDir(), "intact.db")
	require.NoError(t, os.WriteFile(path0, fx.file, 0o600))
	intact, err := OpenBolt(path0, &BoltOptions{ReadOnly: true})
	require.NoError(t, err)
	require.NoError(t, intact.OneMetaPage(), "an intact file has two valid meta pages")
	require.NoError(t, intact.Close())

	path := filepath.Join(t.TempDir(), "damaged.db")
	ds := fx.damages()
	require.Greater(t, len(ds), 900)
	counts := map[string]*[2][outcomeCount]int{}
	var kinds []string
	for _, d := range ds {
		if counts[d.kind] == nil {
			counts[d.kind] = &[2][outcomeCount]int{}
			kinds = append(kinds, d.kind)
		}
		for mode, readOnly := range []bool{true, false} {
			counts[d.kind][mode][fx.check(t, path, d.file, readOnly, d.kind+": "+d.what)]++
		}
	}
	var total [outcomeCount]int
	for _, kind := range kinds {
		for mode, name := range []string{"read-only", "writable"} {
			c := counts[kind][mode]
			t.Logf("%-13s %-9s refused %3d, read failed %3d, every record %3d, an earlier commit %3d",
				kind, name, c[outcomeRefused], c[outcomeReadFailed], c[outcomeAll], c[outcomeEarlier])
			for o := range outcomeCount {
				total[o] += c[o]
			}
		}
	}
	t.Logf("%d damaged copies, each opened twice: %v", len(ds), total)
	require.Equal(t, 2*len(ds), total[outcomeRefused]+total[outcomeReadFailed]+total[outcomeAll]+total[outcomeEarlier])
	require.Positive(t, total[outcomeRefused])
	require.Positive(t, total[outcomeAll])
	require.Positive(t, total[outcomeEarlier])
	// A file cut short of the pages its meta pages use is refused (a
	// read-only open of it would fault in bbolt); one cut only in the
	// room bbolt keeps beyond them reads whole.
	bf, err := readBoltFile(bytes.NewReader(fx.file), int64(len(fx.file)))
	require.NoError(t, err)
	used := int(max(bf.metas[0].hwm, bf.metas[1].hwm)) * fx.pageSize
	for _, d := range ds {
		if d.kind == "truncation" {
			want := outcomeAll
			if len(d.file) < used {
				want = outcomeRefused
			}
			require.Equal(t, want, fx.check(t, path, d.file, true, d.what), d.what)
		}
	}
}

// FuzzOpenDamagedFile damages a small journal as the fuzzer says and
// opens and reads it, read-only and for writing: it must read records as
// written, or return an error, and never panic or fault. The input is a
// list of operations of 6 bytes: a kind (flip a byte, cut the file, zero
// a page), a 4-byte big-endian offset and a byte.
func FuzzOpenDamagedFile(f *testing.F) {
	fx := newDamageFixture(f)
	op := func(kind byte, off uint32, v byte) []byte {
		return append([]byte{kind}, append(binary.BigEndian.AppendUint32(nil, off), v)...)
	}
	ps := uint32(fx.pageSize)
	f.Add([]byte{})
	f.Add(op(0, 0, 0xff))                                    // the magic of meta page 0
	f.Add(append(op(0, 16, 1), op(0, ps+16, 1)...))          // both magics
	f.Add(op(0, ps+40, 0x10))                                // page size of meta page 1
	f.Add(op(1, ps*3, 0))                                    // cut after three pages
	f.Add(op(2, 2, 0))                                       // zero page 2
	f.Add(append(op(2, 0, 0), op(0, ps*4+20, 0x7f)...))      // zero meta 0, flip a page
	f.Add(append(op(0, ps*5+8, 0x03), op(0, ps*6+10, 1)...)) // a page's type, a count
	f.Add([]byte("000\xd0}\x00"))                            // found: the format byte 3 flipped to 2
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 16*6 {
			return
		}
		what := fmt.Sprintf("ops %x", ops)
		file := bytes.Clone(fx.file)
		for ; len(ops) >= 6; ops = ops[6:] {
			off, v := int(binary.BigEndian.Uint32(ops[1:])), ops[5]
			switch ops[0] % 3 {
			case 0:
				if len(file) > 0 {
					file[off%len(file)] ^= max(v, 1)
				}
			case 1:
				file = file[:off%(len(file)+1)]
			case 2:
				if page := off % (len(fx.file) / fx.pageSize); (page+1)*fx.pageSize <= len(file) {
					clear(file[page*fx.pageSize : (page+1)*fx.pageSize])
				}
			}
		}
		path := filepath.Join(t.TempDir(), "damaged.db")
		for _, readOnly := range []bool{true, false} {
			fx.check(t, path, file, readOnly, what)
		}
	})
}
