package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
)

// ServerConfig holds what a server (`kuota serve`) needs beside the
// engine's offices and policy: where to listen, where the bookings are
// kept, and where to find its secrets. It is apart from File.Offices and
// File.Policy so that a service that embeds the engine can ignore it.
//
// Paths are resolved already: a relative path in the file is taken from
// the file's directory. A ServerConfig is a plain value.
type ServerConfig struct {
	// Listen is the address to listen on, "host:port" ("listen"); an
	// empty host listens on every interface.
	Listen string
	// DB is the path of the engine's bbolt file ("db"), "" when
	// PostgresDSN is set: exactly one of them is.
	DB string
	// PostgresDSN is where to read the PostgreSQL connection string
	// ("postgres_dsn"), which holds a password.
	PostgresDSN Secret
	// OperatorToken is where to read the operators' token
	// ("operator_token"); the zero Secret when the file names none.
	OperatorToken Secret
	// PaymentSecret is where to read the secret the payment channel signs
	// its confirmations with ("payment_secret"); the zero Secret when the
	// file names none.
	PaymentSecret Secret

	// AccountHeader is the request header that names the account of a
	// public request ("account_header"), such as "X-Kuota-Account": the
	// identity-aware proxy or API gateway in front of the server signs
	// applicants in and sets it. It is believed only on requests that
	// come from TrustedProxies, which the file must then list; "" when
	// the file names none, and then no public request has an account.
	AccountHeader string
	// TrustedProxies are the networks of the proxies in front of the
	// server ("trusted_proxies": "10.0.0.0/24", or one address): the
	// only peers whose AccountHeader and X-Forwarded-For are believed.
	// In a cluster they include the other kuota nodes, which forward
	// changes with the client's headers.
	TrustedProxies []netip.Prefix
	// PublicCalendar lets anyone read the offices and calendars without
	// an account ("public_calendar"); false by default.
	PublicCalendar bool
	// Advertise is the base URL other nodes of a PostgreSQL cluster
	// reach this server at ("advertise", "http://10.0.0.7:8080"), which a
	// standby forwards changes to while this node is active; "" when the
	// file names none.
	Advertise string
}

// secrets returns the secrets the file names, to be told where.
func (s *ServerConfig) secrets() []*Secret {
	var out []*Secret
	for _, p := range []*Secret{&s.PostgresDSN, &s.OperatorToken, &s.PaymentSecret} {
		if !p.IsZero() {
			out = append(out, p)
		}
	}
	return out
}

// Secret says where a secret is kept: in a file, or in an environment
// variable. A configuration file never holds a secret itself, because
// configuration files are copied, diffed, committed and pasted into
// tickets; it names where the secret is, and Secret.Read fetches it when
// the server starts. A file must be readable and writable by its owner
// only (mode 0600 or 0400): in a container, set the secret's mode to
// 0400, as Docker and Kubernetes mount secrets 0444 and 0644 by default.
//
// A Secret is a plain value; its String names where it is, never what.
type Secret struct {
	File string // a resolved path, or ""
	Env  string // the name of an environment variable, or ""

	field string // in the document, as "server.payment_secret"
	where *Error // the field's place in the file, for Read's errors
}

// IsZero reports whether s names no secret.
func (s Secret) IsZero() bool { return s.File == "" && s.Env == "" }

// String names where the secret is kept: "file /run/secrets/op",
// "env KUOTA_PAYMENT_SECRET".
func (s Secret) String() string {
	switch {
	case s.File != "":
		return "file " + s.File
	case s.Env != "":
		return "env " + s.Env
	}
	return "none"
}

// Read returns the secret: the environment variable's value, or the
// file's contents without a final line break. It refuses, with an error
// matching ErrSecret that names the configuration field, a variable that
// is not set or empty, and a file that is missing, empty, larger than
// SecretBytesMax, not a regular file, or that group or others may read or
// write. It reads the environment or the disk each time it is called.
func (s Secret) Read() (string, error) {
	v, err := s.read()
	if err != nil {
		e := Error{Field: s.field, Err: fmt.Errorf("%w: %s: %w", ErrSecret, s, err)}
		if s.where != nil {
			e.File, e.Line, e.Column = s.where.File, s.where.Line, s.where.Column
		}
		return "", &e
	}
	return v, nil
}

