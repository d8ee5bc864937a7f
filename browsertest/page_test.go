package browsertest

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
)

// nik is the applicant's NIK, as a person types it; badNIK is one that a
// person mistypes.
const (
	nik    = "3171010101900001"
	badNIK = "31710101"
)

// TestBookingFlow books, pays, reschedules and cancels through the page,
// at a desktop's size and a phone's, and asserts at each step what a
// person sees: the words on the screen, where the panels are, and that
// every panel agrees with every other after every action.
func TestBookingFlow(t *testing.T) {
	chromium := chromiumPath(t)
	_, err := booking.ParseNIK(nik)
	require.NoError(t, err, "the test's NIK")
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			svc := newService(t, serviceOptions{})
			p := &pageUnderTest{browser: newBrowser(t, chromium, vp, screenshotDir(t))}
			p.do(chromedp.Navigate(svc.url))
			p.stringsComplete()
			p.monthAndToday()
			p.dayStates()
			p.chooseDay()
			p.hold()
			p.pay()
			p.english()
			p.monthNavigation()
			p.reschedule()
			p.cancel()
			p.checkQuiet()
		})
	}
}

// pageUnderTest is the page in one browser, with the steps of the flow.
type pageUnderTest struct {
	*browser
	code string // the booking's code, once held
}

// stringsComplete: every word of the page is in both languages, of the
// same kind (a string, a list of as many, a table of the same keys).
func (p *pageUnderTest) stringsComplete() {
	p.waitFor(`typeof STRINGS === "object"`, "the strings")
	require.Empty(p.t, eval[[]string](p.browser, `(() => {
		const missing = [];
		const walk = (a, b, path) => {
			for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
				const x = a[k], y = b[k];
				if (typeof x !== typeof y || Array.isArray(x) !== Array.isArray(y) || (Array.isArray(x) && x.length !== y.length)) missing.push(path + k);
				else if (typeof x === "object" && !Array.isArray(x)) walk(x, y, path + k + ".");
				else if (typeof x === "string" && (x.match(/\{\w+\}/g) || []).sort().join() !== (y.match(/\{\w+\}/g) || []).sort().join()) missing.push(path + k + " placeholders");
			}
		};
		walk(STRINGS.id, STRINGS.en, "");
		return missing;
	})()`), "strings in one language and not the other")
}

// monthAndToday: the month is the server's, not the browser's; today is
// marked; the clock is the office's, with its zone.
func (p *pageUnderTest) monthAndToday() {
	t := p.t
	p.waitFor(`text("#month-title") === "Desember 2026"`, "the month of the server's today")
	require.Equal(t, "id", eval[string](p.browser, `document.documentElement.lang`))
	// The first office is Jakarta's: WIB.
	require.Regexp(t, `^Hari ini di kantor ini: Senin, 14 Desember 2026, pukul 08:3\d WIB$`, p.text("#today-line"))
	p.selectOffice(officeMakassar)
	p.waitFor(`text("#today-line").endsWith("WITA")`, "Makassar's clock")
	require.Regexp(t, `^Hari ini di kantor ini: Senin, 14 Desember 2026, pukul 09:3\d WITA$`, p.text("#today-line"))

	require.Equal(t, []string{"2026-12-14"}, eval[[]string](p.browser, `[...document.querySelectorAll("#calendar td.today")].map((td) => td.dataset.date)`))
	require.Contains(t, p.cell("2026-12-14"), "Hari ini")
	require.True(t, p.visible(`#calendar td.today .today-mark`), "the today marker is shown, not only coloured")
	require.Equal(t, "date", eval[string](p.browser, `document.querySelector("#calendar td.today button").getAttribute("aria-current")`))
	// Nothing is chosen yet, so nothing is highlighted as chosen.
	require.Zero(t, eval[int](p.browser, `document.querySelectorAll("#calendar td.chosen").length`))
	require.True(t, eval[bool](p.browser, `document.querySelector("#prev").disabled`), "no month before today's")
	p.screenshot("month")
}

