package pgbench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kuota/kuota/bench"
	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/quota"
)

// billingBase makes billing codes 15 digits long, as the other baselines'.
const billingBase = 100_000_000_000_000

// Hold books the request in one transaction, checking the rules in the
// baselines' order: the request, the account's unpaid holds, the slot's
// gate, the seats, the applicants' NIKs. When the cell is full and some
// holds are overdue, it expires them in a transaction of their own, as
// the other baselines do, and tries once more: an expired hold never
// blocks anyone.
func (p *Plain) Hold(req booking.HoldRequest) (bench.Ticket, error) {
	r := p.office(req.Office)
	slot, pool, err := r.CheckHold(&req)
	if err != nil {
		return bench.Ticket{}, err
	}
	ctx, cancel := call()
	defer cancel()
	now := p.clk.Now()
	t, err := p.hold(ctx, r, &req, slot, pool, now)
	if !errors.Is(err, quota.ErrFull) {
		return t, err
	}
	expired, err := p.expireDue(ctx, now)
	switch {
	case err != nil:
		return bench.Ticket{}, err
	case expired == 0:
		return bench.Ticket{}, quota.ErrFull
	}
	return p.hold(ctx, r, &req, slot, pool, now)
}

// hold is Hold's transaction. It takes the seats last, with the
// conditional UPDATE just before the commit: every hold on the cell
// waits for the row lock that UPDATE takes until the commit, so the
// shorter it is held the more holds a cell serves. A NIK refusal, found
// before, gives way to the cell's refusal (read, not locked), as in the
// baselines' order.
func (p *Plain) hold(ctx context.Context, r *bench.Rules, req *booking.HoldRequest, slot, pool int, now time.Time) (bench.Ticket, error) {
	n := len(req.Applicants)
	niks := make([]string, n)
	for i, a := range req.Applicants {
		niks[i] = a.NIK.Digits()
	}
	day := sqlDate(req.Date)
	var t bench.Ticket
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if err := p.lockAccountAndNIKs(ctx, tx, req.Account, niks); err != nil {
			return err
		}
		var unpaid int
		err := tx.QueryRow(ctx, `
			SELECT count(*) FROM bookings
			 WHERE account = $1 AND state = `+sqlHeld+` AND deadline > $2`,
			req.Account, now).Scan(&unpaid)
		if err != nil {
			return err
		}
		if unpaid >= p.maxHolds {
			return booking.ErrTooManyHolds
		}
		if err := r.Gate(req.Date, slot, now); err != nil {
			return err
		}
		if err := liveNIK(ctx, tx, niks, now); err != nil {
			if refusal := cellRefusal(ctx, tx, req.Office, day, slot, pool, n); refusal != nil {
				return refusal
			}
			return err
		}
		id, err := insertHeld(ctx, tx, r, req, slot, pool, niks, now)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			UPDATE cells SET seats_left = seats_left - $5
			 WHERE office = $1 AND day = $2 AND slot = $3 AND pool = $4 AND seats_left >= $5`,
			req.Office, day, slot, pool, n)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			if refusal := cellRefusal(ctx, tx, req.Office, day, slot, pool, n); refusal != nil {
				return refusal
			}
			return quota.ErrFull // seats came back since the UPDATE looked
		}
		t = bench.Ticket{Code: "P" + strconv.FormatInt(id, 10), Billing: strconv.FormatInt(billingBase+id, 10)}
		return nil
	})
	if err != nil {
		return bench.Ticket{}, err
	}
	return t, nil
}

// insertHeld inserts a held booking of req in slot and pool, and its
// applicants' NIKs, and returns its id.
func insertHeld(ctx context.Context, tx pgx.Tx, r *bench.Rules, req *booking.HoldRequest, slot, pool int, niks []string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		WITH b AS (
			INSERT INTO bookings (id, billing, account, office, day, slot, pool, seats, state,
			                      deadline, day_end, no_show_at, changed_at)
			SELECT v.id, ($2 + v.id)::text, $3, $4, $5, $6, $7, $8, `+sqlHeld+`, $9, $10, $11, $1
			  FROM (SELECT nextval('booking_ids') AS id) AS v
			RETURNING id
		), n AS (
			INSERT INTO booking_niks (nik, booking_id) SELECT unnest($12::text[]), b.id FROM b
		)
		SELECT id FROM b`,
		now, billingBase, req.Account, req.Office, sqlDate(req.Date), slot, pool, len(niks),
		now.Add(bench.HoldTTL), r.DayEnd(req.Date), r.NoShowAt(req.Date, slot), niks).Scan(&id)
	return id, err
}

// lockAccountAndNIKs takes the advisory locks of the account and of each
// NIK, in the order of their keys, so that two holds for one account or
// one NIK count and check one after the other, and two holds never wait
// for each other's locks in a circle. The locks end with the transaction.
func (p *Plain) lockAccountAndNIKs(ctx context.Context, tx pgx.Tx, account string, niks []string) error {
	names := make([]string, 0, 1+len(niks))
	names = append(names, p.lockPrefix+"account|"+account)
	for _, nik := range niks {
		names = append(names, p.lockPrefix+"nik|"+nik)
	}
	_, err := tx.Exec(ctx, `
		SELECT pg_advisory_xact_lock(k)
		  FROM (SELECT DISTINCT hashtextextended(name, 0) AS k FROM unnest($1::text[]) AS name ORDER BY k) AS keys`,
		names)
	return err
}

// cellRefusal reads the cell and returns its refusal of n seats:
// quota.ErrNoQuota when it offers none at all, quota.ErrFull when fewer
// than n are left, nil when they fit; or the error of the read.
func cellRefusal(ctx context.Context, tx pgx.Tx, office string, day time.Time, slot, pool, n int) error {
	var capacity, left int
	err := tx.QueryRow(ctx, `
		SELECT capacity, seats_left FROM cells
		 WHERE office = $1 AND day = $2 AND slot = $3 AND pool = $4`,
		office, day, slot, pool).Scan(&capacity, &left)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return bench.CellRefusal(capacity, capacity-left, n)
}

// liveNIK refuses the first applicant whose NIK has a live booking: held
// and not yet due, or paid and its day not yet over.
func liveNIK(ctx context.Context, tx pgx.Tx, niks []string, now time.Time) error {
	rows, err := tx.Query(ctx, `
		SELECT DISTINCT n.nik FROM booking_niks n JOIN bookings b ON b.id = n.booking_id
		 WHERE n.nik = ANY($1)
		   AND ((b.state = `+sqlHeld+` AND b.deadline > $2) OR (b.state = `+sqlPaid+` AND b.day_end > $2))`,
		niks, now)
	if err != nil {
		return err
	}
	booked, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(booked) == 0 {
		return err
	}
	for i, nik := range niks {
		for _, b := range booked {
			if nik == b {
				return &booking.ApplicantError{Index: i, Err: booking.ErrNIKBooked}
			}
		}
	}
	return fmt.Errorf("pgbench: NIK check returned a NIK not asked for")
}
