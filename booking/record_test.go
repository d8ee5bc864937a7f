package booking_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// TestLargestBookingKeepsEverything makes a booking with every field at
// its limit — five applicants whose metadata fills MetadataBytesMax
// (one of them with none), a family card, the longest account,
// idempotency key, payment reference and reason — takes it through a
// payment, a reschedule and a cancellation, and checks that it reads back
// byte for byte: live, after a reopen, and from the archive. A booking
// keeps all of it in its page's arena, packed after its record; this is
// the case that fills one allocation to the brim.
func TestLargestBookingKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	opts := &Options{Retention: RetentionMin}
	e := kt.OpenEngine(t, path, clk, opts)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))

	req := kt.HoldRequest(t, 1)
	req.Account = strings.Repeat("a", AccountBytesMax)
	req.IdempotencyKey = strings.Repeat("k", IdempotencyKeyBytesMax)
	req.Applicants = kt.Applicants(t, 1, ApplicantsMax)
	sizes := []int{1000, 0, 1, MetadataBytesMax - 2001, 1000} // they sum to MetadataBytesMax
	for i, n := range sizes {
		req.Applicants[i].Meta = nil
		if n > 0 {
			req.Applicants[i].Meta = bytes.Repeat([]byte{byte('0' + i)}, n)
		}
	}
	card, err := ParseFamilyCard("3171011503200001")
	require.NoError(t, err)
	req.FamilyCard = card
	held, err := e.Hold(bg, req)
	require.NoError(t, err)
	ref := strings.Repeat("r", PaymentRefBytesMax)
	_, err = e.Pay(bg, held.BillingCode, ref)
	require.NoError(t, err)
	_, err = e.Reschedule(bg, held.Code, kt.Dec11, kt.Slot1)
	require.NoError(t, err)
	reason := Reason{Kind: ReasonOther, Text: strings.Repeat("x", ReasonBytesMax)}
	cancelled, err := e.Cancel(bg, held.Code, reason)
	require.NoError(t, err)

	check := func(when string, b Booking) {
		t.Helper()
		require.Equal(t, req.Account, b.Account, when)
		require.Equal(t, req.Applicants, b.Applicants, when)
		require.Equal(t, card, b.FamilyCard, when)
		require.Equal(t, ref, b.PaymentRef, when)
		require.Equal(t, []State{Held, Paid, Paid, Cancelled}, states(b.History), when)
		require.Equal(t, "rescheduled from 2026-12-10 08:00–09:00", b.History[2].Note, when)
		require.Equal(t, reason, b.History[3].Reason, when)
		require.Equal(t, kt.Dec11, b.Date, when)
	}
	check("live", cancelled)
	again, err := e.Hold(bg, req) // the same request under its key: the same booking
	require.NoError(t, err)
	check("an idempotent replay", again)

	require.NoError(t, e.Close())
	e = kt.OpenEngine(t, path, clk, opts)
	got, err := e.Get(bg, held.Code)
	require.NoError(t, err)
	check("reopened", got)

	clk.Set(clk.Now().Add(RetentionMin))
	n, err := e.ArchiveDue(bg)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	var out bytes.Buffer
	_, err = e.ExportArchive(bg, &out)
	require.NoError(t, err)
	var a ArchivedBooking
	require.NoError(t, json.Unmarshal(out.Bytes(), &a))
	require.Equal(t, card.Digits(), a.FamilyCard)
	require.Len(t, a.Applicants, ApplicantsMax)
	for i, ap := range a.Applicants {
		require.Equal(t, req.Applicants[i].NIK.Digits(), ap.NIK)
		require.Equal(t, req.Applicants[i].Meta, ap.Meta, "applicant %d", i)
	}
	a.Booking.Applicants, a.Booking.FamilyCard = req.Applicants, card // the archive writes them apart
	a.Booking.Queue = cancelled.Queue                                 // and keeps no queue number
	check("archived", a.Booking)
}

func states(h []Event) []State {
	var out []State
	for _, e := range h {
		out = append(out, e.State)
	}
	return out
}
