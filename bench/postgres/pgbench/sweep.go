package pgbench

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kuota/kuota/booking"
)

// cellKey names a cell as its primary key does.
type cellKey struct {
	office     string
	day        time.Time
	slot, pool int
}

// expireDue expires the holds due at now and returns how many. It first
// asks, outside any transaction, whether any is due, so that a hold
// refused on a full cell with nothing to expire costs one index probe.
func (p *Plain) expireDue(ctx context.Context, now time.Time) (int, error) {
	var due bool
	err := p.pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM bookings WHERE state = `+sqlHeld+` AND deadline <= $1)`, now).Scan(&due)
	if err != nil || !due {
		return 0, err
	}
	return p.sweep(ctx, now, booking.Expired, `state = `+sqlHeld+` AND deadline <= $1`)
}

// sweep moves every booking matching where (with $1 the instant now) to
// st, and gives their seats back, in one transaction, and returns how
// many it moved. Sweeps take the system's sweep lock, one at a time: two
// would lock the same bookings in whatever order their scans found them.
// The cells are locked in key order, after the bookings, as every other
// transaction that locks both does.
func (p *Plain) sweep(ctx context.Context, now time.Time, st booking.State, where string) (int, error) {
	moved := 0
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, 1)`, p.sweepKey); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			UPDATE bookings SET state = $2, changed_at = $1 WHERE `+where+`
			RETURNING office, day, slot, pool, seats`, now, int16(st))
		if err != nil {
			return err
		}
		freed := map[cellKey]int{}
		var k cellKey
		var seats int
		_, err = pgx.ForEachRow(rows, []any{&k.office, &k.day, &k.slot, &k.pool, &seats}, func() error {
			freed[k] += seats
			moved++
			return nil
		})
		if err != nil || len(freed) == 0 {
			return err
		}
		return giveBack(ctx, tx, freed)
	})
	return moved, err
}

// giveBack locks the cells of freed in key order and adds their seats
// back.
func giveBack(ctx context.Context, tx pgx.Tx, freed map[cellKey]int) error {
	var offices []string
	var days []time.Time
	var slots, pools, seats []int32
	for k, n := range freed {
		offices, days = append(offices, k.office), append(days, k.day)
		slots, pools, seats = append(slots, int32(k.slot)), append(pools, int32(k.pool)), append(seats, int32(n))
	}
	_, err := tx.Exec(ctx, `
		SELECT 1 FROM cells c
		  JOIN unnest($1::text[], $2::date[], $3::int[], $4::int[]) AS v(office, day, slot, pool)
		 USING (office, day, slot, pool)
		 ORDER BY c.office, c.day, c.slot, c.pool
		   FOR UPDATE OF c`,
		offices, days, slots, pools)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		UPDATE cells c SET seats_left = c.seats_left + v.seats
		  FROM unnest($1::text[], $2::date[], $3::int[], $4::int[], $5::int[]) AS v(office, day, slot, pool, seats)
		 WHERE (c.office, c.day, c.slot, c.pool) = (v.office, v.day, v.slot, v.pool)`,
		offices, days, slots, pools, seats)
	return err
}
