package journal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// depth0 is the depth of a root bucket's root page.
const depth0 = 0

// leafFunc is called for every element of a leaf, in key order. value is
// the element's value, or a bucket's header (and inline page) when
// isBucket; both are valid only during the call. depth is the leaf's.
type leafFunc func(key, value []byte, isBucket bool, depth int) error

// walker reads the B+trees of a bbolt file page by page, checking each
// page before it follows anything on it: its id, type and size, that it
// lies below the high-water mark and was not met before (so a cycle ends),
// that every element lies inside the page, and that keys rise within the
// bounds the parent set. A walker is used by one goroutine.
type walker struct {
	f     *boltFile
	hwm   uint64   // the meta page's high-water mark
	limit uint64   // the pages below hwm that the file holds whole: all, unless truncated
	met   []uint64 // a bit per page below limit: met already
	buf   [walkDepthMax][]byte
	// damaged, when not nil, is told of a page the walk cannot follow;
	// if it returns nil, the walk skips that page (and all below it) and
	// goes on. When nil, the walk stops with the page's error.
	damaged func(pgid uint64, err error) error
}

func newWalker(f *boltFile, hwm uint64, damaged func(uint64, error) error) *walker {
	limit := min(hwm, uint64(f.size)/uint64(f.pageSize))
	return &walker{f: f, hwm: hwm, limit: limit, met: make([]uint64, (limit+63)/64), damaged: damaged}
}

func (w *walker) seen(id uint64) bool { return id < w.limit && w.met[id/64]&(1<<(id%64)) != 0 }
func (w *walker) mark(id uint64)      { w.met[id/64] |= 1 << (id % 64) }

// damage reports the page id as one the walk cannot follow.
func (w *walker) damage(id uint64, err error) error {
	if w.damaged == nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	return w.damaged(id, err)
}

// page reads page id and its overflow pages into the buffer of depth.
func (w *walker) page(id uint64, depth int) ([]byte, error) {
	switch {
	case id < 2:
		return nil, errors.New("is a meta page")
	case id >= w.hwm:
		return nil, fmt.Errorf("is beyond the high-water mark %d", w.hwm)
	case id >= w.limit:
		return nil, errors.New("lies beyond the end of the file (truncated?)")
	case w.seen(id):
		return nil, errors.New("is referenced twice")
	}
	ps := uint64(w.f.pageSize)
	p, err := w.read(depth, id*ps, ps)
	if err != nil {
		return nil, err
	}
	ne := binary.NativeEndian
	if got := ne.Uint64(p); got != id {
		return nil, fmt.Errorf("says it is page %d", got)
	}
	span := uint64(ne.Uint32(p[12:])) + 1
	switch {
	case span > w.limit-id:
		return nil, fmt.Errorf("and its %d overflow pages run past the high-water mark %d or the end of the file", span-1, w.hwm)
	case span*ps > pageSpanBytesMax:
		return nil, fmt.Errorf("spans %d pages, more than %d bytes", span, pageSpanBytesMax)
	}
	for i := range span {
		if w.seen(id + i) {
			return nil, fmt.Errorf("overlaps page %d, met before", id+i)
		}
		w.mark(id + i)
	}
	if span == 1 {
		return p, nil
	}
	return w.read(depth, id*ps, span*ps)
}