// dayStates: each day says its state in words, with the seats left only
// where there are seats to book, the holiday's name, and when a yellow
// day opens.
func (p *pageUnderTest) dayStates() {
	t := p.t
	for _, tt := range []struct {
		date  string
		want  []string
		wide  []string // shown in the cell on a desktop; on a phone, below the calendar or in the day panel
		never []string
	}{
		{date: "2026-12-11", want: []string{"Lewat"}, never: []string{"sisa"}},
		{date: "2026-12-12", want: []string{"Lewat"}, never: []string{"sisa"}},
		{date: "2026-12-19", want: []string{"Tutup"}, never: []string{"sisa"}},
		// Today at 09:30: the 08:00 and 09:00 slots have started.
		{date: "2026-12-14", want: []string{"Tersedia", fmt.Sprintf("%d sisa", (slotsPerDay-2)*onlineSeats)}},
		{date: "2026-12-15", want: []string{"Tersedia", fmt.Sprintf("%d sisa", slotsPerDay*onlineSeats)}},
		{date: "2026-12-24", want: []string{"Libur"}, wide: []string{"Cuti Bersama Hari Raya Natal"}, never: []string{"sisa"}},
		{date: "2026-12-25", want: []string{"Libur"}, wide: []string{"Hari Raya Natal"}, never: []string{"sisa"}},
		{date: "2026-12-28", want: []string{"Belum dibuka"}, wide: []string{"buka 18 Des 08:00 WITA"}, never: []string{"sisa"}},
	} {
		got := p.cell(tt.date)
		want := tt.want
		if !p.vp.phone {
			want = append(want, tt.wide...)
		}
		for _, w := range want {
			require.Contains(t, got, w, "the cell of %s", tt.date)
		}
		for _, w := range tt.never {
			require.NotContains(t, got, w, "the cell of %s", tt.date)
		}
	}
	// Every day says its state in words; only a green day counts seats
	// (the old page said "0 left" on weekends, holidays and past days).
	require.Empty(t, eval[[]string](p.browser, `[...document.querySelectorAll("#calendar td.day")]
		.filter((td) => !text("#calendar td[data-date='" + td.dataset.date + "'] .state") ||
			(!td.classList.contains("green") && /sisa/.test(td.innerText)))
		.map((td) => td.dataset.date)`), "days without a state in words, or with seats they do not offer")
	// The holidays' names are on the screen at every width, without hover.
	holidays := p.text("#holidays")
	require.Contains(t, holidays, "24 Des Cuti Bersama Hari Raya Natal")
	require.Contains(t, holidays, "25 Des Hari Raya Natal")
}

// chooseDay: the chosen day is highlighted, its slots are beside the
// calendar on a desktop and below it on a phone, each time with the
// office's zone.
func (p *pageUnderTest) chooseDay() {
	t := p.t
	// Today's first two slots have started: they say so, and count no
	// seats.
	p.click(`#calendar td[data-date="2026-12-14"] button`)
	p.waitFor(`text("#day-title") === "Senin, 14 Desember 2026"`, "today's day panel")
	for i, s := range p.slots() {
		if i < 2 {
			require.Equal(t, slot{Slot: s.Slot, Time: s.Time, State: "Lewat"}, s)
		} else {
			require.Equal(t, "Tersedia", s.State, s.Time)
		}
	}

	p.click(`#calendar td[data-date="2026-12-17"] button`)
	p.waitFor(`text("#day-title") === "Kamis, 17 Desember 2026"`, "the day panel")
	require.Equal(t, []string{"2026-12-17"}, eval[[]string](p.browser, `[...document.querySelectorAll("#calendar td.chosen")].map((td) => td.dataset.date)`))
	require.Equal(t, "true", eval[string](p.browser, `document.querySelector("#calendar td.chosen button").getAttribute("aria-pressed")`))

	cal, day := p.rect("#cal-panel"), p.rect("#day")
	if p.vp.phone {
		require.GreaterOrEqual(t, day.Top, cal.Bottom-1, "on a phone the slots are below the calendar")
		p.requireInView("#day", "the day panel, once chosen")
	} else {
		require.GreaterOrEqual(t, day.Left, cal.Right-1, "on a desktop the slots are beside the calendar")
		require.Less(t, day.Top, cal.Bottom, "beside, not below")
	}
	require.Equal(t, "Tersedia — 80 kursi tersisa pada hari ini", p.text("#day-state"))
	slots := p.slots()
	require.Len(t, slots, slotsPerDay)
	for _, s := range slots {
		require.Regexp(t, `^\d\d:\d\d–\d\d:\d\d WITA$`, s.Time)
		require.Equal(t, "10 dari 10 sisa", s.Seats, s.Time)
	}
	p.screenshot("day")
}

