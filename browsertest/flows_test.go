package browsertest

import (
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
// arrival day and checks in, on a phone.
func TestCheckIn(t *testing.T) {
	chromium := chromiumPath(t)
	// Thursday 17 December, 08:30 WITA: check-in for the 09:00 slot
	// opened at 08:00.
	svc := newService(t, serviceOptions{start: time.Date(2026, time.December, 17, 8, 30, 0, 0, calendar.Makassar())})
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
	p.requireZones()
	p.screenshot("arrival-day")

	p.click("#checkin-go")
	p.waitFor(`text("#state") === "Checked in"`, "the check-in")
	require.Equal(t, "Checked in", p.text("#result-heading"))
	require.False(t, p.visible("#checkin-go"))
	p.requireInView("#result-heading", "the check-in's result")
	require.Contains(t, p.mine(held.Code), "Checked in")
	p.screenshot("checked-in")
	p.checkQuiet()
}
