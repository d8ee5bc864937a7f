package kuotahttp

import (
	"fmt"
	"strings"

	"github.com/kuota/kuota/booking"
)

// reasonJSON is why a booking was cancelled or rejected, in a request
// body and in a booking's history:
//
//	{"kind": "prevention-list", "text": "listed by the Directorate General"}
//
// Kind is one of reasonKindNames; Text is optional words for people
// (booking.ReasonBytesMax bytes at most).
type reasonJSON struct {
	Kind reasonKind `json:"kind"`
	Text string     `json:"text,omitempty"`
}

// reasonKind is booking.ReasonKind under this API's names. A kind that is
// not one of them is refused while decoding, with booking.ErrBadReason.
type reasonKind booking.ReasonKind

// reasonKindNames are the wire names of the kinds. They are this API's
// contract, kept apart from booking.ReasonKind.String, which is for
// people ("non-procedural migrant worker") and may change.
var reasonKindNames = []struct {
	kind booking.ReasonKind
	name string
}{
	{booking.ReasonPreventionList, "prevention-list"},
	{booking.ReasonMigrantWorker, "migrant-worker"},
	{booking.ReasonInvalidData, "invalid-data"},
	{booking.ReasonOther, "other"},
}

// reasonKindUnknown is what a kind this table does not list is written
// as: TestReasonKindNames fails should booking add a kind and the table
// not follow, but a response must not fail over it.
const reasonKindUnknown = "unknown"

func (k reasonKind) MarshalText() ([]byte, error) {
	for _, n := range reasonKindNames {
		if n.kind == booking.ReasonKind(k) {
			return []byte(n.name), nil
		}
	}
	return []byte(reasonKindUnknown), nil
}

func (k *reasonKind) UnmarshalText(text []byte) error {
	for _, n := range reasonKindNames {
		if n.name == string(text) {
			*k = reasonKind(n.kind)
			return nil
		}
	}
	names := make([]string, len(reasonKindNames))
	for i, n := range reasonKindNames {
		names[i] = n.name
	}
	// The kind is not quoted back: it is the client's text, and the list
	// of valid ones says enough.
	return fmt.Errorf("%w: kind must be one of %s", booking.ErrBadReason, strings.Join(names, ", "))
}

// reason returns r as the engine takes it; nil is no reason.
func (r *reasonJSON) reason() booking.Reason {
	if r == nil {
		return booking.Reason{}
	}
	return booking.Reason{Kind: booking.ReasonKind(r.Kind), Text: r.Text}
}

// newReasonJSON returns r for output, or nil when it gives none.
func newReasonJSON(r booking.Reason) *reasonJSON {
	if r.Kind == booking.ReasonNone {
		return nil
	}
	return &reasonJSON{Kind: reasonKind(r.Kind), Text: r.Text}
}

// reasonBody is the body of POST /api/bookings/{code}/cancel, where it
// and its reason are optional, and of …/reject, where the reason is
// required.
type reasonBody struct {
	Reason *reasonJSON `json:"reason"`
}