// hold: a mistyped NIK is refused in words the person reads; then the
// hold's result comes into view, its heading says what its state says,
// the countdown counts down, and every panel counts the seat it took.
func (p *pageUnderTest) hold() {
	t := p.t
	p.click(`#slots li[data-slot="09:00"] button`)
	p.waitFor(`text("#hold-title") === "Tahan 17 Des 2026, 09:00–10:00 WITA"`, "the hold form")
	p.requireInView("#hold", "the hold form")
	require.Contains(t, p.cell("2026-12-17"), "80 sisa")

	p.do(chromedp.SendKeys(chromedp.CSS("#niks"), badNIK))
	p.click(`#hold button[type=submit]`)
	p.waitFor(`text("#error-text") !== ""`, "the refusal")
	require.Equal(t, "NIK harus 16 angka yang valid.", p.text("#error-text"))
	p.requireInView("#error", "the refusal")
	p.screenshot("refused")
	p.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#niks").value = ""`))
	p.do(chromedp.SendKeys(chromedp.CSS("#niks"), nik))
	p.click(`#hold button[type=submit]`)

	p.waitFor(`text("#result-heading") !== ""`, "the booking")
	require.False(t, p.visible("#error"), "the refusal is gone")
	require.Equal(t, "Ditahan — bayar sebelum batas waktu", p.text("#result-heading"))
	require.Equal(t, "Ditahan", p.text("#state"))
	p.requireInView("#result-heading", "the hold's result")
	p.code = p.text("#code")
	require.Regexp(t, `^[0-9A-Z]{10}$`, p.code)

	require.Regexp(t, `^14 Des 2026 11:3\d WITA$`, p.text("#payby"))
	require.Equal(t, "Kamis, 17 Desember 2026, 09:00–10:00 WITA (online)", p.text("#arrival"))
	require.Equal(t, "17 Des 2026 08:00 WITA sampai 10:00 WITA", p.text("#checkin"))
	require.Equal(t, "16 Des 2026 00:00 WITA", p.text("#cancelby"))
	// Thursday's passport is ready three service days later: Friday,
	// Monday, Tuesday.
	require.Equal(t, "Selasa, 22 Des 2026", p.text("#ready-on"))
	require.Contains(t, p.text("#result"), "Paspor siap diambil Selasa, 22 Des 2026")
	require.False(t, p.visible("#ticket"), "no queue number before payment")
	require.False(t, p.visible("#proof"), "no proof before payment")
	p.requireZones()

	first := p.countdown("Sisa waktu bayar: ")
	require.InDelta(t, 2*3600, first, 60, "two hours to pay")
	p.waitFor(`text("#countdown") !== `+strconv.Quote(p.text("#countdown")), "the countdown to move")
	require.Less(t, p.countdown("Sisa waktu bayar: "), first, "the countdown counts down")

	p.requireSeats("2026-12-17", "09:00", 9, "sisa", "dari")
	require.Contains(t, p.mine(p.code), "Ditahan")
	p.screenshot("held")
}

