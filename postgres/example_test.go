package postgres_test

import (
	"context"
	"errors"
	"log"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/postgres"
)

// Each process of a cluster starts a node with the same DSN; one becomes
// active, the others follow it. A service asks Engine for every request,
// and forwards a change a standby refuses to the address it names.
func ExampleStart() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	node, err := postgres.Start(ctx, &postgres.Options{
		DSN:     "postgres://kuota@db1:5432,db2:5432,db3:5432/kuota?target_session_attrs=read-write",
		Address: "http://10.0.0.7:8080", // this node's HTTP address
	})
	if err != nil {
		log.Fatal(err)
	}
	defer node.Close()

	_, err = node.Engine().Hold(ctx, booking.HoldRequest{ /* … */ })
	var standby *booking.StandbyError
	if errors.As(err, &standby) {
		log.Printf("a standby: send the request to %s", standby.Active)
	}
}
