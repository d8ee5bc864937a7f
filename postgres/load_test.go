//go:build linux

package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// The load of the multi-process tests: holds from concurrent workers,
// each for an account and applicant of its own, and what the tests check
// of them afterwards.

// seatsPerSlot is the online seats of each slot the tests register: the
// 22 open days of December then offer 88 000, more than 16 workers send
// (holdsPerWorkerMax each), so that no hold is refused for a full cell.
const seatsPerSlot = 2000

// Bounds of one loader.
const (
	holdsPerWorkerMax = 5000                  // holds one worker sends at most
	retargetPause     = 20 * time.Millisecond // between looks for the active node
)

// openDates are the test office's December days that take holds: the
// weekdays but Christmas.
func openDates() []calendar.Date {
	var out []calendar.Date
	for d := calendar.NewDate(2026, time.December, 1); d.Month() == time.December; d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && d != kt.Dec25 {
			out = append(out, d)
		}
	}
	return out
}

// holdFor is the hold of account acc: kt.HoldRequest(acc), spread over
// the open dates and both slots.
func holdFor(dates []calendar.Date, acc int) wireHold {
	slot := kt.Slot0
	if acc/len(dates)%2 == 1 {
		slot = kt.Slot1
	}
	return wireHold{Acc: acc, Date: dates[acc%len(dates)], Slot: slot}
}

// ack is an acknowledged hold: a 200 answer.
type ack struct {
	hold wireHold
	b    wireBooking
	by   *nodeProc
	sent time.Time
	at   time.Time // when the answer came
}

// loader sends holds from its workers until Stop, each for a new account
// (so neither the per-account limit nor a NIK's one live booking refuses
// one), and records every acknowledged hold. A pinned loader sends to one
// node whatever it answers; otherwise a failed hold sends the workers to
// the active node (the one a 421 names, or the one whose status says so).
type loader struct {
	dates   []calendar.Date
	procs   []*nodeProc // the nodes to look for the active one among; nil when pinned
	target  atomic.Pointer[nodeProc]
	timeout time.Duration // of one hold
	accNext atomic.Int64  // the next account
	accEnd  int64         // the account after the last this loader may use

	retargetMu sync.Mutex // one worker looks for the active node at a time

	mu      sync.Mutex // guards acks and refused
	acks    []ack
	refused map[string]int // by a short reason

	sent   atomic.Int64 // holds sent
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// newLoader returns a loader sending to target, using accounts from
// accFirst up to but excluding accEnd; procs nil pins it to target.
func newLoader(target *nodeProc, procs []*nodeProc, accFirst, accEnd int, timeout time.Duration) *loader {
	l := &loader{dates: openDates(), procs: procs, timeout: timeout, accEnd: int64(accEnd), refused: map[string]int{}}
	l.target.Store(target)
	l.accNext.Store(int64(accFirst))
	return l
}

// Start starts n workers.
func (l *loader) Start(t *testing.T, n int) {
	ctx, cancel := context.WithCancel(t.Context())
	l.cancel = cancel
	for range n {
		l.wg.Go(func() { l.work(ctx) })
	}
	t.Cleanup(l.Stop)
}

// Stop stops the workers and waits for them; a hold in flight is given up
// (not acknowledged).
func (l *loader) Stop() {
	l.cancel()
	l.wg.Wait()
}

func (l *loader) work(ctx context.Context) {
	for range holdsPerWorkerMax {
		acc := l.accNext.Add(1) - 1
		if ctx.Err() != nil || acc >= l.accEnd {
			return
		}
		p := l.target.Load()
		h := holdFor(l.dates, int(acc))
		hctx, cancel := context.WithTimeout(ctx, l.timeout)
		sent := time.Now()
		l.sent.Add(1)
		b, err := p.hold(hctx, h)
		cancel()
		if err == nil {
			l.mu.Lock()
			l.acks = append(l.acks, ack{hold: h, b: b, by: p, sent: sent, at: time.Now()})
			l.mu.Unlock()
			continue
		}
		if ctx.Err() != nil {
			return
		}
		l.refuse(err)
		l.retarget(ctx, p, err)
	}
}

// refuse counts a hold that was not acknowledged, by a short reason.
func (l *loader) refuse(err error) {
	reason := "error"
	var ce *callError
	if errors.As(err, &ce) {
		reason = "no answer"
		if ce.status != 0 {
			reason = fmt.Sprint(ce.status, " ", ce.problem.Kind)
		}
	}
	l.mu.Lock()
	l.refused[reason]++
	l.mu.Unlock()
}

// retarget sends the workers to the active node after a hold on failed
// failed with err: the one a 421 names, else the first whose status says
// it is active. A pinned loader only pauses.
func (l *loader) retarget(ctx context.Context, failed *nodeProc, err error) {
	if l.procs == nil {
		sleep(ctx, retargetPause)
		return
	}
	l.retargetMu.Lock()
	defer l.retargetMu.Unlock()
	if l.target.Load() != failed {
		return // another worker has found it
	}
	var ce *callError
	if errors.As(err, &ce) && ce.status == http.StatusMisdirectedRequest {
		for _, p := range l.procs {
			if p.addr == ce.problem.Active && p != failed && p.alive() {
				l.target.Store(p)
				return
			}
		}
	}
	if p, _ := findActive(ctx, l.procs); p != nil {
		l.target.Store(p)
		return
	}
	sleep(ctx, retargetPause)
}

// Acks returns the acknowledged holds so far.
func (l *loader) Acks() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.acks)
}

