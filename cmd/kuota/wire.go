package main

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/kuotahttp"
	"github.com/kuota/kuota/quota"
)

// The answers of a running service's operator API, as kuotahttp writes
// them (kuotahttp/views.go and operator.go): the members the commands
// print, and no others, so that a member the service adds later is
// simply not read.

type officesWire struct {
	Offices []officeWire `json:"offices"`
}

type officeWire struct {
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Zone  string   `json:"zone"`
	Pools []string `json:"pools"`
	Slots []struct {
		Slot string `json:"slot"`
		Time string `json:"time"`
	} `json:"slots"`
}

type monthWire struct {
	Days []dayWire `json:"days"`
}

type dayWire struct {
	Date   calendar.Date `json:"date"`
	State  string        `json:"state"`
	Reason string        `json:"reason"`
	Opens  time.Time     `json:"opens"`
	Pools  map[string]struct {
		Left int `json:"left"`
	} `json:"pools"`
}

type arrivalsWire struct {
	Bookings []bookingWire `json:"bookings"`
}

type bookingWire struct {
	Code       string `json:"code"`
	SlotTime   string `json:"slot_time"` // "08:00–09:00"
	Queue      string `json:"queue"`     // "A-001", "" before payment
	Pool       string `json:"pool"`
	State      string `json:"state"`
	PaymentRef string `json:"payment_ref"`
	Applicants []struct {
		NIK string `json:"nik"` // masked by the service
	} `json:"applicants"`
}

type statsWire struct {
	Bookings          map[string]int `json:"bookings"`
	Total             int            `json:"total"`
	Durable           bool           `json:"durable"`
	PendingWrites     int            `json:"pending_writes"`
	Commits           uint64         `json:"commits"`
	Changes           uint64         `json:"changes"`
	AvgBatch          float64        `json:"avg_batch"`
	LastCommitSeconds float64        `json:"last_commit_seconds"`
	Failing           bool           `json:"failing"`
	StorageError      string         `json:"storage_error"`
	Standby           bool           `json:"standby"`
	Followed          uint64         `json:"followed"`
	HolidayGaps       []gapWire      `json:"holiday_gaps"`
}

type checkWire struct {
	OK          bool            `json:"ok"`
	Violations  []violationWire `json:"violations"`
	HolidayGaps []gapWire       `json:"holiday_gaps"`
}

type violationWire struct {
	Office  string        `json:"office"`
	Date    calendar.Date `json:"date"`
	Slot    string        `json:"slot"`
	Pool    string        `json:"pool"`
	Code    string        `json:"code"`
	Problem string        `json:"problem"`
}

// String writes a violation as booking.Violation.String does, with the
// slot and pool by name.
func (v violationWire) String() string {
	switch {
	case v.Code != "":
		return fmt.Sprintf("booking %s: %s", v.Code, v.Problem)
	case v.Office != "":
		return fmt.Sprintf("%s %s slot %s pool %s: %s", v.Office, v.Date, v.Slot, v.Pool, v.Problem)
	}
	return v.Problem
}

type gapWire struct {
	Office string `json:"office"`
	Years  []int  `json:"years"`
}

// dayView turns a day of the service's month into the view the grid
// draws: its state, its reason, when it opens, and the seats left in
// the pools the month counts.
func (d *dayWire) dayView() (quota.DayView, error) {
	state, ok := kuotahttp.ParseDayState(d.State)
	if !ok {
		return quota.DayView{}, fmt.Errorf("%s: a day state this kuota does not know: %q", d.Date, d.State)
	}
	v := quota.DayView{Date: d.Date, State: state, Reason: d.Reason, Opens: d.Opens}
	for _, p := range d.Pools {
		v.Left += p.Left
	}
	return v, nil
}
