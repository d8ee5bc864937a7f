package kuotahttp

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Options configure a Handler. nil, or the zero value, gives the
// defaults — and the defaults let nobody in: without an Account hook no
// booking route answers anyone, without an Operator hook no operator
// route does, and without a PaymentSecret no payment is taken.
type Options struct {
	// Account returns the account a public request acts for, from
	// whatever the service authenticates with (a session cookie, a
	// bearer token): the account ID the engine files bookings under. An
	// error, or an empty account, refuses the request with 401; an error
	// that matches ErrForbidden with 403. nil refuses every request that
	// needs an account with 403.
	//
	// The account is the unit of every per-account rule — the engine's
	// unpaid holds per account (booking.Options.MaxHoldsPerAccount), the
	// rate limit AccountRate, and ownership: a booking is read or changed
	// only by the account that holds it. So an account should cost a
	// person something to make (a verified phone number or e-mail
	// address, as M-Paspor asks): see "Hoarding" in the package
	// documentation.
	Account func(*http.Request) (string, error)
	// Operator returns the name of the office staff member a request of
	// the operator handler comes from, for the log; the same answers as
	// Account. nil refuses every operator request with 403.
	Operator func(*http.Request) (string, error)
	// PublicCalendar lets anyone read the offices, the month calendars
	// and the day views, without an account (still within AddressRate).
	// By default they ask for an account like every other route.
	PublicCalendar bool
	// AuthChallenge is the WWW-Authenticate header of a 401, which
	// HTTP requires: "Bearer" when empty.
	AuthChallenge string

	// PaymentSecret is the key shared with the payment channel: a
	// payment callback is taken only when signed with it (see
	// SignPayment). At least PaymentSecretBytesMin bytes; empty refuses
	// every callback.
	PaymentSecret []byte
	// PaymentSkew is how far a callback's timestamp may be from the
	// handler's clock, either way: DefaultPaymentSkew when zero, a second
	// to PaymentSkewMax.
	PaymentSkew time.Duration

	// ClientAddr returns the client address a request counts against,
	// for the per-address rate limits: RemoteAddr when nil, which is
	// right only when clients connect to this server directly. Behind a
	// reverse proxy or a load balancer every request comes from the
	// proxy; use ForwardedFor with the proxies' addresses, or a function
	// of your own that reads what your proxy sets (and that clients
	// cannot forge).
	ClientAddr func(*http.Request) string
	// AccountRate limits the requests of one account;
	// DefaultAccountRate when zero.
	AccountRate Rate
	// AddressRate limits the requests from one client address, before
	// any authentication; DefaultAddressRate when zero. Many people can
	// share one address (a mobile carrier's NAT, an office's network),
	// so it is set for a crowd, not for one person.
	AddressRate Rate
	// AddressHoldRate limits the holds from one client address, whatever
	// the accounts they name; DefaultAddressHoldRate when zero.
	AddressHoldRate Rate
	// AddressMissRate limits the failed lookups of booking codes (a code
	// no booking of the account has) and the failed payment signatures
	// from one client address; DefaultAddressMissRate when zero. Once
	// it is used up the address gets 429 for every booking route until
	// it refills: codes are guessed, and this is where guessing shows.
	AddressMissRate Rate
	// RateKeysMax bounds the accounts and addresses each rate limit
	// remembers: DefaultRateKeysMax when zero, at most RateKeysMaxLimit.
	// When full, the key unused for longest is forgotten; its next
	// request starts with a full bucket.
	RateKeysMax int

	// BodyBytesMax bounds a request body: DefaultBodyBytesMax when zero,
	// BodyBytesMin to BodyBytesMaxLimit.
	BodyBytesMax int64

	// Transport carries the changes a standby forwards to the active
	// node: http.DefaultTransport when nil.
	Transport http.RoundTripper
	// Now is the handler's clock, for the rate limits and the payment
	// window; nil means time.Now. The engine has its own clock.
	Now func() time.Time
	// Logger receives the errors that become a 5xx, a forwarding that
	// failed, and the operators' changes; nil discards. Its lines never
	// name an account, a NIK or an applicant's metadata.
	Logger *slog.Logger

	// PageAccountHeader, when set, makes the calendar page ask its user
	// for an account and send it in this request header: for a demo
	// whose Account hook reads it. Empty (the default), the page sends
	// what the browser sends by itself, such as the service's session
	// cookie.
	PageAccountHeader string
	// ProofImage, when set, draws a proof of booking's token as an
	// image — a QR code the office's door scans — for GET
	// /bookings/{code}/proof/image, and the page shows it. It returns the
	// image's media type ("image/png", "image/svg+xml") and its bytes,
	// at most ProofImageBytesMax; an error answers 500, logged. nil (the
	// default) makes no image: the route answers 404 no-proof-image and
	// the page shows the token as text to copy. It is a hook so that the
	// QR library is the service's choice, in the service's module:
	// kuotahttp uses the standard library only (`kuota serve` draws PNGs
	// with one).
	ProofImage func(token string) (contentType string, image []byte, err error)

	// PagePayURL, when set, gives the page a Pay button that posts
	// {"billing_code": …} to this URL: a payment provider's page, or a
	// demo's simulated channel. Empty, the page shows the billing code
	// to pay elsewhere.
	PagePayURL string
}

