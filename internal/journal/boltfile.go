package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
)

// The bbolt file format, as far as the journal reads it itself. bbolt
// trusts its file: it maps it and follows page numbers and offsets without
// checking them, so a damaged page makes it panic (in a goroutine of its
// own, too, where nobody can recover), read beyond the map (a fault), or
// recurse without end (a fatal stack overflow). Before bbolt sees a file,
// OpenBolt reads it here, with pread, checking every number before it
// follows it; Salvage reads a damaged file here only. (bbolt v1.x stores
// its integers in the machine's byte order, which is why this code uses
// binary.NativeEndian: a bbolt file does not move between byte orders.)

// Constants of bbolt's layout (go.etcd.io/bbolt/internal/common).
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderBytes = 16 // id uint64, flags uint16, count uint16, overflow uint32
	metaBytes       = 64 // magic, version, pageSize, flags uint32; root, sequence, freelist, pgid, txid, checksum uint64
	metaSumBytes    = 56 // the bytes of the meta its checksum covers: all before it
	elementBytes    = 16 // one element of a branch or leaf page
	inBucketBytes   = 16 // a bucket's header: its root page and sequence
	pageBranch      = 0x01
	pageLeaf        = 0x02
	pageFreelist    = 0x10
	leafBucket      = 0x01 // the flag of a leaf element that is a bucket
	noFreelist      = ^uint64(0)
	freelistCounted = 0xFFFF // a freelist page's count: the real count is the first element
)

// Limits of what the journal's own reader accepts. Each is far above
// anything bbolt writes for a kuota file, and each keeps a damaged number
// from making the reader allocate, read or recurse without bound.
const (
	// pageSizeMin and pageSizeMax bound a meta page's page size. bbolt
	// uses the operating system's page size (4 KiB; 16 KiB on Apple
	// silicon; 64 KiB on some arm64 and ppc64 kernels) and finds the
	// second meta page from 1 KiB up.
	pageSizeMin = 1 << 10
	pageSizeMax = 1 << 16
	// pageSpanBytesMax bounds one page with its overflow pages: a leaf
	// holding a record of RecordBytesMax takes a little more than 1 MiB,
	// a free list of two million pages 16 MiB.
	pageSpanBytesMax = 16 << 20
	// walkDepthMax bounds the pages on the way from a meta page to a
	// leaf, nested buckets included. A B+tree whose branch pages hold at
	// least two children is at most 38 levels deep in the largest file
	// bbolt maps (256 TiB of 1 KiB pages); kuota's files have two levels
	// of buckets and a tree of three or four.
	walkDepthMax = 64
)

// boltMeta is one meta page of a bbolt file.
type boltMeta struct {
	page     int // 0 or 1
	pageSize int
	root     uint64 // the root page of the root bucket
	freelist uint64 // the free list's page, or noFreelist
	hwm      uint64 // the high-water mark: the first page id the file does not use
	txid     uint64
	err      error // why this is not a valid meta page; nil if it is one
}

// parseMeta reads the meta page whose first bytes are buf (the page header
// and the meta), checking it as bbolt does (magic, version, checksum), and
// then that its numbers can be followed.
func parseMeta(buf []byte, page int) boltMeta {
	m := boltMeta{page: page}
	if len(buf) < pageHeaderBytes+metaBytes {
		m.err = errors.New("the file ends inside it")
		return m
	}
	b := buf[pageHeaderBytes : pageHeaderBytes+metaBytes]
	ne := binary.NativeEndian
	h := fnv.New64a()
	h.Write(b[:metaSumBytes])
	m.pageSize = int(ne.Uint32(b[8:]))
	m.root, m.freelist = ne.Uint64(b[16:]), ne.Uint64(b[32:])
	m.hwm, m.txid = ne.Uint64(b[40:]), ne.Uint64(b[48:])
	switch {
	case ne.Uint32(b[0:]) != boltMagic:
		m.err = errors.New("no bbolt magic number")
	case ne.Uint32(b[4:]) != boltVersion:
		m.err = fmt.Errorf("bbolt version %d, not %d", ne.Uint32(b[4:]), boltVersion)
	case ne.Uint64(b[metaSumBytes:]) != h.Sum64():
		m.err = errors.New("checksum mismatch")
	case m.pageSize < pageSizeMin || m.pageSize > pageSizeMax || m.pageSize&(m.pageSize-1) != 0:
		m.err = fmt.Errorf("page size %d (want a power of two from %d to %d)", m.pageSize, pageSizeMin, pageSizeMax)
	case m.root < 2 || m.root >= m.hwm:
		m.err = fmt.Errorf("root page %d outside pages 2 to %d", m.root, m.hwm)
	case m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.hwm):
		m.err = fmt.Errorf("free list page %d outside pages 2 to %d", m.freelist, m.hwm)
	}
	return m
}