// pay: the heading follows the state (the old page kept "Held — pay
// before the deadline" above "State paid").
func (p *pageUnderTest) pay() {
	t := p.t
	p.click("#pay")
	p.waitFor(`text("#state") === "Lunas"`, "the payment")
	require.Equal(t, "Lunas — datang sesuai jadwal", p.text("#result-heading"))
	require.False(t, p.visible("#countdown"), "no countdown once paid")
	require.False(t, p.visible("#payby"), "no payment deadline once paid")
	require.NotContains(t, p.text("#result"), "Ditahan")
	// The queue number, as the office's screen will call it, large.
	require.True(t, p.visible("#ticket"))
	require.Equal(t, "B-001", p.text("#queue"))
	require.Equal(t, "17 Des 2026, 09:00–10:00 WITA", p.text("#ticket-when"))
	require.Greater(t, eval[float64](p.browser, `parseFloat(getComputedStyle(document.querySelector("#queue")).fontSize)`), 30.0, "large, like a ticket")
	require.Equal(t, "Selasa, 22 Des 2026", p.text("#ready-on"))
	p.requireProofImage()
	require.Equal(t, "Tunjukkan kode QR ini di pintu kantor, bersama KTP setiap pemohon.", p.text("#proof-hint"))
	require.False(t, p.visible("#proof-text"), "the image, not the token")
	p.requireInView("#result-heading", "the payment's result")
	require.Contains(t, p.mine(p.code), "Lunas")
	p.requireSeats("2026-12-17", "09:00", 9, "sisa", "dari")
	p.requireZones()
	p.screenshot("paid")
}

// english: the language switch changes every label, and every panel
// keeps what it shows.
func (p *pageUnderTest) english() {
	t := p.t
	p.click("#lang-en")
	p.waitFor(`text("#month-title") === "December 2026"`, "English")
	require.Equal(t, "en", eval[string](p.browser, `document.documentElement.lang`))
	require.Equal(t, "Book an arrival slot", p.text("#title"))
	require.Equal(t, "Paid — come at your arrival time", p.text("#result-heading"))
	require.Equal(t, "Paid", p.text("#state"))
	require.Equal(t, "Thursday, 17 December 2026", p.text("#day-title"))
	require.Regexp(t, `^Today at this office: Monday, 14 December 2026, 09:3\d WITA$`, p.text("#today-line"))
	require.Contains(t, p.cell("2026-12-15"), "Available")
	require.Contains(t, p.cell("2026-12-17"), "79 left")
	require.Contains(t, p.mine(p.code), "Paid")
	require.Equal(t, "Pay", eval[string](p.browser, `document.querySelector("#pay").textContent`))
	require.Contains(t, p.text("#result"), "Passport ready for collection Tuesday, 22 Dec 2026")
	require.Equal(t, "Show this QR code at the office's door, with every applicant's KTP.", p.text("#proof-hint"))
	require.Equal(t, "QR code of the proof of booking "+p.code, eval[string](p.browser, `document.querySelector("#proof-img").alt`))
	p.requireSeats("2026-12-17", "09:00", 9, "left", "of")
	p.screenshot("english")
}

// monthNavigation: forward to January, whose days wait for the year's
// holiday data and say so, and back.
func (p *pageUnderTest) monthNavigation() {
	t := p.t
	p.click("#next")
	p.waitFor(`text("#month-title") === "January 2027"`, "January")
	require.False(t, eval[bool](p.browser, `document.querySelector("#prev").disabled`))
	require.Contains(t, p.text("#coverage"), "The holidays of 2027 are not set for this office yet")
	require.Contains(t, p.cell("2027-01-05"), "Not open yet")
	if !p.vp.phone {
		require.Contains(t, p.cell("2027-01-05"), "no holiday data for 2027 yet")
	}
	// New Year's Day waits too: without the decree it is not known to be
	// a holiday, so it is never green by mistake.
	require.Contains(t, p.cell("2027-01-01"), "Not open yet")
	require.Empty(t, eval[[]string](p.browser, `[...document.querySelectorAll("#calendar td.today, #calendar td.green")].map((td) => td.dataset.date)`))
	p.click(`#calendar td[data-date="2027-01-05"] button`)
	p.waitFor(`text("#day-title") === "Tuesday, 5 January 2027"`, "the day panel of 5 January")
	require.Equal(t, "Not open yet — no holiday data for 2027 yet", p.text("#day-state"))
	require.Zero(t, eval[int](p.browser, `document.querySelectorAll("#slots button").length`), "nothing to choose")
	p.screenshot("january")

	p.click("#prev")
	p.waitFor(`text("#month-title") === "December 2026"`, "back to December")
	require.True(t, eval[bool](p.browser, `document.querySelector("#prev").disabled`))
	require.Equal(t, []string{"2026-12-14"}, eval[[]string](p.browser, `[...document.querySelectorAll("#calendar td.today")].map((td) => td.dataset.date)`))
}

