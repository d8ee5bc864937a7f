// Package demo holds what the examples share: Indonesia's holiday lists
// as kuota ships them (package idholiday), three immigration offices, one
// in each of the country's time zones, and the opening of an engine in a
// file of the user's or a temporary one.
package demo

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
	"github.com/kuota/kuota/quota"
)

// Holidays returns the national holidays and collective leave days of
// every year kuota ships (2024 to 2026). A day of a later year stays not
// opened until its decree is loaded (see package idholiday), so a demo
// window that runs into 2027 shows that year's days yellow.
func Holidays() (calendar.Holidays, error) {
	return idholiday.All(), nil
}

// Pools are the M-Paspor capacity pools, in layout order.
var Pools = []string{"online", "walk-in", "accelerated", "collective"}

// Seats gives the capacity of each pool in one slot.
type Seats struct {
	Online, WalkIn, Accelerated, Collective int
}

// Layout returns eight one-hour arrival slots from 08:00 to 16:00 with the
// given seats in each.
func Layout(s Seats) quota.Layout {
	l := quota.Layout{Pools: Pools}
	for h := 8; h < 16; h++ {
		l.Slots = append(l.Slots, quota.Slot{
			Start: time.Duration(h) * time.Hour,
			End:   time.Duration(h+1) * time.Hour,
			Seats: []int{s.Online, s.WalkIn, s.Accelerated, s.Collective},
		})
	}
	return l
}

// Office describes one demo office.
type Office struct {
	Code, Name string
	Location   *time.Location
}

// Offices are three immigration offices: Jakarta Selatan (WIB, UTC+7),
// Makassar (WITA, UTC+8) and Jayapura (WIT, UTC+9).
func Offices() []Office {
	return []Office{
		{Code: "JKT-SEL", Name: "Kantor Imigrasi Jakarta Selatan", Location: calendar.Jakarta()},
		{Code: "MKS", Name: "Kantor Imigrasi Makassar", Location: calendar.Makassar()},
		{Code: "JPR", Name: "Kantor Imigrasi Jayapura", Location: calendar.Jayapura()},
	}
}

// Configs returns the demo offices ready to register: Monday to Friday,
// the shipped holidays (collective leave observed), the given seats,
// release rule and window of days.
func Configs(seats Seats, release quota.ReleaseRule, first calendar.Date, days int) ([]booking.OfficeConfig, error) {
	holidays, err := Holidays()
	if err != nil {
		return nil, fmt.Errorf("demo holidays: %w", err)
	}
	var out []booking.OfficeConfig
	for _, o := range Offices() {
		out = append(out, booking.OfficeConfig{
			Code: o.Code,
			Name: o.Name,
			Quota: quota.Config{
				Schedule: calendar.Schedule{Location: o.Location, Holidays: holidays, ObserveCollectiveLeave: true},
				Layout:   Layout(seats),
				Release:  release,
				First:    first,
				Days:     days,
			},
		})
	}
	return out, nil
}
