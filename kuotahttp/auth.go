package kuotahttp

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/kuota/kuota/booking"
)

// access says who may use a route.
type access uint8

const (
	// anyone: the calendar page's files, which hold nothing.
	anyone access = iota
	// calendarReader: the offices and calendars; an account, unless
	// Options.PublicCalendar.
	calendarReader
	// accountHolder: an account, from Options.Account.
	accountHolder
	// operator: office staff, from Options.Operator.
	operator
	// paymentChannel: a callback signed with Options.PaymentSecret.
	paymentChannel
)

// admit lets a request in, or says why not, in this order: the client
// address's rate limit (cheapest, and before anything a flood could make
// expensive), the body (bounded), who is asking, and the account's rate
// limit.
//
// A payment callback skips the address's limit: the payment channel is
// one address calling for everyone who pays, and a callback is
// authenticated by its signature. Its failed signatures count against
// the address's misses instead, as failed code lookups do.
func (h *Handler) admit(c *call) error {
	if c.rt.access == paymentChannel {
		if wait := h.misses.wait(c.addr, c.now); wait > 0 {
			return &rateError{wait: wait, limit: "this address after failed signatures"}
		}
	} else if wait := h.byAddress.allow(c.addr, c.now); wait > 0 {
		return &rateError{wait: wait, limit: "this address"}
	}
	if c.r.Method == http.MethodPost || c.r.Method == http.MethodPut {
		body, err := readBody(c.w, c.r, h.o.BodyBytesMax)
		if err != nil {
			return err
		}
		c.body = body
	}
	switch c.rt.access {
	case calendarReader:
		if h.o.PublicCalendar {
			return nil
		}
		return h.authenticateAccount(c)
	case accountHolder:
		return h.authenticateAccount(c)
	case operator:
		name, err := identify(h.o.Operator, c.r)
		c.operator = name
		return err
	case paymentChannel:
		err := verifyPayment(h.o.PaymentSecret, h.o.PaymentSkew, c.r, c.body, c.now)
		if err != nil && !errors.Is(err, ErrPaymentsDisabled) {
			h.misses.allow(c.addr, c.now)
		}
		return err
	}
	return nil
}

// authenticateAccount sets c.account from the Account hook and takes a
// token of the account's rate limit.
func (h *Handler) authenticateAccount(c *call) error {
	account, err := identify(h.o.Account, c.r)
	if err != nil {
		return err
	}
	c.account = account
	if wait := h.byAccount.allow(account, c.now); wait > 0 {
		return &rateError{wait: wait, limit: "this account"}
	}
	return nil
}

// identify asks hook who r comes from: ErrForbidden without a hook, or
// when the hook says so; ErrUnauthenticated for any other error or no
// name. The hook's own error is not passed on: its words are the
// service's business (a token's claims, a database's error), not the
// client's.
func identify(hook func(*http.Request) (string, error), r *http.Request) (string, error) {
	if hook == nil {
		return "", fmt.Errorf("%w: this service lets nobody in here", ErrForbidden)
	}
	name, err := hook(r)
	switch {
	case errors.Is(err, ErrForbidden):
		return "", ErrForbidden
	case err != nil, name == "":
		return "", ErrUnauthenticated
	}
	return name, nil
}

// owned returns the booking with the code if the account of c holds it.
// Someone else's booking is answered exactly as no booking is, with
// booking.ErrNotFound — a code alone is never enough, and a refusal that
// differed would tell a guesser that the code exists. So is an archived
// one: the engine no longer knows whose it was.
//
// Every miss costs the client address a token of AddressMissRate, and an
// address with none left is refused before the lookup: codes are guessed
// one lookup at a time.
func (h *Handler) owned(c *call, code string) (booking.Booking, error) {
	if wait := h.misses.wait(c.addr, c.now); wait > 0 {
		return booking.Booking{}, &rateError{wait: wait, limit: "this address after unknown booking codes"}
	}
	b, err := h.engine.Get(c.r.Context(), code)
	switch {
	case errors.Is(err, booking.ErrNotFound), errors.Is(err, booking.ErrArchived),
		err == nil && b.Account != c.account:
		h.misses.allow(c.addr, c.now)
		return booking.Booking{}, booking.ErrNotFound
	}
	return b, err
}