// Rate is a token bucket: Burst requests at once, then one more every
// Every. The zero Rate means the default of the field it is in.
type Rate struct {
	Burst int
	Every time.Duration
}

// Limits of Options, checked by New.
const (
	// PaymentSecretBytesMin is the shortest PaymentSecret: 256 bits, the
	// size of the HMAC-SHA256 output, so the key is not the weak part.
	PaymentSecretBytesMin = 32
	// PaymentSkewMax bounds PaymentSkew: a callback stays replayable for
	// its window, and an hour is more than any clock is off by.
	PaymentSkewMax = time.Hour
	// RateBurstMax and RateEveryMax bound a Rate; RateEveryMin keeps
	// Every from rounding to nothing.
	RateBurstMax = 1_000_000
	RateEveryMin = time.Microsecond
	RateEveryMax = 24 * time.Hour
	// RateKeysMaxLimit bounds RateKeysMax: each key costs about 150
	// bytes, so ten million of them about 1.5 GB per limit.
	RateKeysMaxLimit = 10_000_000
	// BodyBytesMin and BodyBytesMaxLimit bound BodyBytesMax. The largest
	// valid body is a hold for booking.ApplicantsMax applicants with
	// booking.MetadataBytesMax of metadata, about 5 KiB, and more if the
	// metadata's strings are escaped: below 16 KiB a valid hold could be
	// refused.
	BodyBytesMin      = 16 << 10
	BodyBytesMaxLimit = 1 << 20
	// AccountBookingsMax is the most bookings GET /bookings lists: the
	// account's newest, with "truncated" set when it has more.
	AccountBookingsMax = 100
	// ProofImageBytesMax bounds what Options.ProofImage may return: a
	// QR code of a proof (about 160 bytes, a version-10 code) is a few
	// kilobytes as a PNG; a megabyte is a hook's bug.
	ProofImageBytesMax = 1 << 20
)

// Defaults for zero Options fields.
const (
	// DefaultPaymentSkew lets a callback arrive five minutes late (a
	// payment channel's retries) or early (a clock off by that much).
	DefaultPaymentSkew = 5 * time.Minute
	// DefaultRateKeysMax remembers 65,536 accounts and addresses per
	// limit, about 10 MB each when full.
	DefaultRateKeysMax = 1 << 16
	// DefaultBodyBytesMax leaves room for pretty-printed JSON while
	// keeping what one request can make the server buffer small.
	DefaultBodyBytesMax = 64 << 10
)

