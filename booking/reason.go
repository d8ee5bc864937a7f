package booking

import (
	"fmt"

	"github.com/kuota/kuota/internal/label"
)

// ReasonKind says why an office rejected a booking, or why one was
// cancelled, in terms a service can act on (count, translate, route).
type ReasonKind uint8

const (
	// ReasonNone: no reason given. A cancellation may give none; a
	// rejection must give one.
	ReasonNone ReasonKind = iota
	// ReasonPreventionList: an applicant is on the immigration prevention
	// list (daftar cegah dan tangkal).
	ReasonPreventionList
	// ReasonMigrantWorker: the office judged an applicant a prospective
	// non-procedural migrant worker (PMI non-prosedural), travelling to
	// work abroad outside the legal placement channels.
	ReasonMigrantWorker
	// ReasonInvalidData: an applicant's data or documents do not match,
	// or are not valid.
	ReasonInvalidData
	// ReasonOther: anything else; say what in the text.
	ReasonOther

	reasonKindMax = ReasonOther
)

var reasonKindNames = [...]string{
	ReasonNone:           "none",
	ReasonPreventionList: "prevention list",
	ReasonMigrantWorker:  "non-procedural migrant worker",
	ReasonInvalidData:    "invalid data",
	ReasonOther:          "other",
}

// String returns the kind in lower case words.
func (k ReasonKind) String() string {
	if k <= reasonKindMax {
		return reasonKindNames[k]
	}
	return fmt.Sprintf("ReasonKind(%d)", uint8(k))
}

// Reason is why a booking was rejected or cancelled: a kind, and optional
// words for people (at most ReasonBytesMax bytes of printable UTF-8). It
// is kept in the booking's history ([Event.Reason]). A rejection keeps the
// payment on record and refunds nothing: the reason is an account of the
// office's decision, not a settlement.
type Reason struct {
	Kind ReasonKind
	Text string
}

// check validates r; required says whether a kind must be given.
func (r Reason) check(required bool) error {
	switch {
	case r.Kind > reasonKindMax:
		return fmt.Errorf("%w: kind %d", ErrBadReason, r.Kind)
	case required && r.Kind == ReasonNone:
		return fmt.Errorf("%w: a rejection needs a kind", ErrBadReason)
	case r.Kind == ReasonNone && r.Text != "":
		return fmt.Errorf("%w: text without a kind", ErrBadReason)
	}
	if err := label.CheckOptional(r.Text, ReasonBytesMax); err != nil {
		return fmt.Errorf("%w: text: %w", ErrBadReason, err)
	}
	return nil
}
