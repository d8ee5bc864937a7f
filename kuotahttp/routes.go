package kuotahttp

// route is one route of a handler: its ServeMux pattern, who may use it,
// whether it changes anything, the parameters it reads from its path
// and query (a refusal about one of them names it in Problem.Parameter;
// about anything else, in Problem.Field, as a member of the body), and
// its function.
type route struct {
	pattern string
	access  access
	// write marks a change: a standby forwards it to the active node.
	write  bool
	params []string
	fn     func(*Handler, *call) error
}

// publicRoutes are the routes of Handler.ServeHTTP: the calendar page,
// the calendar and its opening draws, the proof keys, the account's
// bookings and their proofs, and the payment channel. Paths
// are relative to where the handler is mounted.
var publicRoutes = []route{
	{"GET /{$}", anyone, false, nil, (*Handler).page},
	{"GET /web/app.js", anyone, false, nil, (*Handler).pageFile},
	{"GET /web/strings.js", anyone, false, nil, (*Handler).pageFile},
	{"GET /web/style.css", anyone, false, nil, (*Handler).pageFile},
	{"GET /web/config.json", anyone, false, nil, (*Handler).pageConfig},

	{"GET /offices", calendarReader, false, nil, (*Handler).offices},
	{"GET /offices/{office}/months/{month}", calendarReader, false, []string{"office", "month", "pool"}, (*Handler).month},
	{"GET /offices/{office}/days/{date}", calendarReader, false, []string{"office", "date", "pool"}, (*Handler).day},
	{"GET /offices/{office}/draws/{opens}", anyone, false, []string{"office", "opens"}, (*Handler).draw},
	{"GET /proof-keys", anyone, false, nil, (*Handler).publicProofKeys},

	{"POST /holds", accountHolder, true, nil, (*Handler).hold},
	{"GET /bookings", accountHolder, false, nil, (*Handler).accountBookings},
	{"GET /bookings/{code}", accountHolder, false, []string{"code"}, (*Handler).get},
	{"GET /bookings/{code}/proof", accountHolder, false, []string{"code"}, (*Handler).proof},
	{"GET /bookings/{code}/proof/image", accountHolder, false, []string{"code"}, (*Handler).proofImage},
	{"POST /bookings/{code}/reschedule", accountHolder, true, []string{"code"}, (*Handler).reschedule},
	{"POST /bookings/{code}/cancel", accountHolder, true, []string{"code"}, (*Handler).cancel},
	{"POST /bookings/{code}/checkin", accountHolder, true, []string{"code"}, (*Handler).checkIn},

	{"POST /payments", paymentChannel, true, nil, (*Handler).pay},
}

// operatorRoutes are the routes of Handler.Operator: the office's arrival
// list, the engine's health, a backup, a booking by code whoever holds
// it, the office's decisions on a booking, the operator's changes to a
// day, and the proof keys and the check of a proof at the door.
var operatorRoutes = []route{
	{"GET /offices/{office}/days/{date}/arrivals", operator, false, []string{"office", "date", "state"}, (*Handler).arrivals},
	{"POST /offices/{office}/overrides", operator, true, []string{"office"}, (*Handler).override},
	{"GET /stats", operator, false, nil, (*Handler).stats},
	{"GET /check", operator, false, nil, (*Handler).check},
	{"GET /backup", operator, false, nil, (*Handler).backup},
	{"GET /bookings/{code}", operator, false, []string{"code"}, (*Handler).operatorGet},
	{"POST /bookings/{code}/reject", operator, true, []string{"code"}, (*Handler).reject},
	{"POST /bookings/{code}/checkin", operator, true, []string{"code"}, (*Handler).operatorCheckIn},
	{"GET /proof-keys", operator, false, nil, (*Handler).operatorProofKeys},
	{"POST /proof-keys/rotate", operator, true, nil, (*Handler).rotateProofKey},
	{"POST /proofs/check", operator, false, nil, (*Handler).checkProof},
}
