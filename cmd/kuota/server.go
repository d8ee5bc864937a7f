package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/kuotahttp"
	"github.com/kuota/kuota/postgres"
)

// The HTTP server's limits. There is no write timeout: a backup streams
// for as long as the file needs, and a hold that enters an office's
// opening draw is answered when the window closes
// (booking.OpeningWindowMax at most).
const (
	// readHeaderTimeout bounds the wait for a request's headers, so that
	// connections that trickle them in cannot pile up.
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds reading a whole request; bodies are small
	// (kuotahttp.Options.BodyBytesMax).
	readTimeout = 30 * time.Second
	// idleTimeout closes a kept-alive connection left unused.
	idleTimeout = 2 * time.Minute
	// headerBytesMax bounds a request's headers.
	headerBytesMax = 64 << 10
	// shutdownTimeout bounds the wait, at SIGTERM, for the requests under
	// way; then their connections are closed. It is below the 30 s most
	// process managers wait before they kill.
	shutdownTimeout = 25 * time.Second
	// nodeStartTimeout bounds connecting to PostgreSQL and reading the
	// journal at start.
	nodeStartTimeout = 5 * time.Minute
)

// settings are what serve runs with: the configuration file with the
// command line's overrides, its secrets read.
type settings struct {
	listen    string
	db        string // a bbolt file, or
	dsn       string // a PostgreSQL DSN
	advertise string // this node's URL for the others, PostgreSQL only; "" derives it from listen

	offices []booking.OfficeConfig
	engine  booking.Options

	operatorToken  string // "" lets no operator in
	paymentSecret  []byte // nil takes no payment
	accountHeader  string // "" gives no public request an account
	trustedProxies []netip.Prefix
	publicCalendar bool

	log *slog.Logger
	// node, when set, adjusts the PostgreSQL node's options: tests give
	// it a schema of its own.
	node func(*postgres.Options)
}

// server is kuota serve: the engine (or node) behind kuotahttp's
// handlers, with health, readiness and metrics beside them.
type server struct {
	s        *settings
	ln       net.Listener
	st       store
	metrics  *metrics
	handlers *engineHandlers
	http     *http.Server
	stopping atomic.Bool // set at shutdown: /readyz answers 503

	bgCancel context.CancelFunc
	bg       sync.WaitGroup // the store's work and the feed's reader
}

