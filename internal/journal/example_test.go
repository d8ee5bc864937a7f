package journal_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/kuota/kuota/internal/journal"
)

// An engine in memory uses the zero Memory: it only numbers the records.
// A test keeps them to replay.
func ExampleMemory() {
	j := &journal.Memory{Keep: true}
	for _, change := range []string{"hold A", "pay A", "hold B"} {
		lsn, err := j.Append([]byte(change))
		if err != nil {
			log.Fatal(err)
		}
		if err := j.Wait(context.Background(), lsn); err != nil { // returns at once
			log.Fatal(err)
		}
	}
	_ = j.Replay(func(lsn uint64, rec []byte) error {
		fmt.Println(lsn, string(rec))
		return nil
	})
	// Output:
	// 1 hold A
	// 2 pay A
	// 3 hold B
}

// A durable engine appends to a Group over a Bolt file, and waits for
// each change before it answers. After a restart it replays the file.
func ExampleGroup() {
	dir, err := os.MkdirTemp("", "journal")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "kuota.db")

	open := func() *journal.Group {
		file, err := journal.OpenBolt(path, nil)
		if err != nil {
			log.Fatal(err)
		}
		g, err := journal.NewGroup(file)
		if err != nil {
			log.Fatal(err)
		}
		return g
	}

	g := open()
	for _, change := range []string{"hold A", "pay A"} {
		lsn, err := g.Append([]byte(change))
		if err != nil {
			log.Fatal(err)
		}
		if err := g.Wait(context.Background(), lsn); err != nil {
			log.Fatal(err)
		}
	}
	if err := g.Close(); err != nil {
		log.Fatal(err)
	}

	g = open()
	defer g.Close()
	_ = g.Replay(func(lsn uint64, rec []byte) error {
		fmt.Println(lsn, string(rec))
		return nil
	})
	lsn, _ := g.Append([]byte("hold B"))
	fmt.Println("next", lsn)
	// Output:
	// 1 hold A
	// 2 pay A
	// next 3
}
