package kuotahttp

import (
	"encoding/hex"
	"net/http"
	"time"

	"github.com/kuota/kuota/booking"
)

// drawJSON is an opening draw (booking.Draw), for anyone to audit: the
// commitment is published from the start, the seed and the order once
// the window has closed, and booking.VerifyDraw (or any reimplementation
// of the shuffle the booking package documents) recomputes the order from
// the seed and the number of entrants.
type drawJSON struct {
	Office string `json:"office"`
	// Opens and Closes are the window, in the office's zone: the holds
	// that arrive from Opens until Closes entered the draw.
	Opens         time.Time `json:"opens"`
	Closes        time.Time `json:"closes"`
	WindowSeconds float64   `json:"window_seconds"`
	// Commitment is the SHA-256 of the seed, hex.
	Commitment string `json:"commitment"`
	// Drawn reports that the draw has run, or that its window closed
	// with nobody in it: then Seed (hex) is revealed and Order lists the
	// tickets in the order admitted.
	Drawn    bool   `json:"drawn"`
	Seed     string `json:"seed,omitempty"`
	Entrants int    `json:"entrants"`
	Order    []int  `json:"order"`
}

func newDrawJSON(d *booking.Draw) drawJSON {
	out := drawJSON{
		Office:        d.Office,
		Opens:         d.Opens,
		Closes:        d.Closes,
		WindowSeconds: d.Closes.Sub(d.Opens).Seconds(),
		Commitment:    hex.EncodeToString(d.Commitment[:]),
		Drawn:         d.Drawn,
		Seed:          hex.EncodeToString(d.Seed),
		Entrants:      d.Entrants,
		Order:         d.Order,
	}
	if out.Order == nil {
		out.Order = []int{}
	}
	return out
}

// draw serves GET /offices/{office}/draws/{opens}: the opening draw of
// the office's release at opens, an RFC 3339 instant (a day's "opens").
// It is public, whatever Options.PublicCalendar says: a draw is fair only
// if anyone may check it, and it names nobody — tickets are numbers.
// The order lists at most booking.DrawEntrantsMax tickets.
func (h *Handler) draw(c *call) error {
	opens, err := time.Parse(time.RFC3339, c.r.PathValue("opens"))
	if err != nil {
		return &inputError{param: "opens", detail: "want an instant as RFC 3339, such as 2026-11-01T08:00:00+07:00", err: ErrBadParameter}
	}
	d, err := h.engine.Draw(c.r.Context(), c.r.PathValue("office"), opens)
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, newDrawJSON(&d))
	return nil
}
