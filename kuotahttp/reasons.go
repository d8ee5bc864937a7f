package kuotahttp

import (
	"encoding/json"
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
	Kind string `json:"kind"`
	Text string `json:"text,omitempty"`
}

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

// reasonKindName returns the wire name of k. A kind this table does not
// list is written as its String in the wire form: TestReasonKindNames
// fails should booking add a kind and the table not follow, but a
// response must not fail over it.
func reasonKindName(k booking.ReasonKind) string {
	for _, n := range reasonKindNames {
		if n.kind == k {
			return n.name
		}
	}
	return wireName(k.String())
}

// parseReasonKind returns the kind a wire name names.
func parseReasonKind(name string) (booking.ReasonKind, error) {
	for _, n := range reasonKindNames {
		if n.name == name {
			return n.kind, nil
		}
	}
	names := make([]string, len(reasonKindNames))
	for i, n := range reasonKindNames {
		names[i] = n.name
	}
	// The kind is not quoted back: it is the client's text, and the list
	// of valid ones says enough.
	return 0, fmt.Errorf("%w: kind must be one of %s", booking.ErrBadReason, strings.Join(names, ", "))
}

// newReasonJSON returns r for output, or nil when it gives none.
func newReasonJSON(r booking.Reason) *reasonJSON {
	if r.Kind == booking.ReasonNone {
		return nil
	}
	return &reasonJSON{Kind: reasonKindName(r.Kind), Text: r.Text}
}

// reasonBody is the body of a cancellation, where it and its reason are
// optional, and of a rejection, where the reason is required. The reason
// is decoded on its own, so that a refusal inside it names its member
// from the root: "/reason/kind".
type reasonBody struct {
	Reason json.RawMessage `json:"reason"`
}

// reason returns the body's reason as the engine takes it: none when the
// body or its reason is absent or null. A reason without a kind goes to
// the engine as it is, for the engine to judge: it refuses a rejection
// without a kind, and words without a kind.
func (b *reasonBody) reason() (booking.Reason, error) {
	if len(b.Reason) == 0 || string(b.Reason) == "null" {
		return booking.Reason{}, nil
	}
	var r reasonJSON
	if err := decodeJSON(b.Reason, &r, false, "/reason"); err != nil {
		return booking.Reason{}, err
	}
	var kind booking.ReasonKind
	if r.Kind != "" {
		k, err := parseReasonKind(r.Kind)
		if err != nil {
			return booking.Reason{}, &inputError{pointer: "/reason/kind", err: err}
		}
		kind = k
	}
	return booking.Reason{Kind: kind, Text: r.Text}, nil
}