// Default rates, the reason for each beside it.
var (
	// DefaultAccountRate: 30 requests at once, then one a second. A
	// person clicks far less; the page's first view costs four.
	DefaultAccountRate = Rate{Burst: 30, Every: time.Second}
	// DefaultAddressRate: 300 at once, then 50 a second, for the many
	// people a carrier-grade NAT puts behind one address on a quota
	// opening morning.
	DefaultAddressRate = Rate{Burst: 300, Every: 20 * time.Millisecond}
	// DefaultAddressHoldRate: 20 holds at once, then one every ten
	// seconds, 380 in the first hour: a family, a travel agent, an
	// office's shared network, but not a quota (the one client of the
	// abuse report held three offices' released quota in 0.4 s).
	DefaultAddressHoldRate = Rate{Burst: 20, Every: 10 * time.Second}
	// DefaultAddressMissRate: 10 unknown codes, then one a minute. A
	// booking code is 50 bits; with ten million live bookings a guess
	// hits one in about 10^8 times, so an address needs some 200 years
	// for a hit, which ownership makes worthless anyway.
	DefaultAddressMissRate = Rate{Burst: 10, Every: time.Minute}
)

// resolve returns o with every zero field set to its default, or
// ErrBadOptions for a field out of range.
func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.ClientAddr == nil {
		r.ClientAddr = RemoteAddr
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.Transport == nil {
		r.Transport = http.DefaultTransport
	}
	if r.AuthChallenge == "" {
		r.AuthChallenge = "Bearer"
	}
	if len(r.PaymentSecret) > 0 && len(r.PaymentSecret) < PaymentSecretBytesMin {
		return r, fmt.Errorf("%w: PaymentSecret of %d bytes, want at least %d", ErrBadOptions, len(r.PaymentSecret), PaymentSecretBytesMin)
	}
	r.PaymentSecret = append([]byte(nil), r.PaymentSecret...) // the caller's slice may change
	if err := resolveSpan(&r.PaymentSkew, DefaultPaymentSkew, time.Second, PaymentSkewMax, "PaymentSkew"); err != nil {
		return r, err
	}
	rates := []struct {
		rate *Rate
		def  Rate
		name string
	}{
		{&r.AccountRate, DefaultAccountRate, "AccountRate"},
		{&r.AddressRate, DefaultAddressRate, "AddressRate"},
		{&r.AddressHoldRate, DefaultAddressHoldRate, "AddressHoldRate"},
		{&r.AddressMissRate, DefaultAddressMissRate, "AddressMissRate"},
	}
	for _, rt := range rates {
		if err := rt.rate.resolve(rt.def, rt.name); err != nil {
			return r, err
		}
	}
	if r.RateKeysMax == 0 {
		r.RateKeysMax = DefaultRateKeysMax
	}
	if r.RateKeysMax < 1 || r.RateKeysMax > RateKeysMaxLimit {
		return r, fmt.Errorf("%w: RateKeysMax %d, want 1 to %d", ErrBadOptions, r.RateKeysMax, RateKeysMaxLimit)
	}
	if r.BodyBytesMax == 0 {
		r.BodyBytesMax = DefaultBodyBytesMax
	}
	if r.BodyBytesMax < BodyBytesMin || r.BodyBytesMax > BodyBytesMaxLimit {
		return r, fmt.Errorf("%w: BodyBytesMax %d, want %d to %d", ErrBadOptions, r.BodyBytesMax, BodyBytesMin, BodyBytesMaxLimit)
	}
	return r, nil
}

// resolveSpan sets a zero *d to def and checks it lies in [lo, hi].
func resolveSpan(d *time.Duration, def, lo, hi time.Duration, name string) error {
	if *d == 0 {
		*d = def
	}
	if *d < lo || *d > hi {
		return fmt.Errorf("%w: %s %v, want %v to %v", ErrBadOptions, name, *d, lo, hi)
	}
	return nil
}

// resolve sets a zero Rate to def and checks its bounds. A Rate with one
// field set is refused rather than completed: which default the other
// field should take is a guess.
func (rt *Rate) resolve(def Rate, name string) error {
	if *rt == (Rate{}) {
		*rt = def
	}
	if rt.Burst < 1 || rt.Burst > RateBurstMax || rt.Every < RateEveryMin || rt.Every > RateEveryMax {
		return fmt.Errorf("%w: %s %+v, want Burst 1 to %d and Every %v to %v", ErrBadOptions, name, *rt, RateBurstMax, RateEveryMin, RateEveryMax)
	}
	return nil
}
