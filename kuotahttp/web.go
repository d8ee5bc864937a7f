package kuotahttp

import (
	"embed"
	"net/http"
	"path"
)

// webFiles is the calendar page: index.html, app.js and style.css,
// embedded so that a service's binary is the whole service. The page
// loads nothing from elsewhere (the machines it runs on may have no
// internet) and uses only the public API, as any other client would, by
// paths relative to its own: mounted under a prefix, it calls the API
// under the same prefix.
//
//go:embed web
var webFiles embed.FS

// page serves the page at GET /.
func (h *Handler) page(c *call) error {
	http.ServeFileFS(c.w, c.r, webFiles, "web/index.html")
	return nil
}

// pageFile serves the page's script and style, GET /web/app.js and
// /web/style.css: each route names its file, so that any other path is
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
}

// pageConfig serves GET /web/config.json.
func (h *Handler) pageConfig(c *call) error {
	writeJSON(c.w, http.StatusOK, pageConfigJSON{
		AccountHeader:  h.o.PageAccountHeader,
		PayURL:         h.o.PagePayURL,
		PublicCalendar: h.o.PublicCalendar,
	})
	return nil
}
