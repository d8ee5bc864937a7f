package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/kuota/kuota/config"
	"github.com/kuota/kuota/kuotahttp"
)

// runServe runs the booking service a configuration file describes, until
// SIGINT or SIGTERM.
func runServe(_ io.Writer, fs *flag.FlagSet, args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveCommand(ctx, fs, args, serveHooks{})
}

// serveHooks let a test reach into serve: adjust the settings read from
// the file (a frozen clock, a PostgreSQL schema of its own), and learn
// the server once it listens. The zero value does neither.
type serveHooks struct {
	settings func(*settings)
	started  func(*server)
}

// serveFlags are serve's flags: the configuration file, and what may
// override its server section.
type serveFlags struct {
	config    string
	db        string
	dsn       string
	listen    string
	advertise string
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "the configuration `file`, kuota.json (required; see package config)")
	fs.StringVar(&f.db, "db", "", "keep the bookings in this bbolt `file`, instead of the configuration's server.db or postgres_dsn")
	fs.StringVar(&f.dsn, "postgres", "", "keep the bookings in PostgreSQL at this `DSN`, instead of the configuration's (which reads it from a secret; a flag shows in the process list)")
	fs.StringVar(&f.listen, "listen", "", "listen on this `address`, host:port, instead of the configuration's server.listen")
	fs.StringVar(&f.advertise, "advertise", "", "with -postgres, the base `URL` other nodes reach this one at (default http:// and -listen, when it names one host)")
}

// serveCommand parses serve's command line, reads the configuration and
// its secrets, and serves until ctx ends.
func serveCommand(ctx context.Context, fs *flag.FlagSet, args []string, hooks serveHooks) error {
	var f serveFlags
	f.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case f.config == "":
		return usagef(fs, "missing -config: the configuration file, kuota.json")
	case f.db != "" && f.dsn != "":
		return usagef(fs, "-db and -postgres both given: keep the bookings in a file, or in PostgreSQL, not both")
	}
	log := slog.New(slog.NewTextHandler(fs.Output(), nil))
	s, err := f.settings(log)
	if err != nil {
		return err
	}
	if hooks.settings != nil {
		hooks.settings(s)
	}
	srv, err := startServer(ctx, s)
	if err != nil {
		return err
	}
	if hooks.started != nil {
		hooks.started(srv)
	}
	return srv.run(ctx)
}

// settings reads the configuration file and its secrets, with the flags'
// overrides, and says what the service will not do for want of a
// setting.
func (f *serveFlags) settings(log *slog.Logger) (*settings, error) {
	file, err := config.Load(f.config)
	if err != nil {
		return nil, err
	}
	sc := file.Server
	if sc == nil {
		sc = &config.ServerConfig{} // the flags must say it all
	}
	s := &settings{
		listen:         sc.Listen,
		db:             sc.DB,
		advertise:      sc.Advertise,
		offices:        file.Offices,
		engine:         file.Policy.Options(),
		accountHeader:  sc.AccountHeader,
		trustedProxies: sc.TrustedProxies,
		publicCalendar: sc.PublicCalendar,
		log:            log,
	}
	switch {
	case f.db != "":
		s.db = f.db
	case f.dsn != "":
		s.db, s.dsn = "", f.dsn
	case !sc.PostgresDSN.IsZero():
		if s.dsn, err = sc.PostgresDSN.Read(); err != nil {
			return nil, err
		}
	}
	if f.listen != "" {
		s.listen = f.listen
	}
	if f.advertise != "" {
		s.advertise = f.advertise
	}
	switch {
	case s.db == "" && s.dsn == "":
		return nil, fmt.Errorf("%s: no place for the bookings: give -db FILE or -postgres DSN, or server.db or server.postgres_dsn", f.config)
	case s.listen == "":
		return nil, fmt.Errorf("%s: no address to listen on: give -listen ADDR or server.listen", f.config)
	}
	if err := s.readSecrets(sc); err != nil {
		return nil, err
	}
	s.warnDisabled(f.config)
	return s, nil
}

// readSecrets reads the operator token and the payment secret, and
// refuses ones too short to withstand guessing.
func (s *settings) readSecrets(sc *config.ServerConfig) error {
	if !sc.OperatorToken.IsZero() {
		token, err := sc.OperatorToken.Read()
		if err != nil {
			return err
		}
		if len(token) < operatorTokenBytesMin {
			return fmt.Errorf("server.operator_token (%s) is %d bytes; want at least %d (openssl rand -hex 16 makes one)",
				sc.OperatorToken, len(token), operatorTokenBytesMin)
		}
		s.operatorToken = token
	}
	if !sc.PaymentSecret.IsZero() {
		secret, err := sc.PaymentSecret.Read()
		if err != nil {
			return err
		}
		if len(secret) < kuotahttp.PaymentSecretBytesMin {
			return fmt.Errorf("server.payment_secret (%s) is %d bytes; want at least %d",
				sc.PaymentSecret, len(secret), kuotahttp.PaymentSecretBytesMin)
		}
		s.paymentSecret = []byte(secret)
	}
	return nil
}

// warnDisabled logs what nobody can do for want of a setting: the
// defaults let nobody in, which is safe and easy to mistake for a bug.
func (s *settings) warnDisabled(path string) {
	if s.operatorToken == "" {
		s.log.Warn("kuota serve: no server.operator_token: the operator API refuses every request", "config", path)
	}
	if s.accountHeader == "" {
		s.log.Warn("kuota serve: no server.account_header: the public API refuses every request that needs an account", "config", path)
	}
	if s.paymentSecret == nil {
		s.log.Warn("kuota serve: no server.payment_secret: payment callbacks are refused", "config", path)
	}
}