// startServer listens, opens the store and registers the offices (a node
// does when it becomes active), and returns the server ready to run.
func startServer(ctx context.Context, s *settings) (srv *server, err error) {
	ln, err := net.Listen("tcp", s.listen)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			ln.Close()
		}
	}()
	st, err := openStore(ctx, s, ln.Addr())
	if err != nil {
		return nil, err
	}
	srv = &server{s: s, ln: ln, st: st, metrics: newMetrics(st)}
	srv.handlers = &engineHandlers{st: st, opts: s.handlerOptions()}
	if _, err := srv.handlers.handler(); err != nil {
		st.close()
		return nil, err
	}
	srv.http = &http.Server{
		Handler:           srv.routes(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    headerBytesMax,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	bgCtx, cancel := context.WithCancel(context.Background())
	srv.bgCancel = cancel
	srv.bg.Add(2)
	go func() { defer srv.bg.Done(); st.run(bgCtx) }()
	go func() { defer srv.bg.Done(); srv.metrics.followFeed(bgCtx, st, s.log) }()
	return srv, nil
}

// openStore opens the bbolt file, registering the offices, or starts the
// PostgreSQL node, which registers them when it becomes active.
func openStore(ctx context.Context, s *settings, addr net.Addr) (store, error) {
	opts := s.engine
	opts.Logger = s.log
	if s.dsn == "" {
		e, err := booking.Open(s.db, &opts)
		if errors.Is(err, booking.ErrLocked) {
			return nil, fmt.Errorf("%s is held by another process (another kuota serve?): %w", s.db, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.db, err)
		}
		n, err := registerOffices(ctx, e, s.offices)
		if err != nil {
			e.Close()
			return nil, err
		}
		s.log.Info("kuota serve: offices", "file", s.db, "offices", len(s.offices), "registered", n)
		return &fileStore{e: e}, nil
	}
	advertise, err := advertiseURL(s.advertise, addr)
	if err != nil {
		return nil, err
	}
	po := &postgres.Options{DSN: s.dsn, Address: advertise, Engine: opts, Logger: s.log}
	if s.node != nil {
		s.node(po)
	}
	ctx, cancel := context.WithTimeout(ctx, nodeStartTimeout)
	defer cancel()
	node, err := postgres.Start(ctx, po)
	if err != nil {
		return nil, fmt.Errorf("starting the PostgreSQL node: %w", err)
	}
	s.log.Info("kuota serve: PostgreSQL node started", "advertise", advertise)
	return &nodeStore{node: node, offices: s.offices, log: s.log}, nil
}

// advertiseURL returns the URL a node gives the others: the one
// configured, or http:// and the listening address when it names one
// host. Listening on every interface, serve cannot tell which address
// the others reach.
func advertiseURL(configured string, addr net.Addr) (string, error) {
	if configured != "" {
		return configured, nil
	}
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil || ap.Addr().IsUnspecified() {
		return "", fmt.Errorf("listening on every interface (%s), serve cannot tell the address other nodes reach it at: "+
			"give -advertise URL or the configuration's server.advertise", addr)
	}
	return "http://" + addr.String(), nil
}

// handlerOptions are kuotahttp's options from the settings.
func (s *settings) handlerOptions() kuotahttp.Options {
	o := kuotahttp.Options{
		Account:        gatewayAccount(s.accountHeader, s.trustedProxies),
		PublicCalendar: s.publicCalendar,
		PaymentSecret:  s.paymentSecret,
		ProofImage:     proofQR,
		Logger:         s.log,
	}
	if s.operatorToken != "" {
		o.Operator = bearerOperator(s.operatorToken)
	}
	if len(s.trustedProxies) > 0 {
		o.ClientAddr = kuotahttp.ForwardedFor(s.trustedProxies...)
	}
	return o
}

// Addr returns the address the server listens on.
func (srv *server) Addr() net.Addr { return srv.ln.Addr() }

// routes are serve's routes: kuotahttp's public API at /, its operator
// API at /operator/ with the calendar reads operators need beside it,
// and the probes and metrics.
func (srv *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", srv.healthz)
	mux.HandleFunc("GET /readyz", srv.readyz)
	mux.Handle("GET /metrics", srv.metrics.handler())
	cal := srv.metrics.countRefusals("operator", operatorCalendar(srv.handlers.opts.Operator, srv.handlers.public()))
	mux.Handle("GET /operator/offices", cal)
	mux.Handle("GET /operator/offices/{office}/months/{month}", cal)
	mux.Handle("GET /operator/offices/{office}/days/{date}", cal)
	mux.Handle("/operator/", srv.metrics.countRefusals("operator", http.StripPrefix(operatorPrefix, srv.handlers.operator())))
	mux.Handle("/", srv.metrics.countRefusals("public", srv.handlers.public()))
	return mux
}

// healthz answers while the process serves HTTP at all: a liveness probe.
func (srv *server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
}

// readyz answers 200 when the store can serve — a file that writes, an
// active node with its offices registered, a standby that knows the
// active node and follows it with a lag under standbyLagMax, stated —
// and 503 otherwise, or while shutting down.
func (srv *server) readyz(w http.ResponseWriter, _ *http.Request) {
	st := storeStatus{Reason: "shutting down"}
	if !srv.stopping.Load() {
		st = srv.st.status(time.Now())
	}
	status := http.StatusOK
	if !st.Ready {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(st)
}

// run serves until ctx ends (SIGINT, SIGTERM) or the listener fails, then
// shuts down: no new connections, the requests under way finished (for
// shutdownTimeout at most), the background work stopped, and the engine
// closed, or the node stopped and its lease given up.
func (srv *server) run(ctx context.Context) error {
	srv.s.log.Info("kuota serve: listening", "addr", "http://"+srv.Addr().String())
	served := make(chan error, 1)
	go func() { served <- srv.http.Serve(srv.ln) }()
	var err error
	select {
	case <-ctx.Done():
		srv.s.log.Info("kuota serve: shutting down")
	case err = <-served:
		srv.s.log.Error("kuota serve: serving", "err", err)
	}
	srv.stopping.Store(true)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if serr := srv.http.Shutdown(sctx); serr != nil {
		srv.s.log.Warn("kuota serve: requests cut short at shutdown", "err", serr)
		srv.http.Close()
	}
	srv.bgCancel()
	srv.bg.Wait()
	if cerr := srv.st.close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("closing: %w", cerr))
	}
	srv.s.log.Info("kuota serve: stopped")
	return err
}

// engineHandlers keeps kuotahttp's handler for the store's engine, and
// makes a new one when the engine changes: a PostgreSQL node that steps
// down is rebuilt around a new engine. The new handler starts with full
// rate-limit buckets, which a step-down (rare, and a failover already)
// can afford.
type engineHandlers struct {
	st   store
	opts kuotahttp.Options

	mu  sync.Mutex // serializes builds
	cur atomic.Pointer[builtHandler]
}

type builtHandler struct {
	e *booking.Engine
	h *kuotahttp.Handler
}

// handler returns the handler of the store's current engine.
func (eh *engineHandlers) handler() (*kuotahttp.Handler, error) {
	e := eh.st.engine()
	if b := eh.cur.Load(); b != nil && b.e == e {
		return b.h, nil
	}
	eh.mu.Lock()
	defer eh.mu.Unlock()
	if b := eh.cur.Load(); b != nil && b.e == e {
		return b.h, nil
	}
	opts := eh.opts
	h, err := kuotahttp.New(e, &opts)
	if err != nil {
		return nil, err
	}
	eh.cur.Store(&builtHandler{e: e, h: h})
	return h, nil
}

// public serves kuotahttp's public API with the current handler.
func (eh *engineHandlers) public() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := eh.handler()
		if err != nil {
			writeProblem(w, http.StatusInternalServerError, "internal", "Internal error", "")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// operator serves kuotahttp's operator API with the current handler.
func (eh *engineHandlers) operator() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := eh.handler()
		if err != nil {
			writeProblem(w, http.StatusInternalServerError, "internal", "Internal error", "")
			return
		}
		h.Operator().ServeHTTP(w, r)
	})
}
