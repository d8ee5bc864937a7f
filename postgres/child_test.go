//go:build linux

package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/postgres"
	"github.com/kuota/kuota/quota"
)

// The nodes of the multi-process tests are this test binary run again
// (see startProcs): TestMain finds childEnv set and runs one node with a
// small HTTP API instead of the tests. The files are for Linux only, for
// the parent-death signal that takes a child down with its parent.

// childEnv holds a child's childConfig, as JSON.
const childEnv = "KUOTA_PG_CHILD"

// childConfig is what a node process is told. A zero duration is the
// node's default.
type childConfig struct {
	DSN            string
	Schema         string
	LeaseDuration  time.Duration
	RenewInterval  time.Duration
	TakeoverDelay  time.Duration
	FollowInterval time.Duration
	CommitTimeout  time.Duration
}

// TestMain runs a node process instead of the tests when the parent asks
// for one. It is the only TestMain of package postgres_test.
func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Exit(childMain(cfg))
	}
	os.Exit(m.Run())
}

// Limits of the child's API: a request is the parent's, but a broken
// test must not make a child buffer without end.
const (
	childBodyBytesMax = 1 << 20 // a get of childCodesMax codes is 150 KB
	childCodesMax     = 10_000
	childCallTimeout  = 60 * time.Second // a hold waits out a failover of PostgreSQL
)