// read reads n bytes at off into the buffer of depth.
func (w *walker) read(depth int, off, n uint64) ([]byte, error) {
	if uint64(cap(w.buf[depth])) < n {
		w.buf[depth] = make([]byte, n)
	}
	p := w.buf[depth][:n]
	if m, err := w.f.r.ReadAt(p, int64(off)); m < len(p) {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	return p, nil
}

// tree walks the B+tree whose root is page id, calling fn for every leaf
// element in key order.
func (w *walker) tree(id uint64, depth int, fn leafFunc) error {
	return w.node(id, nil, nil, depth, fn)
}

// bucket walks the bucket whose header (and inline page) is v, checked by
// the leaf that holds it.
func (w *walker) bucket(v []byte, depth int, fn leafFunc) error {
	if root := binary.NativeEndian.Uint64(v); root != 0 {
		return w.tree(root, depth, fn)
	}
	page := v[inBucketBytes:]
	count := int(binary.NativeEndian.Uint16(page[10:]))
	for i := range count {
		k, val, _, _, _ := element(page, i, true)
		if err := fn(k, val, false, depth); err != nil {
			return err
		}
	}
	return nil
}

// node walks page id, whose keys lie in [lo, hi) (nil: unbounded).
func (w *walker) node(id uint64, lo, hi []byte, depth int, fn leafFunc) error {
	if depth >= walkDepthMax {
		return w.damage(id, fmt.Errorf("lies deeper than %d pages", walkDepthMax))
	}
	p, err := w.page(id, depth)
	if err != nil {
		return w.damage(id, err)
	}
	flags, count := binary.NativeEndian.Uint16(p[8:]), int(binary.NativeEndian.Uint16(p[10:]))
	switch flags {
	case pageLeaf:
		if err := checkLeaf(p, count, lo, hi, false); err != nil {
			return w.damage(id, err)
		}
		for i := range count {
			k, v, isBucket, _, _ := element(p, i, true)
			if err := fn(k, v, isBucket, depth); err != nil {
				return err
			}
		}
		return nil
	case pageBranch:
		if err := checkBranch(p, count, lo, hi); err != nil {
			return w.damage(id, err)
		}
		for i := range count {
			k, _, _, child, _ := element(p, i, false)
			next := hi
			if i+1 < count {
				next, _, _, _, _ = element(p, i+1, false)
			}
			if err := w.node(child, k, next, depth+1, fn); err != nil {
				return err
			}
		}
		return nil
	}
	return w.damage(id, fmt.Errorf("has type %#x, not a branch or a leaf", flags))
}

// element returns element i of the page p (a leaf if leaf, else a branch):
// its key, its value and whether it is a bucket (leaf), its child (branch).
func element(p []byte, i int, leaf bool) (key, value []byte, isBucket bool, child uint64, err error) {
	off := uint64(pageHeaderBytes + elementBytes*i)
	if off+elementBytes > uint64(len(p)) {
		return nil, nil, false, 0, fmt.Errorf("element %d lies outside the page", i)
	}
	ne := binary.NativeEndian
	e := p[off : off+elementBytes]
	if !leaf {
		pos, ksize := uint64(ne.Uint32(e)), uint64(ne.Uint32(e[4:]))
		if off+pos+ksize > uint64(len(p)) {
			return nil, nil, false, 0, fmt.Errorf("the key of element %d lies outside the page", i)
		}
		return p[off+pos : off+pos+ksize], nil, false, ne.Uint64(e[8:]), nil
	}
	flags, pos := ne.Uint32(e), uint64(ne.Uint32(e[4:]))
	ksize, vsize := uint64(ne.Uint32(e[8:])), uint64(ne.Uint32(e[12:]))
	if flags&^leafBucket != 0 {
		return nil, nil, false, 0, fmt.Errorf("element %d has flags %#x", i, flags)
	}
	if off+pos+ksize+vsize > uint64(len(p)) {
		return nil, nil, false, 0, fmt.Errorf("element %d lies outside the page", i)
	}
	k := p[off+pos : off+pos+ksize]
	return k, p[off+pos+ksize : off+pos+ksize+vsize], flags&leafBucket != 0, 0, nil
}

// checkKey checks a page's key i against the one before and the bounds.
func checkKey(i int, key, prev, lo, hi []byte) error {
	switch {
	case len(key) == 0:
		return fmt.Errorf("key %d is empty", i)
	case i > 0 && bytes.Compare(prev, key) >= 0:
		return fmt.Errorf("key %d does not follow key %d", i, i-1)
	case lo != nil && bytes.Compare(key, lo) < 0:
		return fmt.Errorf("key %d lies before its parent's", i)
	case hi != nil && bytes.Compare(key, hi) >= 0:
		return fmt.Errorf("key %d lies after the next key of its parent", i)
	}
	return nil
}

// checkBranch checks every element of the branch page p.
func checkBranch(p []byte, count int, lo, hi []byte) error {
	if count == 0 {
		return errors.New("is an empty branch page")
	}
	var prev []byte
	for i := range count {
		k, _, _, _, err := element(p, i, false)
		if err == nil {
			err = checkKey(i, k, prev, lo, hi)
		}
		if err != nil {
			return err
		}
		prev = k
	}
	return nil
}

// checkLeaf checks every element of the leaf page p, and the header and
// inline page of every bucket on it. An inline page (inline) holds no
// bucket: bbolt stores a bucket inline only if it has none.
func checkLeaf(p []byte, count int, lo, hi []byte, inline bool) error {
	var prev []byte
	for i := range count {
		k, v, isBucket, _, err := element(p, i, true)
		if err == nil {
			err = checkKey(i, k, prev, lo, hi)
		}
		if err == nil && isBucket {
			err = checkBucketValue(v, inline)
		}
		if err != nil {
			return err
		}
		prev = k
	}
	return nil
}

// checkBucketValue checks a bucket's header and, for an inline bucket,
// its page.
func checkBucketValue(v []byte, inline bool) error {
	switch {
	case inline:
		return errors.New("an inline bucket holds a bucket")
	case len(v) < inBucketBytes:
		return fmt.Errorf("a bucket header of %d bytes", len(v))
	case binary.NativeEndian.Uint64(v) != 0:
		return nil
	case len(v) < inBucketBytes+pageHeaderBytes:
		return fmt.Errorf("an inline bucket of %d bytes", len(v))
	}
	page := v[inBucketBytes:]
	if flags := binary.NativeEndian.Uint16(page[8:]); flags != pageLeaf {
		return fmt.Errorf("an inline bucket's page has type %#x", flags)
	}
	if err := checkLeaf(page, int(binary.NativeEndian.Uint16(page[10:])), nil, nil, true); err != nil {
		return fmt.Errorf("an inline bucket: %w", err)
	}
	return nil
}

// freelist reads the free list at page id and returns the pages it frees,
// checking each (below the high-water mark, not a meta page, listed once).
func (w *walker) freelist(id uint64) ([]uint64, error) {
	p, err := w.page(id, depth0)
	if err != nil {
		return nil, fmt.Errorf("free list page %d: %w", id, err)
	}
	ne := binary.NativeEndian
	if flags := ne.Uint16(p[8:]); flags != pageFreelist {
		return nil, fmt.Errorf("free list page %d has type %#x", id, flags)
	}
	first, count := uint64(0), uint64(ne.Uint16(p[10:]))
	if count == freelistCounted {
		first, count = 1, ne.Uint64(p[pageHeaderBytes:])
	}
	if count > uint64(len(p)-pageHeaderBytes)/8-first {
		return nil, fmt.Errorf("free list page %d lists %d pages, more than it holds", id, count)
	}
	ids := make([]uint64, count)
	listed := make(map[uint64]bool, count)
	for i := range ids {
		ids[i] = ne.Uint64(p[pageHeaderBytes+8*(first+uint64(i)):])
		if ids[i] < 2 || ids[i] >= w.limit || listed[ids[i]] {
			return nil, fmt.Errorf("free list page %d lists page %d, outside pages 2 to %d or twice", id, ids[i], w.hwm)
		}
		listed[ids[i]] = true
	}
	return ids, nil
}
