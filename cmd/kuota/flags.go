package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
)

// lockTimeoutMax bounds -timeout. kuota is run by a person at a terminal or
// by a cron job; if the file is still busy after a minute, a service is
// running on it and waiting longer only hides that.
const lockTimeoutMax = time.Minute

// fileFlags are the flags of a command that reads a booking file: which
// file, how long to wait for it, and as of when to look at it.
type fileFlags struct {
	db       string
	timeout  time.Duration
	now      instantFlag // the zero time means the current time
	warnings io.Writer   // where the engine's warnings go: the command's stderr
}

func (f *fileFlags) register(fs *flag.FlagSet) {
	f.registerAs(fs, "the booking `file` to read (required)")
}

// registerAs registers the flags, describing -db with dbUsage.
func (f *fileFlags) registerAs(fs *flag.FlagSet, dbUsage string) {
	f.warnings = fs.Output()
	fs.StringVar(&f.db, "db", "", dbUsage)
	fs.DurationVar(&f.timeout, "timeout", booking.DefaultLockTimeout,
		fmt.Sprintf("how long to wait while another process holds the file, at most %v", lockTimeoutMax))
	fs.Var(&f.now, "now",
		"look at the file as of this RFC 3339 `instant` (2026-12-01T08:00:00+07:00) instead of now")
}

// check reports a missing or out-of-range flag as a usage error.
func (f *fileFlags) check(fs *flag.FlagSet) error {
	if f.db == "" {
		return usagef(fs, "missing -db: which booking file to read")
	}
	return f.checkTimeout(fs)
}

func (f *fileFlags) checkTimeout(fs *flag.FlagSet) error {
	if f.timeout <= 0 || f.timeout > lockTimeoutMax {
		return usagef(fs, "-timeout %v out of range: want more than 0 and at most %v", f.timeout, lockTimeoutMax)
	}
	return nil
}

// tokenEnv is the environment variable that gives the operator token
// when -token does not: a flag's value shows in the process list.
const tokenEnv = "KUOTA_OPERATOR_TOKEN"

// sourceFlags are the flags of a command that reads either a booking
// file no process holds (-db) or a running service (-addr), through its
// operator API.
type sourceFlags struct {
	fileFlags
	addr  string
	token string
}

func (f *sourceFlags) register(fs *flag.FlagSet) {
	f.registerAs(fs, "the booking `file` to read, when no service holds it (this or -addr)")
	fs.StringVar(&f.addr, "addr", "", "the `URL` of a running kuota serve, such as http://127.0.0.1:8080, to ask through its operator API (this or -db)")
	fs.StringVar(&f.token, "token", "", "the operator `token` for -addr (default $"+tokenEnv+", which keeps it out of the process list)")
}

// check reports a missing, conflicting or out-of-range flag as a usage
// error, and takes the token from the environment when -token is not
// given.
func (f *sourceFlags) check(fs *flag.FlagSet) error {
	switch {
	case f.db == "" && f.addr == "":
		return usagef(fs, "missing -db or -addr: which booking file, or which running service, to read")
	case f.db != "" && f.addr != "":
		return usagef(fs, "-db and -addr both given: read a file, or ask a service, not both")
	case f.db != "":
		if f.token != "" {
			return usagef(fs, "-token is for -addr: a file is read without one")
		}
		return f.checkTimeout(fs)
	case !f.now.IsZero():
		return usagef(fs, "-now is for -db: a service answers as of its own clock")
	}
	if _, err := parseServiceURL(f.addr); err != nil {
		return usagef(fs, "invalid value %q for flag -addr: %v", f.addr, err)
	}
	if f.token == "" {
		f.token = os.Getenv(tokenEnv)
	}
	if f.token == "" {
		return usagef(fs, "missing -token: the service's operator token, or set $%s", tokenEnv)
	}
	return nil
}

// remote returns the service -addr names.
func (f *sourceFlags) remote() *remote {
	u, _ := parseServiceURL(f.addr) // checked by check
	return newRemote(u, f.token)
}

// today returns the date at an office in loc, as of -now or else the
// current time: the day an operator means when they give no -date.
func (f *fileFlags) today(loc *time.Location) calendar.Date {
	now := f.now.Time
	if now.IsZero() {
		now = time.Now()
	}
	return calendar.DateOf(now, loc)
}

// instantFlag is the value of -now: an RFC 3339 instant, the zero time when
// the flag is not given. (flag.TextVar would do, but would show the zero
// time as a default.)
type instantFlag struct{ time.Time }

func (f *instantFlag) String() string {
	if f.IsZero() {
		return ""
	}
	return f.Format(time.RFC3339)
}

func (f *instantFlag) Set(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return errors.New("want an RFC 3339 instant with its offset, such as 2026-12-01T08:00:00+07:00")
	}
	f.Time = t
	return nil
}

// dateFlag is the value of -date: a civil date, the zero Date when the flag
// is not given.
type dateFlag struct{ calendar.Date }

func (f *dateFlag) String() string {
	if f.IsZero() {
		return ""
	}
	return f.Date.String()
}

func (f *dateFlag) Set(s string) error {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return errors.New("want YYYY-MM-DD, such as 2026-12-10")
	}
	f.Date = d
	return nil
}

// monthFlag is the value of -month: a year and a month, the zero value when
// the flag is not given.
type monthFlag struct {
	year  int
	month time.Month
}

func (m *monthFlag) String() string {
	if m.year == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.year, int(m.month))
}

func (m *monthFlag) Set(s string) error {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < calendar.YearMin {
		return errors.New("want YYYY-MM, such as 2026-12")
	}
	m.year, m.month = t.Year(), t.Month()
	return nil
}
