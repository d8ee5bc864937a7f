package kuotahttp

import (
	"embed"
	"net/http"
	"path"
	"time"
)

// webFiles is the calendar page: index.html, app.js, strings.js (its
// words in Indonesian and English) and style.css, embedded so that a
// service's binary is the whole service. The page loads nothing from
// elsewhere (the machines it runs on may have no internet) and uses only
// the public API, as any other client would, by paths relative to its
// own: mounted under a prefix, it calls the API under the same prefix.
//
// The page takes the date and the time from the server (config.json's
// now, the offices' zone_offset) and shows every time of day on the
// office's clock with the office's zone (zone_abbr), never the
// browser's: an applicant abroad, or with a wrong clock, sees the
// office's today and the office's 08:00. The browser tests in the nested
// module browsertest drive it in Chromium.
//
//go:embed web
var webFiles embed.FS

// page serves the page at GET /.
func (h *Handler) page(c *call) error {
	http.ServeFileFS(c.w, c.r, webFiles, "web/index.html")
	return nil
}

// pageFile serves the page's scripts and style, GET /web/app.js,
// /web/strings.js and /web/style.css: each route names its file, so that any other path is
// the handler's JSON 404 rather than a file server's plain-text one.
func (h *Handler) pageFile(c *call) error {
	http.ServeFileFS(c.w, c.r, webFiles, path.Join("web", path.Base(c.r.URL.Path)))
	return nil
}

// pageConfigJSON tells the page what the service's options say about it.
type pageConfigJSON struct {
	// AccountHeader is Options.PageAccountHeader: the header the page
	// sends the account it asks for in, or "" to send none.
	AccountHeader string `json:"account_header,omitempty"`
	// PayURL is Options.PagePayURL: where the Pay button posts, or ""
	// for no button.
	PayURL string `json:"pay_url,omitempty"`
	// PublicCalendar is Options.PublicCalendar: whether the calendar
	// answers before the visitor signs in.
	PublicCalendar bool `json:"public_calendar"`
	// Now is the handler's clock (Options.Now) as the page loads, in UTC.
	// The page takes today, the past and a hold's countdown from it and
	// never from the browser's clock, which may be wrong or in another
	// zone; the office's own date is this instant in the office's zone.
	Now time.Time `json:"now"`
	// ProofImage reports that Options.ProofImage is set: the page shows
	// a booking's proof as the image GET /bookings/{code}/proof/image
	// draws, and otherwise its token as text.
	ProofImage bool `json:"proof_image"`
	// ReschedulesMax is the engine's policy: how often a booking may be
	// rescheduled, so that the page offers no move the engine refuses.
	ReschedulesMax int `json:"reschedules_max"`
}

// pageConfig serves GET /web/config.json.
func (h *Handler) pageConfig(c *call) error {
	writeJSON(c.w, http.StatusOK, pageConfigJSON{
		AccountHeader:  h.o.PageAccountHeader,
		PayURL:         h.o.PagePayURL,
		PublicCalendar: h.o.PublicCalendar,
		ProofImage:     h.o.ProofImage != nil,
		Now:            c.now.UTC(),
		ReschedulesMax: h.engine.Policy().ReschedulesMax,
	})
	return nil
}