// reschedule moves the paid booking to the 18th: both days' counts
// follow, and the result comes into view again.
func (p *pageUnderTest) reschedule() {
	t := p.t
	qr := eval[string](p.browser, `document.querySelector("#proof-img").src`)
	p.click("#reschedule")
	p.waitFor(`text("#moving") === "Pick a new date and time for `+p.code+`."`, "the move to start")
	p.requireInView("#moving", "the move's notice, above the calendar")
	p.click(`#calendar td[data-date="2026-12-18"] button`)
	p.waitFor(`text("#day-title") === "Friday, 18 December 2026"`, "the day panel of the 18th")
	p.click(`#slots li[data-slot="10:00"] button`)
	p.waitFor(`text("#move-title") === "Move `+p.code+` to 18 Dec 2026, 10:00–11:00 WITA"`, "the move form")
	require.False(t, p.visible("#hold"), "a move, not a new hold")
	p.requireInView("#move", "the move form")
	p.click("#move-go")

	p.waitFor(`text("#arrival").startsWith("Friday")`, "the move")
	require.Equal(t, "Friday, 18 December 2026, 10:00–11:00 WITA (online)", p.text("#arrival"))
	require.Equal(t, "Paid — come at your arrival time", p.text("#result-heading"))
	require.False(t, p.visible("#reschedule"), "moved once: M-Paspor allows no second move")
	require.False(t, p.visible("#moving"))
	// A new slot, a new queue number, a new proof; and the passport is
	// ready a day later.
	require.Equal(t, "C-001", p.text("#queue"))
	require.Equal(t, "Wednesday, 23 Dec 2026", p.text("#ready-on"))
	p.waitFor(`document.querySelector("#proof-img").src !== `+strconv.Quote(qr), "the new proof's QR code")
	p.requireProofImage()
	p.requireInView("#result-heading", "the move's result")
	require.Contains(t, p.cell("2026-12-17"), "80 left", "the old day has its seat back")
	p.requireSeats("2026-12-18", "10:00", 9, "left", "of")
	p.requireZones()
	p.screenshot("moved")
}

// cancel cancels, after a confirmation, and every panel gives the seat
// back.
func (p *pageUnderTest) cancel() {
	t := p.t
	p.click("#cancel")
	p.waitFor(`!document.querySelector("#cancel-confirm").hidden`, "the confirmation")
	p.click("#cancel-yes")
	p.waitFor(`text("#state") === "Cancelled"`, "the cancellation")
	require.Equal(t, "Cancelled", p.text("#result-heading"))
	p.requireInView("#result-heading", "the cancellation's result")
	require.False(t, p.visible("#cancel"))
	require.False(t, p.visible("#pay"))
	require.False(t, p.visible("#ticket"), "nobody is called for a cancelled booking")
	require.False(t, p.visible("#proof"), "nor let in with its proof")
	require.False(t, p.visible("#ready-on"), "nor served")
	require.Contains(t, p.mine(p.code), "Cancelled")
	p.requireSeats("2026-12-18", "10:00", 10, "left", "of")
	p.screenshot("cancelled")

	p.click("#lang-id")
	p.waitFor(`text("#month-title") === "Desember 2026"`, "Indonesian again")
	require.Equal(t, "Dibatalkan", p.text("#result-heading"))
	require.Contains(t, p.cell("2026-12-18"), "80 sisa")
}