// childMain runs one node: it listens on 127.0.0.1:0, starts the node
// advertising that address, prints "listening <address>" on stdout and
// serves until its stdin closes (the parent is done, or gone) or SIGTERM.
// The node's role changes and failures go to stderr.
func childMain(env string) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	var c childConfig
	if err := json.Unmarshal([]byte(env), &c); err != nil {
		log.Error("child: config", "err", err)
		return 2
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Error("child: listen", "err", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	node, err := postgres.Start(ctx, &postgres.Options{
		DSN:            c.DSN,
		Schema:         c.Schema,
		Address:        ln.Addr().String(),
		LeaseDuration:  c.LeaseDuration,
		RenewInterval:  c.RenewInterval,
		TakeoverDelay:  c.TakeoverDelay,
		FollowInterval: c.FollowInterval,
		CommitTimeout:  c.CommitTimeout,
		// The clock stands at T1, when the test office's December is
		// open and no hold ever expires.
		Engine: booking.Options{Now: func() time.Time { return kt.T1 }, NoSweeper: true, Logger: quiet},
		Logger: log,
	})
	cancel()
	if err != nil {
		log.Error("child: start", "err", err)
		return 2
	}
	srv := &http.Server{Handler: newChildServer(node), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	fmt.Printf("listening %s\n", ln.Addr())

	stdinClosed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	select {
	case <-stdinClosed:
	case <-term:
	}
	srv.Close()
	if err := node.Close(); err != nil {
		log.Warn("child: close", "err", err)
	}
	return 0
}

// childServer is a node process's HTTP API, for the parent test only:
//
//	POST /register {"Seats": n}          the test office, n online seats a slot
//	POST /hold     {"Acc": n, "Date": d, "Slot": s}
//	                                     kt.HoldRequest(acc) on date d in slot s
//	POST /get      {"Codes": [...]}      the bookings of codes, and those missing
//	GET  /check    Check, and every cell's seats against its bookings
//	GET  /status   the node's Status
//
// A change a standby refuses, or a fenced node, is 421 Misdirected
// Request, naming the active node when it is known (wireProblem.Active);
// a request the parent should not have sent is 400, a closed engine 503,
// any other error 500: problem+json, from problemStatus.
type childServer struct {
	node *postgres.Node
}

func newChildServer(node *postgres.Node) http.Handler {
	s := &childServer{node: node}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /register", s.register)
	mux.HandleFunc("POST /hold", s.hold)
	mux.HandleFunc("POST /get", s.get)
	mux.HandleFunc("GET /check", s.check)
	mux.HandleFunc("GET /status", s.status)
	return mux
}

// The API's bodies, shared by parent and child.
type (
	wireRegister struct{ Seats int }
	wireHold     struct {
		Acc  int
		Date calendar.Date
		Slot string
	}
	wireApplicant struct{ NIK, Meta string } // NIK as its digits
	wireBooking   struct {
		Code, BillingCode, State, Slot string
		Date                           calendar.Date
		Applicants                     []wireApplicant
	}
	wireGet struct{ Codes []string }
	wireGot struct {
		Bookings []wireBooking
		Missing  []string
	}
	// wireCheck is what /check found: Check's violations, and each cell
	// of the test office whose seats taken by live bookings plus seats
	// left are not its capacity (Mismatches), over Cells cells.
	wireCheck struct {
		Violations    []string
		Mismatches    []string
		Cells         int
		SeatsTaken    int
		SeatsCapacity int
		Bookings      int
	}
	wireStatus struct {
		Active   bool
		Epoch    int64
		Followed uint64
		Resolved uint64
		Bookings int
		Pending  int // changes taken and not committed yet
	}
	wireProblem struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
		Kind   string `json:"kind"`             // problemStatus's
		Active string `json:"active,omitempty"` // the active node's address, for a 421
	}
)

// errBadRequest is a request out of the API's range.
var errBadRequest = errors.New("bad request")

func (s *childServer) register(w http.ResponseWriter, r *http.Request) {
	var in wireRegister
	if !decode(w, r, &in) {
		return
	}
	if in.Seats < 1 || in.Seats > quota.CellSeatsMax {
		writeProblem(w, fmt.Errorf("%w: seats %d", errBadRequest, in.Seats))
		return
	}
	cfg := kt.OfficeConfig(childTB{})
	for i := range cfg.Quota.Layout.Slots {
		cfg.Quota.Layout.Slots[i].Seats[0] = in.Seats
	}
	if err := s.node.Engine().RegisterOffice(r.Context(), cfg); err != nil {
		writeProblem(w, err)
		return
	}
	writeJSON(w, struct{}{})
}

func (s *childServer) hold(w http.ResponseWriter, r *http.Request) {
	var in wireHold
	if !decode(w, r, &in) {
		return
	}
	if in.Acc < 1 || in.Acc >= kt.NIKsMax || in.Date.IsZero() {
		writeProblem(w, fmt.Errorf("%w: account %d, date %v", errBadRequest, in.Acc, in.Date))
		return
	}
	req := kt.HoldRequest(childTB{}, in.Acc)
	req.Date, req.Slot = in.Date, in.Slot
	ctx, cancel := context.WithTimeout(r.Context(), childCallTimeout)
	defer cancel()
	b, err := s.node.Engine().Hold(ctx, req)
	if err != nil {
		writeProblem(w, err)
		return
	}
	writeJSON(w, toWire(b))
}

func (s *childServer) get(w http.ResponseWriter, r *http.Request) {
	var in wireGet
	if !decode(w, r, &in) {
		return
	}
	if len(in.Codes) > childCodesMax {
		writeProblem(w, fmt.Errorf("%w: %d codes", errBadRequest, len(in.Codes)))
		return
	}
	e := s.node.Engine()
	var out wireGot
	for _, code := range in.Codes {
		b, err := e.Get(r.Context(), code)
		switch {
		case errors.Is(err, booking.ErrNotFound):
			out.Missing = append(out.Missing, code)
		case err != nil:
			writeProblem(w, err)
			return
		default:
			out.Bookings = append(out.Bookings, toWire(b))
		}
	}
	writeJSON(w, out)
}

// check runs Check, and counts every cell of the test office's table: the
// seats of its live bookings (held, paid, checked in) plus the seats
// left must be the capacity. Run it on a quiet node.
func (s *childServer) check(w http.ResponseWriter, r *http.Request) {
	ctx, e := r.Context(), s.node.Engine()
	out, err := checkCells(ctx, e)
	if err != nil {
		writeProblem(w, err)
		return
	}
	v, err := e.Check(ctx)
	if err != nil {
		writeProblem(w, err)
		return
	}
	for _, v := range v {
		out.Violations = append(out.Violations, v.String())
	}
	out.Bookings = e.Stats().Total
	writeJSON(w, out)
}

func checkCells(ctx context.Context, e *booking.Engine) (wireCheck, error) {
	var out wireCheck
	cfg, err := e.Office(ctx, kt.Office)
	if err != nil {
		return out, err
	}
	for i := range cfg.Quota.Days {
		d := cfg.Quota.First.AddDays(i)
		day, err := e.Day(ctx, kt.Office, d)
		if err != nil {
			return out, err
		}
		list, err := e.DayBookings(ctx, kt.Office, d)
		if err != nil {
			return out, err
		}
		type cell struct{ slot, pool string }
		taken := map[cell]int{}
		for _, b := range list {
			if b.State == booking.Held || b.State == booking.Paid || b.State == booking.CheckedIn {
				taken[cell{b.Slot, b.Pool}] += len(b.Applicants)
			}
		}
		for _, sv := range day.Slots {
			start := cfg.Quota.Layout.Slots[sv.Slot].Start
			slot := fmt.Sprintf("%02d:%02d", int(start.Hours()), int(start.Minutes())%60)
			for _, p := range sv.Pools {
				n := taken[cell{slot, p.Pool}]
				out.Cells++
				out.SeatsTaken += n
				out.SeatsCapacity += p.Capacity
				if p.Left < 0 || n+p.Left != p.Capacity {
					out.Mismatches = append(out.Mismatches, fmt.Sprintf("%s %s %s: %d taken + %d left != %d", d, slot, p.Pool, n, p.Left, p.Capacity))
				}
			}
		}
	}
	return out, nil
}

func (s *childServer) status(w http.ResponseWriter, r *http.Request) {
	st, es := s.node.Status(), s.node.Engine().Stats()
	writeJSON(w, wireStatus{Active: st.Active, Epoch: st.Epoch, Followed: st.Followed, Resolved: st.Resolved, Bookings: es.Total, Pending: es.PendingWrites})
}

func toWire(b booking.Booking) wireBooking {
	out := wireBooking{Code: b.Code, BillingCode: b.BillingCode, State: b.State.String(), Slot: b.Slot, Date: b.Date}
	for _, a := range b.Applicants {
		out.Applicants = append(out.Applicants, wireApplicant{NIK: a.NIK.Digits(), Meta: string(a.Meta)})
	}
	return out
}

// decode reads r's JSON body into v, or answers 400 and returns false.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, childBodyBytesMax)).Decode(v); err != nil {
		writeProblem(w, fmt.Errorf("%w: %w", errBadRequest, err))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// problemStatus is the one table from errors to statuses, with a short
// kind for the parent's counts. A change refused because the node is a
// standby, or was fenced (ErrFenced wraps booking.ErrStandby), is 421
// Misdirected Request, naming the active node when the refusal knows it.
func problemStatus(err error) (status int, kind, active string) {
	var se *booking.StandbyError
	switch {
	case errors.As(err, &se):
		return http.StatusMisdirectedRequest, "standby", se.Active
	case errors.Is(err, postgres.ErrFenced):
		return http.StatusMisdirectedRequest, "fenced", ""
	case errors.Is(err, booking.ErrStandby):
		return http.StatusMisdirectedRequest, "standby", ""
	case errors.Is(err, errBadRequest):
		return http.StatusBadRequest, "bad request", ""
	case errors.Is(err, booking.ErrEngineClosed):
		return http.StatusServiceUnavailable, "closed", ""
	}
	return http.StatusInternalServerError, "error", ""
}

// writeProblem answers err as RFC 9457 problem+json.
func writeProblem(w http.ResponseWriter, err error) {
	status, kind, active := problemStatus(err)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(wireProblem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: err.Error(), Kind: kind, Active: active})
}

// childTB lets the child build requests with kuotatest, whose builders
// take a testing.TB only to fail. A failure there is a bug of the test
// (the handlers check their input first), so it panics, and the server
// breaks that one response. Any other method of testing.TB is nil.
type childTB struct{ testing.TB }

func (childTB) Helper()                        {}
func (childTB) Errorf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }
func (childTB) FailNow()                       { panic("kuotatest: FailNow in a node process") }