func (s Secret) read() (string, error) {
	switch {
	case s.Env != "":
		v, ok := os.LookupEnv(s.Env)
		if !ok {
			return "", errors.New("not set")
		}
		if v == "" {
			return "", errors.New("empty")
		}
		return v, nil
	case s.File != "":
		mode, err := statRegular(s.File)
		if err != nil {
			return "", err
		}
		if perm := mode.Perm(); perm&0o077 != 0 {
			return "", fmt.Errorf("mode %04o lets group or others at it: make it 0600 or 0400", perm)
		}
		data, err := readFile(s.File, SecretBytesMax)
		if err != nil {
			return "", err
		}
		data = bytes.TrimSuffix(data, []byte("\n"))
		data = bytes.TrimSuffix(data, []byte("\r"))
		if len(data) == 0 {
			return "", errors.New("empty")
		}
		return string(data), nil
	}
	return "", errors.New("none named")
}

// serverFrom reads the "server" section, resolving paths with src.
func serverFrom(w *serverJSON, src files) (*ServerConfig, error) {
	s := &ServerConfig{Listen: w.Listen}
	if err := checkListen(w.Listen); err != nil {
		return nil, errAt("server.listen", err)
	}
	switch {
	case (w.DB == nil) == (w.PostgresDSN == nil):
		return nil, errAt("server", fmt.Errorf(`%w: give "db" (a file) or "postgres_dsn", one of them`, ErrBadValue))
	case w.DB != nil && *w.DB == "":
		return nil, errAt("server.db", fmt.Errorf("%w: empty path", ErrBadValue))
	case w.DB != nil:
		s.DB = src.path(*w.DB)
	}
	secrets := []struct {
		name string
		in   *secretJSON
		out  *Secret
	}{
		{"postgres_dsn", w.PostgresDSN, &s.PostgresDSN},
		{"operator_token", w.OperatorToken, &s.OperatorToken},
		{"payment_secret", w.PaymentSecret, &s.PaymentSecret},
	}
	for _, f := range secrets {
		if f.in == nil {
			continue
		}
		path := "server." + f.name
		sec, err := secretFrom(f.in, path, src)
		if err != nil {
			return nil, err
		}
		*f.out = sec
	}
	if err := s.gatewayFrom(w); err != nil {
		return nil, err
	}
	return s, nil
}

// secretFrom reads where a secret is kept.
func secretFrom(w *secretJSON, path string, src files) (Secret, error) {
	s := Secret{field: path}
	switch {
	case (w.File == nil) == (w.Env == nil):
		return s, errAt(path, fmt.Errorf(`%w: give "file" or "env", one of them`, ErrBadValue))
	case w.File != nil:
		if *w.File == "" {
			return s, errAt(path+".file", fmt.Errorf("%w: empty path", ErrBadValue))
		}
		s.File = src.path(*w.File)
	default:
		if err := checkEnvName(*w.Env); err != nil {
			return s, errAt(path+".env", err)
		}
		s.Env = *w.Env
	}
	return s, nil
}

// checkEnvName checks the name of an environment variable: letters,
// digits and underscores, not starting with a digit, as a shell takes it.
func checkEnvName(name string) error {
	ok := name != "" && len(name) <= EnvNameBytesMax && !('0' <= name[0] && name[0] <= '9')
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
	}
	if !ok {
		return fmt.Errorf("%w: environment variable %s, want letters, digits and _ (at most %d bytes)", ErrBadValue, quote(name), EnvNameBytesMax)
	}
	return nil
}

// checkListen checks a listen address: "host:port" with a numeric port.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		return fmt.Errorf(`%w: listen address %s, want "host:port" such as "127.0.0.1:8080" or ":8080"`, ErrBadValue, quote(addr))
	}
	return nil
}
