package journal_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"github.com/kuota/kuota/internal/journal"
)

// A journal whose second record was damaged on disk is salvaged into a
// new file: the first record is copied, the second is found damaged, the
// third is intact but after the damage, so it is left out too.
func ExampleSalvage() {
	dir, err := os.MkdirTemp("", "journal")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "kuota.db")

	b, err := journal.OpenBolt(path, nil)
	if err != nil {
		log.Fatal(err)
	}
	batch := []journal.Entry{{LSN: 1, Data: []byte("hold A")}, {LSN: 2, Data: []byte("pay A")}, {LSN: 3, Data: []byte("hold B")}}
	if err := b.Append(batch); err != nil {
		log.Fatal(err)
	}
	b.Close()
	damageRecord(path, 2)

	rep, err := journal.Salvage(path, filepath.Join(dir, "salvaged.db"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("copied %d of %d records; %d damaged, %d after the damage\n", rep.Copied, rep.Last, rep.Damaged, rep.Skipped)
	fmt.Println("complete:", rep.Complete())
	fmt.Println(rep.Problems[0])
	// Output:
	// copied 1 of 3 records; 1 damaged, 1 after the damage
	// complete: false
	// LSN 2: checksum mismatch (stored 4067fe8a, computed b20c7d89)
}

// damageRecord flips the last byte of record lsn where the file keeps it,
// as a failing disk might, and commits once more so that neither of the
// file's meta pages leads to the record as it was.
func damageRecord(path string, lsn byte) {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	key := []byte{0, 0, 0, 0, 0, 0, 0, lsn}
	err = db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("log"))
		v := append([]byte(nil), bk.Get(key)...)
		v[len(v)-1] ^= 1
		return bk.Put(key, v)
	})
	if err == nil {
		err = db.Update(func(*bolt.Tx) error { return nil })
	}
	if err != nil {
		log.Fatal(err)
	}
}
