package browsertest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
)

// pageAccount is the account the page asks for by default, which the
// service's Account hook believes.
const pageAccount = "demo@example.com"

// TestHoldLapses lets a hold's countdown run out: the page reads the
// booking and every panel again by itself, and the seat is back.
func TestHoldLapses(t *testing.T) {
	chromium := chromiumPath(t)
	svc := newService(t, serviceOptions{holdTTL: 4 * time.Second})
	p := &pageUnderTest{browser: newBrowser(t, chromium, desktop, screenshotDir(t))}
	p.do(chromedp.Navigate(svc.url))
	p.waitFor(`text("#month-title") === "Desember 2026"`, "the month")
	p.selectOffice(officeMakassar)
	p.waitFor(`text("#today-line").endsWith("WITA")`, "Makassar's clock")
	p.click(`#calendar td[data-date="2026-12-17"] button`)
	p.click(`#slots li[data-slot="09:00"] button`)
	p.do(chromedp.SendKeys(chromedp.CSS("#niks"), nik))
	p.click(`#hold button[type=submit]`)
	p.waitFor(`text("#state") === "Ditahan"`, "the hold")
	require.LessOrEqual(t, p.countdown("Sisa waktu bayar: "), 4)
	p.requireSeats("2026-12-17", "09:00", 9, "sisa", "dari")

	p.waitFor(`text("#state") === "Kedaluwarsa"`, "the hold to lapse, and the page to read it again")
	require.Equal(t, "Kedaluwarsa — tidak dibayar tepat waktu", p.text("#result-heading"))
	require.False(t, p.visible("#countdown"))
	require.False(t, p.visible("#pay"), "nothing to pay any more")
	p.requireSeats("2026-12-17", "09:00", 10, "sisa", "dari")
	require.Contains(t, p.mine(p.text("#code")), "Kedaluwarsa")
	p.screenshot("lapsed")
	p.checkQuiet()
}

// TestCheckIn opens a paid booking from the account's list on its
// arrival day and checks in, on a phone, from a service that draws no
// QR code: the page shows the proof as a token to copy.
func TestCheckIn(t *testing.T) {
	chromium := chromiumPath(t)
	// Thursday 17 December, 08:30 WITA: check-in for the 09:00 slot
	// opened at 08:00.
	svc := newService(t, serviceOptions{start: time.Date(2026, time.December, 17, 8, 30, 0, 0, calendar.Makassar()), noProofImage: true})
	applicant, err := booking.ParseNIK(nik)
	require.NoError(t, err)
	held, err := svc.engine.Hold(t.Context(), booking.HoldRequest{
		Account: pageAccount, Office: officeMakassar, Date: calendar.NewDate(2026, time.December, 17), Slot: "09:00",
		Pool: "online", Applicants: []booking.Applicant{{NIK: applicant}},
	})
	require.NoError(t, err)
	_, err = svc.engine.Pay(t.Context(), held.BillingCode, "TEST-1")
	require.NoError(t, err)

	p := &pageUnderTest{browser: newBrowser(t, chromium, phone, screenshotDir(t))}
	p.do(chromedp.Navigate(svc.url + "?lang=en"))
	p.waitFor(`text("#bookings li[data-code='`+held.Code+`']") !== ""`, "the account's bookings")
	require.Contains(t, p.mine(held.Code), "17 Dec 2026, 09:00–10:00 WITA")
	require.Contains(t, p.mine(held.Code), "Paid")
	p.click(`#bookings li[data-code="` + held.Code + `"] button`)
	p.waitFor(`text("#code") === "`+held.Code+`"`, "the booking")
	p.requireInView("#result-heading", "the booking opened from the list")
	require.Equal(t, "Paid — come at your arrival time", p.text("#result-heading"))
	require.True(t, p.visible("#checkin-go"), "check-in is open")
	require.False(t, p.visible("#cancel"), "too late to cancel on the day")
	require.False(t, p.visible("#reschedule"), "too late to move on the day")
	require.Equal(t, "B-001", p.text("#queue"))
	require.Equal(t, "Tuesday, 22 Dec 2026", p.text("#ready-on"))

	// The proof as text, which the office checks offline with the
	// service's public key.
	p.waitFor(`document.querySelector("#proof-token").value !== ""`, "the proof's token")
	require.False(t, p.visible("#proof-img"), "no image from this service")
	require.True(t, p.visible("#proof-token"))
	require.Equal(t, "Show this code at the office, with every applicant's KTP.", p.text("#proof-hint"))
	token := eval[string](p.browser, `document.querySelector("#proof-token").value`)
	keys, err := svc.engine.ProofKeys(t.Context())
	require.NoError(t, err)
	proof, err := booking.VerifyProof(token, keys[len(keys)-1].Public)
	require.NoError(t, err)
	require.Equal(t, held.Code, proof.Code)
	require.True(t, proof.HasNIK(keys[len(keys)-1].NIKKey, applicant))
	p.click("#proof-copy")
	p.waitFor(`text("#proof-copy") === "Copied"`, "the copy")
	require.Equal(t, token, eval[string](p.browser, `window.getSelection().toString() || document.querySelector("#proof-token").value.substring(document.querySelector("#proof-token").selectionStart, document.querySelector("#proof-token").selectionEnd)`), "the token selected")
	p.requireZones()
	p.screenshot("arrival-day")

	p.click("#checkin-go")
	p.waitFor(`text("#state") === "Checked in"`, "the check-in")
	require.Equal(t, "Checked in", p.text("#result-heading"))
	require.False(t, p.visible("#checkin-go"))
	p.requireInView("#result-heading", "the check-in's result")
	require.Contains(t, p.mine(held.Code), "Checked in")
	require.Equal(t, "B-001", p.text("#queue"), "the number the office calls")
	p.screenshot("checked-in")
	p.checkQuiet()
}

