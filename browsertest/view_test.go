package browsertest

import (
	"regexp"
	"strconv"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// What the page shows, read as a person reads it: visible text, where
// things are on the screen, and what agrees with what.

// pageHelpers are defined in the page for the expressions above: text is
// an element's visible text, or "" when it is missing or not shown.
const pageHelpers = `
window.text = (sel) => {
	const e = document.querySelector(sel);
	return e && e.getClientRects().length ? e.innerText.trim().replace(/\s+/g, " ") : "";
};`

func (p *pageUnderTest) helpers() {
	p.do(chromedp.Evaluate[chromedp.Void](pageHelpers))
}

// waitFor waits for a page expression, with the helpers defined.
func (p *pageUnderTest) waitFor(js, what string) {
	p.t.Helper()
	p.helpers()
	p.browser.waitFor(js, what)
}

// text returns the visible text of sel, whitespace folded.
func (p *pageUnderTest) text(sel string) string {
	p.t.Helper()
	p.helpers()
	return eval[string](p.browser, "text("+strconv.Quote(sel)+")")
}

// visible reports whether sel is on the page and shown (anywhere, not
// necessarily in the viewport).
func (p *pageUnderTest) visible(sel string) bool {
	p.t.Helper()
	return eval[bool](p.browser, `(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); return !!e && e.getClientRects().length > 0; })()`)
}

// cell returns the visible text of the calendar's cell of date.
func (p *pageUnderTest) cell(date string) string {
	p.t.Helper()
	return p.text(`#calendar td[data-date="` + date + `"]`)
}

// rect is an element's box in the viewport, in CSS pixels.
type rect struct {
	Top, Bottom, Left, Right float64
}

func (p *pageUnderTest) rect(sel string) rect {
	p.t.Helper()
	return eval[rect](p.browser, `(() => { const r = document.querySelector(`+strconv.Quote(sel)+`).getBoundingClientRect();
		return {Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right}; })()`)
}

// requireInView fails unless sel's top is on the screen, below nothing
// and above the fold, and as much of it as fits is shown: a result that
// lands below the fold looks as if nothing happened.
func (p *pageUnderTest) requireInView(sel, what string) {
	p.t.Helper()
	r := p.rect(sel)
	height := eval[float64](p.browser, `window.innerHeight`)
	require.GreaterOrEqual(p.t, r.Top, -1.0, "%s is scrolled past (top %v)", what, r.Top)
	require.Less(p.t, r.Top, height, "%s is below the fold (top %v of %v)", what, r.Top, height)
	require.LessOrEqual(p.t, min(r.Bottom, r.Top+height), height+1, "%s is cut off", what)
}

// slot is one slot row as the day panel shows it.
type slot struct {
	Slot, Time, State, Seats string
}

func (p *pageUnderTest) slots() []slot {
	p.t.Helper()
	p.helpers()
	return eval[[]slot](p.browser, `[...document.querySelectorAll("#slots li")].map((li) => ({
		Slot: li.dataset.slot,
		Time: text("#slots li[data-slot='" + li.dataset.slot + "'] .time"),
		State: text("#slots li[data-slot='" + li.dataset.slot + "'] .state"),
		Seats: text("#slots li[data-slot='" + li.dataset.slot + "'] .seats"),
	}))`)
}

// requireSeats checks that the day panel shows date, its slot at start
// with left seats, and that the day's line, the sum of its slots and the
// calendar's cell all count the same seats (the old page showed "7 of
// 10" beside "75 left" after a hold). leftWord and ofWord are the
// language's words for "left" and "of".
func (p *pageUnderTest) requireSeats(date, start string, left int, leftWord, ofWord string) {
	t := p.t
	t.Helper()
	p.waitFor(`document.querySelector("#calendar td.chosen") && document.querySelector("#calendar td.chosen").dataset.date === "`+date+`"`, "the chosen day "+date)
	seatsRE := regexp.MustCompile(`^(\d+) ` + ofWord + ` (\d+) ` + leftWord + `$`)
	sum := 0
	for _, s := range p.slots() {
		m := seatsRE.FindStringSubmatch(s.Seats)
		if m == nil {
			continue // a slot that has started says so instead
		}
		n, _ := strconv.Atoi(m[1])
		sum += n
		if s.Slot == start {
			require.Equal(t, left, n, "slot %s of %s", start, date)
		}
	}
	cellRE := regexp.MustCompile(`\b(\d+) ` + leftWord + `\b`)
	m := cellRE.FindStringSubmatch(p.cell(date))
	require.NotNil(t, m, "the cell of %s counts its seats: %q", date, p.cell(date))
	require.Equal(t, strconv.Itoa(sum), m[1], "the cell of %s and its slots", date)
	dayRE := regexp.MustCompile(`\b(\d+) (kursi tersisa|seats left)\b`)
	m = dayRE.FindStringSubmatch(p.text("#day-state"))
	require.NotNil(t, m, "the day panel counts its seats: %q", p.text("#day-state"))
	require.Equal(t, strconv.Itoa(sum), m[1], "the day panel of %s and its slots", date)
}

// countdown reads the payment countdown, "H:MM:SS" after prefix, in
// seconds.
func (p *pageUnderTest) countdown(prefix string) int {
	p.t.Helper()
	got := p.text("#countdown")
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `(\d+):(\d\d):(\d\d)$`).FindStringSubmatch(got)
	require.NotNil(p.t, m, "countdown %q", got)
	h, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	s, _ := strconv.Atoi(m[3])
	return h*3600 + mm*60 + s
}

// mine returns the visible text of the booking's line in the account's
// list.
func (p *pageUnderTest) mine(code string) string {
	p.t.Helper()
	return p.text(`#bookings li[data-code="` + code + `"]`)
}

// requireZones fails for a time of day on the screen without its zone:
// "08:00" or "08:00–09:00" must be followed by WIB, WITA or WIT. The
// countdown is a duration, not a time of day.
func (p *pageUnderTest) requireZones() {
	p.t.Helper()
	bare := eval[[]string](p.browser, `(() => {
		const hidden = document.querySelector("#countdown");
		const body = document.body.innerText.replace(hidden ? hidden.innerText : "", "");
		return [...body.matchAll(/\b\d\d:\d\d(?:–\d\d:\d\d)?(?![–:\d])(?! (?:WIB|WITA|WIT)\b)/g)].map((m) => body.slice(Math.max(0, m.index - 20), m.index + 20));
	})()`)
	require.Empty(p.t, bare, "times without their zone")
}

// requireProofImage waits until the proof's QR code has loaded, and
// checks that it is shown, square and whole.
func (p *pageUnderTest) requireProofImage() {
	p.t.Helper()
	p.waitFor(`(() => { const i = document.querySelector("#proof-img");
		return !i.hidden && i.complete && i.naturalWidth > 0; })()`, "the proof's QR code to load")
	require.True(p.t, p.visible("#proof-img"))
	size := eval[[]float64](p.browser, `(() => { const i = document.querySelector("#proof-img"); return [i.naturalWidth, i.naturalHeight]; })()`)
	require.Equal(p.t, size[0], size[1], "a QR code is square")
	require.GreaterOrEqual(p.t, size[0], 200.0, "big enough to scan")
}

// selectOffice picks an office in the form, as a person does.
func (p *pageUnderTest) selectOffice(code string) {
	p.t.Helper()
	p.do(
		chromedp.SetValue(chromedp.CSS("#office"), code),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#office").dispatchEvent(new Event("change"))`),
	)
}
