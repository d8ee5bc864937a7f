package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

// TestFileKinds gives every command that reads a file something that is
// not a booking file, and checks that each says what it was given
// instead — and does not send the operator to salvage what holds nothing
// to salvage.
func TestFileKinds(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	boltFile := func(name string, fill func(tx *bolt.Tx) error) string {
		p := filepath.Join(dir, name)
		db, err := bolt.Open(p, 0o600, nil)
		require.NoError(t, err)
		require.NoError(t, db.Update(fill))
		require.NoError(t, db.Close())
		return p
	}
	noise := make([]byte, 100_000)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	aDir := filepath.Join(dir, "bookings")
	require.NoError(t, os.Mkdir(aDir, 0o700))

	tests := []struct {
		name string
		path string
		want string // stderr after "kuota CMD: "
	}{
		{"empty", write("empty.db", nil),
			"is empty, not a booking file: kuota serve makes one, the other commands only read"},
		{"a directory", aDir,
			"is a directory, not a booking file: -db names the file itself, such as " + filepath.Join(aDir, "kuota.db")},
		{"noise", write("noise.db", noise),
			"is not a booking file: it holds no bbolt database (a file of another program, or one overwritten past repair)"},
		{"text", write("notes.db", bytes.Repeat([]byte("a spreadsheet saved as text\n"), 10)),
			"is not a booking file: it holds no bbolt database"},
		{"another program's bbolt", boltFile("users.db", func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte("users"))
			if err != nil {
				return err
			}
			return b.Put([]byte("budi"), []byte("admin"))
		}), "is a bbolt database of another program, not a booking file"},
		{"a bbolt file with nothing in it", boltFile("blank.db", func(*bolt.Tx) error { return nil }),
			"is a bbolt database of another program, not a booking file"},
	}
	commands := [][]string{
		{"stats"}, {"check"}, {"calendar", "-office", kt.Office}, {"arrivals", "-office", kt.Office},
		{"backup", "-out", filepath.Join(dir, "copy.db")}, {"archive", "-out", filepath.Join(dir, "archive.jsonl")},
	}
	for _, tt := range tests {
		for _, cmd := range commands {
			t.Run(tt.name+"/"+cmd[0], func(t *testing.T) {
				status, out, errOut := kuota(t, append(cmd, "-db", tt.path)...)
				require.Equal(t, exitTrouble, status)
				require.Empty(t, out)
				require.Contains(t, errOut, "kuota "+cmd[0]+": "+tt.path+" "+tt.want)
				require.NotContains(t, errOut, "salvage")
				require.NoFileExists(t, filepath.Join(dir, "copy.db"))
				require.NoFileExists(t, filepath.Join(dir, "archive.jsonl"))
			})
		}
	}
}