// TestOpeningDraw books in an opening draw: the page says that the day's
// holds are being collected and until when, and that its own waits for
// the draw; a Go client enters the same draw; the test moves the
// service's clock past the window and runs the draw; the page shows its
// place, the one the published draw gives its ticket.
func TestOpeningDraw(t *testing.T) {
	chromium := chromiumPath(t)
	// Friday 18 December, 08:00:05 WITA: Makassar released Monday the
	// 28th five seconds ago, and collects its holds for five minutes.
	opens := time.Date(2026, time.December, 18, 8, 0, 0, 0, calendar.Makassar())
	const window = 5 * time.Minute
	svc := newService(t, serviceOptions{start: opens.Add(5 * time.Second), openingWindow: window})
	entrants := func() int {
		d, err := svc.engine.Draw(t.Context(), officeMakassar, opens)
		require.NoError(t, err)
		return d.Entrants
	}

	p := &pageUnderTest{browser: newBrowser(t, chromium, desktop, screenshotDir(t))}
	p.do(chromedp.Navigate(svc.url + "?lang=en"))
	p.waitFor(`text("#month-title") === "December 2026"`, "the month")
	p.selectOffice(officeMakassar)
	p.waitFor(`text("#today-line").endsWith("WITA")`, "Makassar's clock")
	p.click(`#calendar td[data-date="2026-12-28"] button`)
	p.waitFor(`text("#day-title") === "Monday, 28 December 2026"`, "the day panel")
	require.Equal(t, "Holds for this day are being collected until 08:05 WITA, then drawn in a random order: arriving first gives no advantage.",
		p.text("#day-draw"))
	p.click(`#slots li[data-slot="09:00"] button`)
	p.do(chromedp.SendKeys(chromedp.CSS("#niks"), nik))
	p.click(`#hold button[type=submit]`)
	p.waitFor(`text("#hold-draw") !== ""`, "the hold to wait in the draw")
	require.Equal(t, "Your hold is in the draw. The result comes at 08:05 WITA; keep this page open.", p.text("#hold-draw"))
	require.Eventually(t, func() bool { return entrants() == 1 }, stepTimeout, pollInterval, "the page's hold in the draw")
	p.screenshot("in-the-draw")

	// Another applicant, by a Go client, after the page: ticket 2.
	rival, err := booking.ParseNIK("7371015203900002")
	require.NoError(t, err)
	rivalDone := make(chan error, 1)
	go func() {
		_, err := svc.engine.Hold(t.Context(), booking.HoldRequest{
			Account: "rival@example.com", Office: officeMakassar, Date: calendar.NewDate(2026, time.December, 28), Slot: "09:00",
			Pool: "online", Applicants: []booking.Applicant{{NIK: rival}},
		})
		rivalDone <- err
	}()
	require.Eventually(t, func() bool { return entrants() == 2 }, stepTimeout, pollInterval, "the rival's hold in the draw")
	require.False(t, p.visible("#result"), "no answer before the draw")

	svc.clock.Skip(window)
	n, err := svc.engine.RunDueDraws(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, <-rivalDone)
	d, err := svc.engine.Draw(t.Context(), officeMakassar, opens)
	require.NoError(t, err)
	require.NoError(t, booking.VerifyDraw(d))
	place := slices.Index(d.Order, 1) + 1 // the page's ticket is 1

	p.waitFor(`text("#draw-result") !== ""`, "the draw's answer")
	require.Equal(t, fmt.Sprintf("Draw place %d of 2", place), p.text("#draw-result"))
	require.Equal(t, "Held", p.text("#state"))
	require.False(t, p.visible("#hold-draw"), "no longer waiting")
	p.click("#lang-id")
	p.waitFor(`text("#month-title") === "Desember 2026"`, "Indonesian")
	require.Equal(t, fmt.Sprintf("Urutan undian %d dari 2", place), p.text("#draw-result"))
	p.screenshot("drawn")
	p.checkQuiet()
}