// Refused returns the holds not acknowledged so far, by reason.
func (l *loader) Refused() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.refused))
	for k, v := range l.refused {
		out[k] = v
	}
	return out
}

// WaitAcks fails the test unless n holds that match are acknowledged
// within d (nil matches any): the load makes progress.
func (l *loader) WaitAcks(t *testing.T, n int, d time.Duration, match func(ack) bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	got := 0
	for time.Now().Before(deadline) {
		got = 0
		for _, a := range l.Acks() {
			if match == nil || match(a) {
				got++
			}
		}
		if got >= n {
			return
		}
		time.Sleep(statusPollEvery)
	}
	t.Fatalf("%d of %d holds acknowledged within %v (refused: %v)", got, n, d, l.Refused())
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// quietTime is how long an active node must take no change to be quiet.
const quietTime = 100 * time.Millisecond

// quiesce waits until p, the active node, has committed every change it
// took and taken none for quietTime, and returns its status: a hold a
// loader gave up on at Stop may still be committing. The test fails if
// that takes over 10 s.
func quiesce(t *testing.T, p *nodeProc) wireStatus {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var prev wireStatus
	for time.Now().Before(deadline) {
		st, err := p.status(t.Context())
		if err == nil && st.Active && st.Pending == 0 && st.Followed == prev.Followed {
			return st
		}
		prev = st
		time.Sleep(quietTime)
	}
	t.Fatalf("%s did not become quiet within 10 s: %+v", p.name, prev)
	return prev
}

// requireAcked fails the test unless p finds every acknowledged hold, once
// each, with the applicants, date and slot it was acknowledged with and
// that the hold asked for.
func requireAcked(t *testing.T, p *nodeProc, acks []ack) {
	t.Helper()
	codes := make([]string, 0, len(acks))
	seen := make(map[string]bool, len(acks))
	for _, a := range acks {
		require.False(t, seen[a.b.Code], "code %s acknowledged twice", a.b.Code)
		seen[a.b.Code] = true
		codes = append(codes, a.b.Code)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	found, err := p.get(ctx, codes)
	require.NoError(t, err)
	for _, a := range acks {
		got, ok := found[a.b.Code]
		require.True(t, ok, "acknowledged hold %s (account %d, by %s) is missing on %s", a.b.Code, a.hold.Acc, a.by.name, p.name)
		require.Equal(t, a.b.Applicants, got.Applicants, "booking %s", a.b.Code)
		require.Equal(t, []wireApplicant{{NIK: kt.NIKDigits(a.hold.Acc), Meta: fmt.Sprintf(`{"name":"applicant %d"}`, a.hold.Acc)}}, got.Applicants)
		require.Equal(t, a.hold.Date, got.Date)
		require.Equal(t, a.hold.Slot, got.Slot)
	}
}

// requireClean fails the test unless p's Check finds nothing and every
// cell's seats add up, with at least every acknowledged hold's seat taken
// and no more bookings than holds sent; it returns what /check found.
func requireClean(t *testing.T, p *nodeProc, acked int, sent int64) wireCheck {
	t.Helper()
	c := p.check(t)
	require.Empty(t, c.Violations, "Check on %s", p.name)
	require.Empty(t, c.Mismatches, "cells on %s", p.name)
	require.Positive(t, c.Cells)
	require.GreaterOrEqual(t, c.SeatsTaken, acked, "fewer seats taken than holds acknowledged")
	require.LessOrEqual(t, int64(c.Bookings), sent, "more bookings than holds sent")
	return c
}

// journalRows returns the number of records of schema's journal; the
// test fails unless it is the last LSN (no gap, no duplicate) and the
// active node's last commit, committed.
func journalRows(t *testing.T, dsn, schema string, committed uint64) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var rows, last int64
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*), coalesce(max(lsn), 0) FROM `+schema+`.journal`).Scan(&rows, &last))
	require.Equal(t, rows, last, "the journal has a gap or a duplicate")
	require.Equal(t, committed, uint64(last), "the active node's last commit is not the journal's last record")
	return rows
}

// countBy counts acks by the node that gave them.
func countBy(acks []ack, p *nodeProc) int {
	n := 0
	for _, a := range acks {
		if a.by == p {
			n++
		}
	}
	return n
}
