package journal

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// metaPage returns a valid meta page of a file of 4 KiB pages, changed by
// edit before its checksum is computed (unless edit changes that too).
func metaPage(edit func(b []byte)) []byte {
	buf := make([]byte, pageHeaderBytes+metaBytes)
	b := buf[pageHeaderBytes:]
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], boltMagic)
	ne.PutUint32(b[4:], boltVersion)
	ne.PutUint32(b[8:], 4096)
	ne.PutUint64(b[16:], 3)          // root
	ne.PutUint64(b[32:], noFreelist) // free list
	ne.PutUint64(b[40:], 10)         // high-water mark
	ne.PutUint64(b[48:], 7)          // txid
	edit(b)
	h := fnv.New64a()
	h.Write(b[:metaSumBytes])
	if ne.Uint64(b[metaSumBytes:]) == 0 {
		ne.PutUint64(b[metaSumBytes:], h.Sum64())
	}
	return buf
}

func TestParseMeta(t *testing.T) {
	ne := binary.NativeEndian
	tests := []struct {
		name string
		edit func(b []byte)
		want string // in the error; "" for a valid page
	}{
		{name: "valid", edit: func([]byte) {}},
		{name: "magic", edit: func(b []byte) { b[0]++ }, want: "no bbolt magic"},
		{name: "version", edit: func(b []byte) { ne.PutUint32(b[4:], 3) }, want: "bbolt version 3"},
		{name: "checksum", edit: func(b []byte) { ne.PutUint64(b[metaSumBytes:], 1) }, want: "checksum mismatch"},
		{name: "page size not a power of two", edit: func(b []byte) { ne.PutUint32(b[8:], 3000) }, want: "page size 3000"},
		{name: "page size too small", edit: func(b []byte) { ne.PutUint32(b[8:], 512) }, want: "page size 512"},
		{name: "page size too large", edit: func(b []byte) { ne.PutUint32(b[8:], 1<<17) }, want: "page size 131072"},
		{name: "root is a meta page", edit: func(b []byte) { ne.PutUint64(b[16:], 1) }, want: "root page 1"},
		{name: "root beyond the high-water mark", edit: func(b []byte) { ne.PutUint64(b[16:], 10) }, want: "root page 10"},
		{name: "free list beyond the high-water mark", edit: func(b []byte) { ne.PutUint64(b[32:], 11) }, want: "free list page 11"},
		{name: "free list kept", edit: func(b []byte) { ne.PutUint64(b[32:], 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := parseMeta(metaPage(tt.edit), 0)
			if tt.want == "" {
				require.NoError(t, m.err)
				require.Equal(t, 4096, m.pageSize)
				return
			}
			require.ErrorContains(t, m.err, tt.want)
		})
	}
	require.ErrorContains(t, parseMeta(make([]byte, 40), 1).err, "ends inside it")
}

// fixturePages finds pages of the fixture's current tree: the root page
// of the log bucket (a branch) and its first child (a leaf).
func fixturePages(t *testing.T, fx damageFixture) (branch, leaf int) {
	t.Helper()
	bf, err := readBoltFile(bytes.NewReader(fx.file), int64(len(fx.file)))
	require.NoError(t, err)
	page := func(id uint64) []byte { return fx.file[int(id)*fx.pageSize : int(id+1)*fx.pageSize] }
	root := page(bf.current().root)
	for i := range int(binary.NativeEndian.Uint16(root[10:])) {
		k, v, _, _, err := element(root, i, true)
		require.NoError(t, err)
		if string(k) == "log" {
			branch = int(binary.NativeEndian.Uint64(v))
		}
	}
	p := page(uint64(branch))
	require.Equal(t, uint16(pageBranch), binary.NativeEndian.Uint16(p[8:]), "the log bucket's root is a branch page")
	_, _, _, child, err := element(p, 0, false)
	require.NoError(t, err)
	return branch, int(child)
}

// TestOpenBoltNamesDamage damages the fixture's pages in the ways
// OpenBolt's own reading checks for, and checks that each is ErrCorrupt
// naming the problem, read-only and for writing.
func TestOpenBoltNamesDamage(t *testing.T) {
	fx := newDamageFixture(t)
	branch, leaf := fixturePages(t, fx)
	bf, err := readBoltFile(bytes.NewReader(fx.file), int64(len(fx.file)))
	require.NoError(t, err)
	hwm := bf.current().hwm
	ne := binary.NativeEndian
	at := func(page, off int) int { return page*fx.pageSize + off }
	tests := []struct {
		name string
		edit func(f []byte) []byte
		want string
	}{
		{name: "both meta pages zeroed", edit: func(f []byte) []byte {
			clear(f[:pageHeaderBytes+metaBytes])
			clear(f[fx.pageSize : fx.pageSize+pageHeaderBytes+metaBytes])
			return f
		}, want: "neither meta page is valid"},
		{name: "cut inside the pages in use", edit: func(f []byte) []byte { return f[:int(hwm)*fx.pageSize-1] }, want: "truncated?"},
		{name: "a child that is a meta page", edit: func(f []byte) []byte {
			ne.PutUint64(f[at(branch, pageHeaderBytes+8):], 1)
			return f
		}, want: "page 1: is a meta page"},
		{name: "a child beyond the high-water mark", edit: func(f []byte) []byte {
			ne.PutUint64(f[at(branch, pageHeaderBytes+8):], hwm)
			return f
		}, want: "beyond the high-water mark"},
		{name: "a cycle", edit: func(f []byte) []byte {
			ne.PutUint64(f[at(branch, pageHeaderBytes+8):], uint64(branch))
			return f
		}, want: "referenced twice"},
		{name: "an empty branch page", edit: func(f []byte) []byte { ne.PutUint16(f[at(branch, 10):], 0); return f }, want: "empty branch page"},
		{name: "a page of unknown type", edit: func(f []byte) []byte { ne.PutUint16(f[at(leaf, 8):], 0x20); return f }, want: "has type 0x20"},
		{name: "a page with another id", edit: func(f []byte) []byte { ne.PutUint64(f[at(leaf, 0):], 99); return f }, want: "says it is page 99"},
		{name: "overflow pages past the end", edit: func(f []byte) []byte { ne.PutUint32(f[at(leaf, 12):], 1<<20); return f }, want: "run past"},
		{name: "an element outside its page", edit: func(f []byte) []byte {
			ne.PutUint32(f[at(leaf, pageHeaderBytes+4):], 1<<30)
			return f
		}, want: "element 0 lies outside the page"},
		{name: "element flags", edit: func(f []byte) []byte { ne.PutUint32(f[at(leaf, pageHeaderBytes):], 4); return f }, want: "element 0 has flags 0x4"},
		{name: "keys out of order", edit: func(f []byte) []byte {
			k0, _, _, _, _ := element(f[at(leaf, 0):at(leaf+1, 0)], 0, true)
			k1, _, _, _, _ := element(f[at(leaf, 0):at(leaf+1, 0)], 1, true)
			copy(k1, k0)
			return f
		}, want: "key 1 does not follow key 0"},
		{name: "a key outside its parent's range", edit: func(f []byte) []byte {
			k0, _, _, _, _ := element(f[at(branch, 0):at(branch+1, 0)], 1, false)
			k0[len(k0)-1]-- // the first child's last key is now above it
			return f
		}, want: "lies after the next key of its parent"},
	}
	path := filepath.Join(t.TempDir(), "damaged.db")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, tt.edit(bytes.Clone(fx.file)), 0o600))
			for _, readOnly := range []bool{true, false} {
				_, err := OpenBolt(path, &BoltOptions{ReadOnly: readOnly, NoSync: true})
				require.ErrorIs(t, err, ErrCorrupt, "read-only %v", readOnly)
				require.ErrorContains(t, err, tt.want, "read-only %v", readOnly)
				require.ErrorContains(t, err, path)
			}
		})
	}
}
