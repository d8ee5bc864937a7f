package booking_test

// Privacy: a whole life of bookings, logged at debug level through slog's
// JSON and text handlers, leaves no NIK nor family card number (nor their
// last ten digits), no applicant metadata and no account ID in the log;
// and no error the engine returns about an applicant quotes the
// applicant's NIK.
//
// Privacy has no refusal of its own, so it has no refusal table: it is
// what the engine never writes to a log or an error, whatever it grants or
// refuses, and the refusals checked here are the other features'.

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/reschedule"
)

// Distinctive personal data, so that a search for it cannot match by
// accident.
var (
	advPrivateNIKs = []string{
		"3174056512880003", // a woman (day 25 + 40), Jakarta Utara
		"3578102307910004",
		"5171044408850005",
		"7371011511770006",
		"1271032902960007",
		"3201015006990008",
		"6471056003000009",
	}
	advPrivateAccounts = []string{
		"budi@example.com",
		"siti.rahayu@example.com",
		"agus.pratama@example.org",
		"dewi.lestari@example.net",
		"rudi.hartono@example.id",
	}
	advPrivateMeta = []string{"Budi", "Santoso", "081234567890", "Siti Rahayu", "085711112222", "Jl. Melati No. 7"}
	// Budi's family card (Kartu Keluarga), issued 12 March 2015 in
	// Jakarta Utara.
	advPrivateFamilyCard = "3174051203150042"
)

func advPrivateNIK(t *testing.T, i int) NIK {
	n, err := ParseNIK(advPrivateNIKs[i])
	require.NoError(t, err)
	return n
}

// advLifecycle runs every state change and every applicant refusal with
// the personal data above and returns the errors the refusals gave.
func advLifecycle(t *testing.T, logger *slog.Logger) []error {
	e, clk := kt.NewEngine(t, &Options{Logger: logger})
	ap := func(i int, meta string) Applicant { return Applicant{NIK: advPrivateNIK(t, i), Meta: []byte(meta)} }
	kk, err := ParseFamilyCard(advPrivateFamilyCard)
	require.NoError(t, err)
	hold := func(acc int, slot string, key string, aps ...Applicant) Booking {
		req := HoldRequest{Account: advPrivateAccounts[acc], Office: kt.Office, Date: kt.Dec10, Slot: slot, Pool: kt.Online, Applicants: aps, IdempotencyKey: key}
		if acc == 0 {
			req.FamilyCard = kk // Budi books for his family
		}
		b, err := e.Hold(bg, req)
		require.NoError(t, err)
		return b
	}
	pay := func(b Booking) Booking {
		b, err := e.Pay(bg, b.BillingCode, "BANK-"+b.Code)
		require.NoError(t, err)
		return b
	}
	var refusals []error
	refuse := func(want error, acc int, aps ...Applicant) {
		_, err := e.Hold(bg, HoldRequest{Account: advPrivateAccounts[acc], Office: kt.Office, Date: kt.Dec11, Slot: kt.Slot0, Pool: kt.Online, Applicants: aps})
		require.ErrorIs(t, err, want)
		var ae *ApplicantError
		require.ErrorAs(t, err, &ae)
		refusals = append(refusals, err)
	}

	// Budi books for himself and his wife, pays, and moves to the 11th.
	budi := pay(hold(0, kt.Slot0, "", ap(0, `{"name":"Budi Santoso","phone":"081234567890"}`), ap(1, `{"address":"Jl. Melati No. 7"}`)))
	budi, err = e.Reschedule(bg, budi.Code, kt.Dec11, kt.Slot0)
	require.NoError(t, err)
	// Siti pays and will be refused at the counter; Agus cancels; Dewi
	// never pays; Rudi retries with a key, pays and never shows up.
	siti := pay(hold(1, kt.Slot0, "", ap(2, `{"name":"Siti Rahayu","phone":"085711112222"}`)))
	agus := hold(2, kt.Slot1, "", ap(3, `{"name":"Agus"}`))
	_, err = e.Cancel(bg, agus.Code, Reason{})
	require.NoError(t, err)
	hold(3, kt.Slot1, "", ap(4, `{"name":"Dewi"}`))
	clk.Set(kt.T1.Add(DefaultHoldTTL)) // Dewi's deadline
	n, err := e.ExpireDue(bg)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	rudi := hold(4, kt.Slot0, "rudi-retry", ap(5, `{"name":"Rudi"}`))
	again := hold(4, kt.Slot0, "rudi-retry", ap(5, `{"name":"Rudi"}`))
	require.Equal(t, rudi.Code, again.Code)
	pay(rudi)

	refuse(ErrNIKBooked, 3, ap(6, ""), ap(0, ""))
	refuse(ErrDuplicateNIK, 3, ap(6, ""), ap(6, ""))
	refuse(ErrBadNIK, 3, ap(6, ""), Applicant{Meta: []byte("Budi")})

	clk.Set(kt.T5)
	_, err = e.CheckIn(bg, siti.Code)
	require.NoError(t, err)
	_, err = e.Reject(bg, siti.Code, Reason{Kind: ReasonInvalidData, Text: "dokumen tidak lengkap"})
	require.NoError(t, err)
	clk.Set(kt.T6)
	n, err = e.MarkNoShows(bg)
	require.NoError(t, err)
	require.Equal(t, 1, n, "Rudi")
	refuse(reschedule.ErrReapplyTooSoon, 3, ap(2, ""))
	refuse(reschedule.ErrReapplyTooSoon, 3, ap(6, ""), ap(5, ""))

	clk.Set(kt.T5.AddDate(0, 0, 1))
	_, err = e.CheckIn(bg, budi.Code)
	require.NoError(t, err)
	kt.RequireConsistent(t, e)

	// Lookups and views log nothing private either.
	_, err = e.Get(bg, budi.Code)
	require.NoError(t, err)
	_, err = e.Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err)
	list, err := e.AccountBookings(bg, advPrivateAccounts[0])
	require.NoError(t, err)
	seen := len(list)
	require.Equal(t, 1, seen)
	return refusals
}

