// Command httpapi shows how to put kuota behind HTTP with package
// kuotahttp: the public JSON API and the calendar page at /, the operator
// API at /operator/, over one booking.Engine.
//
// Run it and open the page:
//
//	go run ./examples/httpapi
//	open http://localhost:8080
//
// It registers the three demo offices of examples/internal/demo (Jakarta
// Selatan, Makassar, Jayapura), each releasing every day's quota thirty
// days ahead at 08:00 local time, so the calendar shows green days that
// can be booked and yellow days that open later.
//
// # Demo only
//
// A real service signs its users in; this one believes a header, and
// only from the machine it runs on (see demo.go): the account is
// X-Demo-Account, the operator X-Demo-Operator. The page asks for the
// account and sends it. Payments come, as kuotahttp requires, from a
// payment channel that signs them: here a simulated one at POST
// /demo/pay, which signs {"billing_code": …} with a secret drawn at start
// and hands it to kuotahttp's POST /payments. From the command line:
//
//	curl -H 'X-Demo-Account: budi@example.com' localhost:8080/offices
//	curl -H 'X-Demo-Account: budi@example.com' -d '{"office":"JKT-SEL","date":"2026-12-10",
//	     "slot":"09:00","pool":"online","applicants":[{"nik":"3171010101900001"}]}' localhost:8080/holds
//	curl -H 'X-Demo-Account: budi@example.com' -d '{"billing_code":"…"}' localhost:8080/demo/pay
//	curl -H 'X-Demo-Operator: desk-1' localhost:8080/operator/offices/JKT-SEL/days/2026-12-10/arrivals
//
// The routes, the problems and the rules are kuotahttp's: see its
// documentation.
//
// # Flags
//
//	-addr   where to listen (default localhost:8080; localhost:0 picks a port)
//	-db     a bbolt file to keep bookings in across restarts; without it the
//	        program uses a file in a fresh temporary directory and removes it
//	        on exit
//	-mem    keep everything in memory instead (booking.New)
//
// # Shutdown
//
// SIGINT or SIGTERM stops accepting connections, lets requests in flight
// finish (for at most shutdownTimeout), and then closes the engine, which
// waits for every accepted change to reach the disk.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/examples/internal/demo"
	"github.com/kuota/kuota/kuotahttp"
	"github.com/kuota/kuota/quota"
)

// Server limits. Each bounds what one slow or hostile client can hold on
// to; the values are ordinary for a small JSON API.
const (
	// readHeaderTimeout stops a client that trickles its headers
	// (Slowloris) from pinning a connection.
	readHeaderTimeout = 5 * time.Second
	// readTimeout and writeTimeout bound a whole request and response;
	// the largest body is kuotahttp's BodyBytesMax, a few milliseconds'
	// work. (A backup of a large file needs a longer writeTimeout.)
	readTimeout  = 10 * time.Second
	writeTimeout = 10 * time.Second
	// idleTimeout closes keep-alive connections nobody uses.
	idleTimeout = 60 * time.Second
	// headerBytesMax bounds request headers: this API needs none beyond
	// the usual few hundred bytes.
	headerBytesMax = 16 << 10
	// shutdownTimeout is how long requests in flight may take to finish
	// after a signal; an engine call waits for at most one fsync.
	shutdownTimeout = 10 * time.Second
)

// Demo quota: how the offices are registered on start.
const (
	// horizonDays is the booking horizon: about three months ahead, so
	// the page shows green (released) and yellow (not yet released) days.
	horizonDays = 90
	// releaseLeadDays and releaseAt: every day's quota opens thirty days
	// before it at 08:00 office time, a rolling window.
	releaseLeadDays = 30
	releaseAt       = 8 * time.Hour
)

// demoSeats are the seats of each pool in every one-hour slot.
var demoSeats = demo.Seats{Online: 10, WalkIn: 4, Accelerated: 2, Collective: 2}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "httpapi:", err)
		os.Exit(1)
	}
}

// run is the whole program: it parses args, opens the engine, registers
// the demo offices and serves until ctx ends. It prints "listening on
// http://ADDR" to stdout once the listener is up, so that a test (or a
// script) can start it with -addr localhost:0 and learn the port.
func run(ctx context.Context, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("httpapi", flag.ContinueOnError)
	addr := fs.String("addr", "localhost:8080", "`host:port` to listen on")
	dbPath := fs.String("db", "", "bbolt `file` to keep bookings in (default: a temporary file removed on exit)")
	inMemory := fs.Bool("mem", false, "keep bookings in memory only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *inMemory && *dbPath != "" {
		return errors.New("-mem and -db exclude each other")
	}

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	opts := &booking.Options{Logger: log}
	var engine *booking.Engine
	cleanup := func() error { return nil }
	if *inMemory {
		engine, err = booking.New(opts)
	} else {
		engine, cleanup, err = demo.OpenEngine("httpapi", *dbPath, opts)
	}
	if err != nil {
		return err
	}
	// Close the engine after the server has stopped, so that no request
	// is cut off half way; then remove the temporary file, if any.
	defer func() {
		err = errors.Join(err, engine.Close(), cleanup())
	}()

	today := calendar.DateOf(time.Now(), calendar.Jakarta())
	if err := registerDemoOffices(ctx, engine, today); err != nil {
		return err
	}
	h, err := newHandler(engine, log)
	if err != nil {
		return err
	}
	return serve(ctx, *addr, h, stdout)
}

// registerDemoOffices registers the demo offices with a horizon starting
// today. Registering again on a file that has them already is what a
// real service does on every start: RegisterOffice keeps the bookings and
// operator changes, and only moves the window forward.
func registerDemoOffices(ctx context.Context, e *booking.Engine, today calendar.Date) error {
	release := quota.ReleaseRule{Every: quota.Daily, Lead: releaseLeadDays, At: releaseAt}
	cfgs, err := demo.Configs(demoSeats, release, today, horizonDays)
	if err != nil {
		return err
	}
	for _, cfg := range cfgs {
		if err := e.RegisterOffice(ctx, cfg); err != nil {
			return fmt.Errorf("register %s: %w", cfg.Code, err)
		}
	}
	return nil
}

// newHandler is the whole service: kuotahttp's public API and page at /,
// its operator API at /operator/, and the simulated payment channel at
// /demo/pay.
func newHandler(e *booking.Engine, log *slog.Logger) (http.Handler, error) {
	secret, err := newPaymentSecret()
	if err != nil {
		return nil, err
	}
	h, err := kuotahttp.New(e, &kuotahttp.Options{
		Account:           demoAccount,
		Operator:          demoOperator,
		PaymentSecret:     secret,
		Logger:            log,
		PageAccountHeader: accountHeader,
		PagePayURL:        "/demo/pay",
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle("/operator/", http.StripPrefix("/operator", h.Operator()))
	mux.Handle("POST /demo/pay", demoPaymentChannel(h, secret))
	return mux, nil
}

// serve serves h on addr until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, addr string, h http.Handler, stdout io.Writer) error {
	// Listen first, so the printed address is the real one (with
	// -addr localhost:0, the port the kernel picked) and a client that
	// reads the line can connect at once.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    headerBytesMax,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	select {
	case err := <-served:
		return err // Serve failed on its own; it never returns nil
	case <-ctx.Done():
	}
	// A fresh context: ctx is already done, and Shutdown needs time to
	// let requests in flight finish.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
