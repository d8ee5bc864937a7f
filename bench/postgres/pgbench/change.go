package pgbench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kuota/kuota/bench"
	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
)

// bookingRow is the part of a booking row the changes read.
type bookingRow struct {
	id          int64
	office      string
	day         time.Time // as the date column reads: midnight UTC
	slot, pool  int
	seats       int
	state       booking.State
	deadline    time.Time
	reschedules int
}

func (b *bookingRow) date() calendar.Date { return dateOf(b.day) }

// change runs fn in one transaction on the booking whose column (id or
// billing) equals key, its row locked: booking.ErrNotFound when there is
// none. fn's error rolls the transaction back.
func (p *Plain) change(column string, key any, fn func(ctx context.Context, tx pgx.Tx, b *bookingRow, now time.Time) error) error {
	ctx, cancel := call()
	defer cancel()
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		var b bookingRow
		var state int16
		err := tx.QueryRow(ctx, `
			SELECT id, office, day, slot, pool, seats, state, deadline, reschedules
			  FROM bookings WHERE `+column+` = $1 FOR UPDATE`, key).
			Scan(&b.id, &b.office, &b.day, &b.slot, &b.pool, &b.seats, &state, &b.deadline, &b.reschedules)
		if errors.Is(err, pgx.ErrNoRows) {
			return booking.ErrNotFound
		}
		if err != nil {
			return err
		}
		b.state = booking.State(state)
		return fn(ctx, tx, &b, p.clk.Now())
	})
}

// byCode returns the id a ticket's code names, or -1, which no booking
// has, for a code this system never made.
func byCode(code string) int64 {
	digits, ok := strings.CutPrefix(code, "P")
	if !ok {
		return -1
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return -1
	}
	return id
}

// free moves b to a state without seats and gives its seats back to its
// cell.
func free(ctx context.Context, tx pgx.Tx, b *bookingRow, st booking.State, now time.Time) error {
	_, err := tx.Exec(ctx, `
		UPDATE cells SET seats_left = seats_left + $5
		 WHERE office = $1 AND day = $2 AND slot = $3 AND pool = $4`,
		b.office, b.day, b.slot, b.pool, b.seats)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE bookings SET state = $2, changed_at = $3 WHERE id = $1`, b.id, int16(st), now)
	return err
}

// Pay marks a held booking paid, found by its billing code. A hold past
// its deadline is expired, its seats given back, and refused with
// booking.ErrExpired.
func (p *Plain) Pay(t bench.Ticket, ref string) error {
	expired := false
	err := p.change("billing", t.Billing, func(ctx context.Context, tx pgx.Tx, b *bookingRow, now time.Time) error {
		switch {
		case b.state == booking.Held && !now.Before(b.deadline):
			expired = true // and commit the expiry
			return free(ctx, tx, b, booking.Expired, now)
		case b.state != booking.Held:
			return &booking.StateError{Op: "pay", State: b.state}
		}
		_, err := tx.Exec(ctx, `
			UPDATE bookings SET state = `+sqlPaid+`, payment_ref = $2, changed_at = $3 WHERE id = $1`,
			b.id, ref, now)
		return err
	})
	if err == nil && expired {
		return booking.ErrExpired
	}
	return err
}

// Cancel gives back a held booking's seats, or a paid one's while the
// policy allows.
func (p *Plain) Cancel(t bench.Ticket) error {
	return p.change("id", byCode(t.Code), func(ctx context.Context, tx pgx.Tx, b *bookingRow, now time.Time) error {
		switch {
		case b.state == booking.Paid:
			if err := p.office(b.office).CanCancel(now, b.date()); err != nil {
				return err
			}
		case b.state != booking.Held || !now.Before(b.deadline):
			return &booking.StateError{Op: "cancel", State: b.state}
		}
		return free(ctx, tx, b, booking.Cancelled, now)
	})
}

// Reschedule moves a paid booking to the slot of d that starts at start:
// it locks both cells in key order, takes the seats in the new one if
// they fit and gives them back to the old one.
func (p *Plain) Reschedule(t bench.Ticket, d calendar.Date, start string) error {
	return p.change("id", byCode(t.Code), func(ctx context.Context, tx pgx.Tx, b *bookingRow, now time.Time) error {
		r := p.office(b.office)
		if b.state != booking.Paid {
			return &booking.StateError{Op: "reschedule", State: b.state}
		}
		if err := r.CanReschedule(now, b.date(), b.reschedules); err != nil {
			return err
		}
		slot, err := r.SlotAt(start)
		if err != nil {
			return err
		}
		if err := r.Gate(d, slot, now); err != nil {
			return err
		}
		day := sqlDate(d)
		capacity, left, err := lockTwoCells(ctx, tx, b, day, slot)
		if err != nil {
			return err
		}
		if err := bench.CellRefusal(capacity, capacity-left, b.seats); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE cells SET seats_left = seats_left - $5
			 WHERE office = $1 AND day = $2 AND slot = $3 AND pool = $4`,
			b.office, day, slot, b.pool, b.seats)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE cells SET seats_left = seats_left + $5
			 WHERE office = $1 AND day = $2 AND slot = $3 AND pool = $4`,
			b.office, b.day, b.slot, b.pool, b.seats)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE bookings SET day = $2, slot = $3, reschedules = reschedules + 1, changed_at = $4,
			                    day_end = $5, no_show_at = $6
			 WHERE id = $1`,
			b.id, day, slot, now, r.DayEnd(d), r.NoShowAt(d, slot))
		return err
	})
}

