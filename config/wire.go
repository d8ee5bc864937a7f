package config

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The wire types: the document as written, field for field. They are
// the format's own, so that a change to booking's or quota's structs never
// changes the file format by accident (booking.OfficeConfig marshalled by
// encoding/json gives "Location":{} and durations in nanoseconds). The
// decoder reads them (decode.go); Marshal writes them with encoding/json.
// Pointers mark optional fields: nil when absent.

// fileJSON is the whole document.
type fileJSON struct {
	// Holidays is the holiday data of every office that names none of
	// its own.
	Holidays *names       `json:"holidays,omitempty"`
	Offices  []officeJSON `json:"offices" kuota:"required"`
	Policy   *policyJSON  `json:"policy,omitempty"`
	Server   *serverJSON  `json:"server,omitempty"`
}

type officeJSON struct {
	Code                   string        `json:"code" kuota:"required"`
	Name                   string        `json:"name" kuota:"required"`
	Zone                   string        `json:"zone" kuota:"required"`
	Week                   *names        `json:"week,omitempty"`
	Pools                  []string      `json:"pools" kuota:"required"`
	Slots                  []slotJSON    `json:"slots" kuota:"required"`
	Release                releaseJSON   `json:"release" kuota:"required"`
	First                  string        `json:"first" kuota:"required"`
	Days                   int           `json:"days" kuota:"required"`
	Holidays               *names        `json:"holidays,omitempty"`
	ObserveCollectiveLeave *bool         `json:"observe_collective_leave,omitempty"`
	Closures               []closureJSON `json:"closures,omitempty"`
	OpeningWindow          *string       `json:"opening_window,omitempty"` // "60s"
}

type slotJSON struct {
	Time  string         `json:"time" kuota:"required"`  // "08:00-09:00"
	Seats map[string]int `json:"seats" kuota:"required"` // pool name → seats

	pools []string // the office's, for MarshalJSON: nil when read
}

// MarshalJSON writes the seats in the order of the office's pools, as a
// person would, rather than sorted by name as encoding/json writes a map.
func (s slotJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"time":`)
	if err := writeJSON(&b, s.Time); err != nil {
		return nil, err
	}
	b.WriteString(`,"seats":{`)
	for i, name := range s.pools {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSON(&b, name); err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, ":%d", s.Seats[name])
	}
	b.WriteString("}}")
	return b.Bytes(), nil
}

type releaseJSON struct {
	Every   string  `json:"every" kuota:"required"` // immediately, daily, weekly, monthly
	Lead    *int    `json:"lead,omitempty"`
	Weekday *string `json:"weekday,omitempty"`
	Day     *int    `json:"day,omitempty"`
	At      *string `json:"at,omitempty"` // "08:00"
}

type closureJSON struct {
	Date   string `json:"date" kuota:"required"`
	Reason string `json:"reason" kuota:"required"`
}

type policyJSON struct {
	HoldTTL               *string `json:"hold_ttl,omitempty"`
	MaxHoldsPerAccount    *int    `json:"max_holds_per_account,omitempty"`
	BookingsMax           *int    `json:"bookings_max,omitempty"`
	Retention             *string `json:"retention,omitempty"`
	ClockJumpHold         *string `json:"clock_jump_hold,omitempty"`
	CollectionServiceDays *int    `json:"collection_service_days,omitempty"`
	ReschedulesMax        *int    `json:"reschedules_max,omitempty"`
	RescheduleUntil       *string `json:"reschedule_until,omitempty"` // "H-1"
	CancelUntil           *string `json:"cancel_until,omitempty"`     // "H-2"
	CheckInEarly          *string `json:"check_in_early,omitempty"`
	ReapplyAfterMonths    *int    `json:"reapply_after_months,omitempty"`
	ReapplyAfterUnreached *bool   `json:"reapply_after_unreached,omitempty"`
}

type serverJSON struct {
	Listen         string      `json:"listen" kuota:"required"`
	DB             *string     `json:"db,omitempty"`
	PostgresDSN    *secretJSON `json:"postgres_dsn,omitempty"`
	OperatorToken  *secretJSON `json:"operator_token,omitempty"`
	PaymentSecret  *secretJSON `json:"payment_secret,omitempty"`
	AccountHeader  *string     `json:"account_header,omitempty"`
	TrustedProxies []string    `json:"trusted_proxies,omitempty"`
	PublicCalendar *bool       `json:"public_calendar,omitempty"`
	Advertise      *string     `json:"advertise,omitempty"`
}

type secretJSON struct {
	File *string `json:"file,omitempty"`
	Env  *string `json:"env,omitempty"`
}

// wantJSON tells the decoder what to say when a secret is given as
// anything but an object: most likely, as the secret itself.
func (secretJSON) wantJSON() string {
	return `an object {"file": PATH} or {"env": NAME} (a secret is never written in the file itself)`
}

// names is a string or an array of strings: a week ("mon-fri" or
// ["mon", "wed"]) or a list of holiday sources ("none", or ["id",
// "holidays-2027.csv"]).
type names struct {
	list   []string
	listed bool // written as an array
}

// MarshalJSON writes names as they were read: one string, or an array.
func (n names) MarshalJSON() ([]byte, error) {
	if !n.listed && len(n.list) == 1 {
		return json.Marshal(n.list[0])
	}
	return json.Marshal(n.list)
}