// boltFile is what the meta pages of a bbolt file say, once checked.
type boltFile struct {
	r        io.ReaderAt
	size     int64
	pageSize int
	metas    [2]boltMeta
}

// readBoltFile reads and checks both meta pages of the file r of size
// bytes, finding the page size as bbolt does: from meta page 0, or else
// from a valid meta page 1 at 1 KiB, 2 KiB, … It fails unless at least one
// meta page is valid and both valid ones agree on the page size.
func readBoltFile(r io.ReaderAt, size int64) (*boltFile, error) {
	f := &boltFile{r: r, size: size}
	f.metas[0] = f.readMeta(0, 0)
	if f.metas[0].err == nil {
		f.pageSize = f.metas[0].pageSize
		f.metas[1] = f.readMeta(int64(f.pageSize), 1)
	} else {
		f.metas[1] = boltMeta{page: 1, err: errors.New("not found at any page size")}
		for ps := pageSizeMin; ps <= pageSizeMax && int64(ps) < size; ps *= 2 {
			if m := f.readMeta(int64(ps), 1); m.err == nil && m.pageSize == ps {
				f.metas[1], f.pageSize = m, ps
				break
			}
		}
	}
	m0, m1 := f.metas[0], f.metas[1]
	switch {
	case m0.err != nil && m1.err != nil:
		return nil, fmt.Errorf("neither meta page is valid (page 0: %v; page 1: %v)", m0.err, m1.err)
	case m0.err == nil && m1.err == nil && m0.pageSize != m1.pageSize:
		return nil, fmt.Errorf("the meta pages disagree on the page size (%d and %d)", m0.pageSize, m1.pageSize)
	}
	return f, nil
}

// checkSize fails unless the file is as long as the larger high-water
// mark of its valid meta pages says: bbolt maps the file's length, and a
// page it follows beyond it faults.
func (f *boltFile) checkSize() error {
	for _, m := range f.metas {
		if m.err == nil && m.hwm > uint64(f.size)/uint64(f.pageSize) { // hwm × page size > size, without overflow
			return fmt.Errorf("the file is %d bytes, shorter than the %d pages of %d bytes its meta page %d records (truncated?)",
				f.size, m.hwm, f.pageSize, m.page)
		}
	}
	return nil
}

// invalidMeta returns why one meta page is not valid while the other is,
// or nil.
func (f *boltFile) invalidMeta() error {
	for _, m := range f.metas {
		if m.err != nil {
			return fmt.Errorf("meta page %d: %w", m.page, m.err)
		}
	}
	return nil
}

// readMeta reads the meta page at off.
func (f *boltFile) readMeta(off int64, page int) boltMeta {
	buf := make([]byte, pageHeaderBytes+metaBytes)
	if n, _ := f.r.ReadAt(buf, off); n < len(buf) {
		return boltMeta{page: page, err: errors.New("the file ends inside it")}
	}
	return parseMeta(buf, page)
}

// current returns the meta page bbolt uses: of the valid ones, the one
// with the higher transaction id, meta page 0 on a tie.
func (f *boltFile) current() boltMeta {
	m0, m1 := f.metas[0], f.metas[1]
	if m0.err != nil || (m1.err == nil && m1.txid > m0.txid) {
		return m1
	}
	return m0
}

// valid returns the valid meta pages, the one bbolt uses first.
func (f *boltFile) valid() []boltMeta {
	cur := f.current()
	ms := []boltMeta{cur}
	if other := f.metas[1-cur.page]; other.err == nil {
		ms = append(ms, other)
	}
	return ms
}

// checkTree walks every page bbolt reads from the tree of meta page m —
// every bucket, nested ones too, and the free list if the file keeps one —
// and fails at the first page that bbolt could not follow safely.
func (f *boltFile) checkTree(m boltMeta) error {
	w := newWalker(f, m.hwm, nil)
	var free []uint64
	if m.freelist != noFreelist {
		var err error
		if free, err = w.freelist(m.freelist); err != nil {
			return err
		}
	}
	var bucket func(k, v []byte, isBucket bool, depth int) error
	bucket = func(k, v []byte, isBucket bool, depth int) error {
		if !isBucket {
			return nil
		}
		return w.bucket(v, depth+1, bucket)
	}
	if err := w.tree(m.root, depth0, bucket); err != nil {
		return err
	}
	for _, id := range free {
		if w.seen(id) {
			return fmt.Errorf("page %d is both in use and free", id)
		}
	}
	return nil
}