// advSecrets lists every string that must not appear: each NIK and the
// family card number, their last ten digits, each account ID and each
// piece of metadata.
func advSecrets() []string {
	var out []string
	for _, n := range append(advPrivateNIKs[:len(advPrivateNIKs):len(advPrivateNIKs)], advPrivateFamilyCard) {
		out = append(out, n, n[6:])
	}
	out = append(out, advPrivateAccounts...)
	return append(out, advPrivateMeta...)
}

func TestAdversarialLogsHoldNoPersonalData(t *testing.T) {
	for name, handler := range map[string]func(w io.Writer) slog.Handler{
		"json": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
		"text": func(w io.Writer) slog.Handler {
			return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			refusals := advLifecycle(t, slog.New(handler(&buf)))
			out := buf.String()

			// The log did record the life, by booking code.
			for _, msg := range []string{"office registered", "booking held", "booking paid", "booking rescheduled", "booking cancelled",
				"booking expired", "booking checked in", "booking rejected", "booking marked as no-show"} {
				require.Contains(t, out, msg)
			}
			require.GreaterOrEqual(t, strings.Count(out, "\n"), 15)

			for _, s := range advSecrets() {
				require.NotContains(t, out, s, "the log holds personal data")
			}
			for _, err := range refusals {
				for _, s := range advSecrets() {
					require.NotContains(t, err.Error(), s, "an error quotes personal data: %v", err)
				}
				require.NotContains(t, fmt.Sprintf("%+v", err), advPrivateNIKs[0][6:])
			}
		})
	}
}

// Every way of printing a NIK short of Digits masks it.
func TestAdversarialNIKNeverPrintsItself(t *testing.T) {
	n := advPrivateNIK(t, 0)
	digits := advPrivateNIKs[0]
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
		for _, v := range []any{n, &n, Applicant{NIK: n}, []NIK{n}, map[string]NIK{"k": n}} {
			require.NotContains(t, fmt.Sprintf(verb, v), digits[6:], "%s of %T", verb, v)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "nik", n, "applicant", Applicant{NIK: n}, "list", []NIK{n})
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "nik", n, "applicant", Applicant{NIK: n}, "list", []NIK{n})
	require.NotContains(t, buf.String(), digits[6:])
}

// The numeric verbs print neither the digits nor the NIK's number in the
// verb's base, which is what fmt would print for the struct's one field.
func TestAdversarialNIKNumericVerbs(t *testing.T) {
	n := advPrivateNIK(t, 0)
	number, err := strconv.ParseUint(n.Digits(), 10, 64)
	require.NoError(t, err)
	for _, verb := range []string{"%d", "%o", "%b", "%10d"} {
		for _, v := range []any{n, Applicant{NIK: n}, []NIK{n}} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, advPrivateNIKs[0][6:], "%s of %T: %s", verb, v, out)
			require.NotContains(t, out, fmt.Sprintf("%"+verb[len(verb)-1:], number), "%s of %T: %s", verb, v, out)
		}
	}
}