// lockTwoCells locks b's cell and the cell of day and slot in b's pool, in
// key order, and returns the second's capacity and seats left (0 and 0
// when it has no row).
func lockTwoCells(ctx context.Context, tx pgx.Tx, b *bookingRow, day time.Time, slot int) (capacity, left int, err error) {
	rows, err := tx.Query(ctx, `
		SELECT day, slot, capacity, seats_left FROM cells
		 WHERE office = $1 AND pool = $2 AND ((day = $3 AND slot = $4) OR (day = $5 AND slot = $6))
		 ORDER BY office, day, slot, pool
		   FOR UPDATE`,
		b.office, b.pool, b.day, b.slot, day, slot)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var d time.Time
		var s, c, l int
		if err := rows.Scan(&d, &s, &c, &l); err != nil {
			return 0, 0, err
		}
		if d.Equal(day) && s == slot {
			capacity, left = c, l
		}
	}
	return capacity, left, rows.Err()
}

// CheckIn marks a paid booking checked in while its slot's check-in
// window is open.
func (p *Plain) CheckIn(t bench.Ticket) error {
	return p.change("id", byCode(t.Code), func(ctx context.Context, tx pgx.Tx, b *bookingRow, now time.Time) error {
		if b.state != booking.Paid {
			return &booking.StateError{Op: "check in", State: b.state}
		}
		if err := p.office(b.office).CanCheckIn(now, b.date(), b.slot); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE bookings SET state = `+sqlCheckedIn+`, changed_at = $2 WHERE id = $1`, b.id, now)
		return err
	})
}

// Sweep expires the holds due and marks the no-shows due, each in a
// transaction of its own.
func (p *Plain) Sweep() error {
	ctx, cancel := call()
	defer cancel()
	now := p.clk.Now()
	if _, err := p.sweep(ctx, now, booking.Expired, `state = `+sqlHeld+` AND deadline <= $1`); err != nil {
		return fmt.Errorf("pgbench: expire: %w", err)
	}
	if _, err := p.sweep(ctx, now, booking.NoShow, `state = `+sqlPaid+` AND no_show_at <= $1`); err != nil {
		return fmt.Errorf("pgbench: no-shows: %w", err)
	}
	return nil
}
