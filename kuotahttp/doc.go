// Package kuotahttp puts a [booking.Engine] behind HTTP: the public JSON
// API applicants book through, with the calendar page, and a separate
// operator API for the office's staff. It uses the standard library only.
//
//	h, err := kuotahttp.New(engine, &kuotahttp.Options{
//		Account:       accountFromSession, // the service's own sign-in
//		Operator:      staffFromSession,
//		PaymentSecret: secretSharedWithTheBank,
//	})
//	mux.Handle("/kuota/", http.StripPrefix("/kuota", h))
//	mux.Handle("/operator/", http.StripPrefix("/operator", h.Operator()))
//
// # Routes
//
// Paths are relative to where a handler is mounted; mount it under a
// prefix with [http.StripPrefix] (see the example). The public API, the
// [Handler] itself:
//
//	GET  /                                    the calendar page (and /web/app.js, /web/strings.js, /web/style.css, /web/config.json)
//	GET  /offices                             the offices, their pools and slots
//	GET  /offices/{office}/months/{yyyy-mm}   a month's calendar (?pool=online)
//	GET  /offices/{office}/days/{yyyy-mm-dd}  a day's slots (?pool=online)
//	GET  /offices/{office}/draws/{opens}      an opening draw, for anyone to audit (opens: RFC 3339)
//	GET  /proof-keys                          the public keys that check proofs of booking offline
//	POST /holds                               hold seats: 201, the booking, Location
//	GET  /bookings                            the account's bookings
//	GET  /bookings/{code}                     one of them, with its history
//	GET  /bookings/{code}/proof               its proof of booking: {"token", "key_id"}
//	GET  /bookings/{code}/proof/image         the proof as an image, a QR code (Options.ProofImage)
//	POST /bookings/{code}/reschedule          move a paid booking: {"date", "slot"}
//	POST /bookings/{code}/cancel              cancel, with {"reason": {…}} or none
//	POST /bookings/{code}/checkin             record the applicants' arrival
//	POST /payments                            the payment channel's signed callback
//
// The operator API, [Handler.Operator]:
//
//	GET  /offices/{office}/days/{yyyy-mm-dd}/arrivals  the day's bookings (?state=paid,checked-in)
//	POST /offices/{office}/overrides          close or open a day or slot, set a capacity or a release
//	GET  /stats                               the engine's counters
//	GET  /check                               every invariant swept: {"ok", "violations"}
//	GET  /backup                              a copy of the engine's file, streamed
//	GET  /bookings/{code}                     any booking, with its account
//	POST /bookings/{code}/reject              the office refuses it: {"reason": {"kind", "text"}}
//	POST /bookings/{code}/checkin             the office's desk records the arrival
//	GET  /proof-keys                          the proof keys, with the NIK keys counters check KTPs with
//	POST /proof-keys/rotate                   a new key signs proofs from now on
//	POST /proofs/check                        a proof shown at the door: {"token", "nik"}, nik optional
//
// A hold is {"office": "JKT-SEL", "date": "2026-12-10", "slot": "08:00",
// "pool": "online", "applicants": [{"nik": …, "meta": …}], "family_card":
// …, "idempotency_key": …}, the last three optional; it names no account,
// which is the request's. A slot is named by its start, in requests and
// responses alike. Instants are RFC 3339 in the office's zone. States
// have stable names: a booking is held, paid, checked-in, cancelled,
// expired, rejected or no-show; a day or slot is available (green), full
// (red), not-opened or no-quota (yellow), or holiday, day-off, past or
// outside-horizon (grey); a Go client reads them back with
// [ParseBookingState] and [ParseDayState]. NIKs and family cards are shown
// masked ("31**********0001"), as [booking.NIK.String] masks them, and
// never in full, to anyone.
//
// # Queue numbers, collection dates and proofs of booking
//
// A paid booking carries its queue number in its slot, "queue": "B-017"
// (nomor antrian; [booking.QueueNumber]), a new one after a reschedule,
// and the day its passport is ready for collection, "ready_on" (the
// office's third service day after arrival by default;
// [booking.Options].CollectionServiceDays), absent when the booking will
// not be served or the day cannot be promised yet. The operator's
// arrival list is in queue order.
//
// Its proof of booking, GET /bookings/{code}/proof, is a token signed
// by the engine ([booking.Engine.Proof]): booking code, office, date,
// slot, queue number, applicant count and keyed hashes of the NIKs, never
// a NIK. The page shows it as a QR code when the service draws one
// ([Options].ProofImage; kuotahttp itself uses the standard library
// only), and as text otherwise. A counter checks it offline with a public
// key of GET /proof-keys ([booking.VerifyProof]) and a KTP's NIK against
// it with the key's NIK key, which only the operator API lists
// ([booking.Proof.HasNIK]); online, POST /proofs/check answers what the
// proof says, whether the NIK given is on the booking, and whether the
// proof is revoked — the booking cancelled, rejected, a no-show or moved
// since — as 200 with "revoked": true rather than as a problem, so that
// the counter sees what it was. A token no key of the engine signed is
// 422 bad-proof.
//
// # The opening draw
//
// An office with an opening window ([booking.OfficeConfig].OpeningWindow,
// "opening_window_seconds" in GET /offices) collects the holds that
// arrive in the window after a release and admits them in a random order
// drawn from a seed it committed to ([booking.Engine.Draw]); a day view
// names the window's end, "draw_closes". Such a hold is answered when the
// draw has run, at the window's end: a server in front of the handler
// must not time a response out sooner (an http.Server's WriteTimeout,
// a proxy's read timeout), or the applicant never learns the result.
// Admitted, the booking comes back with "draw_ticket" (its place in the
// order of arrival), "draw_place" (its place in the draw) and
// "draw_entrants"; refused, the problem is the refusal's own (cell-full
// when the places before it took the seats) with the same three members.
// An account or a NIK enters a draw once: a second hold is 409 in-draw,
// with Field naming the applicant whose NIK is in it already, or none
// when it is the account. GET /offices/{office}/draws/{opens} shows the
// draw to anyone: the commitment (hex SHA-256 of the seed) from the
// start, the seed and the order of tickets once drawn, which
// [booking.VerifyDraw] checks.
//
// # Authentication and ownership
//
// kuotahttp does not sign anyone in: [Options].Account and
// [Options].Operator are the service's hooks, from a request to an
// account or to a staff member, and without them nobody gets in (403).
// The calendar asks for an account too, unless [Options].PublicCalendar.
//
// A booking is read or changed only by the account that holds it: a
// booking code alone is never enough. Someone else's booking answers 404
// exactly as a code nobody holds does, so that a guessed code tells
// nothing, and every such miss costs the client address a token of
// [Options].AddressMissRate.
//
// A state-changing request a browser sends from another site is refused
// ([http.CrossOriginProtection]), so cookie sessions are safe from
// cross-site request forgery.
//
// # Payments
//
// Only the payment channel confirms a payment. Its callback, POST
// /payments with {"billing_code", "payment_ref"}, is taken only when
// signed: [PaymentTimestampHeader] carries the Unix time of signing and
// [PaymentSignatureHeader] "v1=" and the hex HMAC-SHA256, keyed with
// [Options].PaymentSecret, of the timestamp, ".", and the body. The
// timestamp must lie within [Options].PaymentSkew of the handler's clock,
// and the MAC is compared in constant time. [SignPayment] computes the
// headers, and [NewPaymentCallback] builds the whole signed request. A
// replay within the window is harmless: paying again with the same
// reference is a no-op that succeeds ([booking.Engine.Pay]), and a
// captured body cannot pay another hold.
//
// # Rate limits
//
// Every request costs its client address a token of
// [Options].AddressRate, before anything else is done, and every request
// with an account a token of [Options].AccountRate; a hold costs the
// address one of [Options].AddressHoldRate, whichever account it names.
// A request over a limit gets 429 with Retry-After in seconds. The
// client address is [Options].ClientAddr's: the connection's address by
// default, the /64 network for IPv6; behind proxies use [ForwardedFor].
// Each limit remembers at most [Options].RateKeysMax keys.
//
// # Hoarding
//
// The abuse this package answers: one client inventing account names and
// well-formed NIKs held three offices' released quota in 0.4 s. Here no
// request names its own account — the Account hook does, so an account
// is whatever the service's sign-in makes costly: M-Paspor ties one to a
// verified phone number and e-mail address. On top of that: one client
// address gets DefaultAddressHoldRate holds (20 at once, then one every
// 10 s) whatever accounts it signs in with; each account holds at most
// booking.Options.MaxHoldsPerAccount unpaid holds (1 by default); each
// NIK has one live booking, and a new one only a month after its last
// arrival date; and an unpaid hold lapses after booking.Options.HoldTTL.
// A service facing botnets adds what only it can: a CAPTCHA or a queue
// before the quota opens, and the population register's check that the
// NIKs and the family card belong together.
//
// # Problems
//
// Every refusal, the mux's own 404 and 405 included, is an RFC 9457
// problem, [ProblemContentType], decoded by [Problem]: a type
// [ProblemTypeBase] + name, a title, the status, a detail in words that
// never names a Go type nor quotes a NIK, and, where one member of the
// request is to blame, Field, a JSON Pointer into the body
// ("/applicants/1/nik", indexes from 0), or Parameter, the name of a path
// or query parameter. The names are the API's contract:
//
//	400 bad-json              413 body-too-large        404 no-route
//	405 method-not-allowed    401 unauthenticated       403 forbidden
//	403 cross-origin          403 payments-disabled     401 bad-signature
//	401 signature-expired     429 rate-limited          422 bad-parameter
//	422 bad-idempotency-key   422 bad-date              422 unknown-slot
//	422 unknown-pool          422 applicant-count       422 bad-nik
//	422 duplicate-nik         422 bad-family-card       422 metadata-too-large
//	422 bad-code              422 bad-billing-code      422 bad-payment-ref
//	422 bad-reason            404 unknown-office        404 booking-not-found
//	410 archived              410 expired               409 wrong-state
//	409 already-paid          409 same-slot             409 idempotency-conflict
//	409 nik-booked            409 reapply-too-soon      409 too-many-holds
//	409 past                  409 outside-horizon       409 office-closed
//	409 not-opened            409 no-quota              409 cell-full
//	409 in-draw               409 draw-full             404 no-draw
//	422 bad-proof             409 proof-revoked         404 no-proof-image
//	409 too-many-proof-keys   409 draw-pending
//	409 reschedule-closed     409 reschedule-limit      409 cancel-closed
//	409 check-in-early        409 check-in-late         422 bad-override
//	422 bad-closure-reason    422 bad-seats             422 bad-office
//	422 bad-config            422 too-many-offices      409 office-in-use
//	409 layout-change         409 below-taken           409 no-file
//	409 busy                  503 no-active-node        502 active-unreachable
//	503 standby               503 engine-closed         503 storage
//	503 read-only             503 too-many-bookings     503 timeout
//	503 canceled              500 nil-context           500 bad-account
//	500 internal
//
// # Standby
//
// On a standby engine ([booking.NewStandby]) the handlers serve every
// read, and forward every change to the active node, as a reverse proxy:
// the request goes on with its body and headers (credentials, a payment's
// signature) to the address the standby knows
// ([booking.Engine.SetActiveAddress], a base URL such as
// "http://10.0.0.5:8080"), under the same path, and the active node's
// answer comes back. A forwarded request carries [ForwardedHeader] and is
// never forwarded again; with no active node known the answer is 503
// no-active-node with Retry-After.
//
// # Privacy
//
// Responses show NIKs and family cards masked; a booking's account is
// shown to operators only. The log ([Options].Logger) gets the 5xx
// errors, failed forwards and operators' changes, by booking code and
// operator, never by account, NIK or applicant metadata.
//
// # Limits
//
// Each is an option with a documented default and bounds, checked by
// [New]: the body size ([Options].BodyBytesMax), the rates, the keys each
// rate remembers, the payment window. The bookings GET /bookings lists
// are at most [AccountBookingsMax]; one Check or Backup runs at a time;
// a proof's image is at most [ProofImageBytesMax]. The engine bounds the
// rest: a proof token ([booking.ProofTokenBytesMax]), the proof keys
// ([booking.ProofKeysMax]), the opening window
// ([booking.OpeningWindowMax]) and its entrants
// ([booking.DrawEntrantsMax]).
//
// # Concurrency
//
// A [Handler] is safe for concurrent use; its handlers run in parallel,
// as the engine's calls do.
package kuotahttp
