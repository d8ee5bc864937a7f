package config_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/config"
)

// A service reads its file, opens an engine with the file's policy and
// registers the file's offices.
func ExampleParse() {
	data := []byte(`{
  "holidays": "id",
  "offices": [
    {
      "code": "KANIM-JKT-SEL",
      "name": "Kantor Imigrasi Jakarta Selatan",
      "zone": "Asia/Jakarta",
      "pools": ["online", "walk-in"],
      "slots": [{"time": "08:00-09:00", "seats": {"online": 40, "walk-in": 10}}],
      "release": {"every": "monthly", "lead": 1, "day": 1, "at": "08:00"},
      "first": "2026-12-01",
      "days": 31
    }
  ],
  "policy": {"hold_ttl": "90m"}
}`)
	f, err := config.Parse("kuota.json", data, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := f.Policy.Options()
	// December's quota opened on 1 November at 08:00.
	opts.Now = func() time.Time { return time.Date(2026, time.November, 2, 9, 0, 0, 0, calendar.Jakarta()) }
	opts.NoSweeper = true
	e, err := booking.New(&opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	ctx := context.Background()
	for _, o := range f.Offices {
		if err := e.RegisterOffice(ctx, o); err != nil {
			fmt.Println(err)
			return
		}
	}
	nik, err := booking.ParseNIK("3171010101900001")
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := e.Hold(ctx, booking.HoldRequest{
		Account:    "budi",
		Office:     "KANIM-JKT-SEL",
		Date:       calendar.NewDate(2026, time.December, 10),
		Slot:       "08:00",
		Pool:       "online",
		Applicants: []booking.Applicant{{NIK: nik}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Office, b.Date, b.Slot, b.State)
	fmt.Println("pay by", b.PayBy.Format("2006-01-02 15:04 MST"))
	day, err := e.Day(ctx, "KANIM-JKT-SEL", calendar.NewDate(2026, time.December, 25))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(day.Date, day.State, day.Reason)
	// Output:
	// KANIM-JKT-SEL 2026-12-10 08:00 held
	// pay by 2026-11-02 10:30 WIB
	// 2026-12-25 holiday Hari Raya Natal
}

// An error names the file, the line and column, and the field.
func ExampleError() {
	_, err := config.Parse("kuota.json", []byte(`{
  "holidays": "none",
  "offices": [
    {
      "code": "JKT", "name": "Jakarta", "zone": "Asia/Jakarta", "pools": ["online"],
      "slots": [
        {"time": "08:00-09:00", "seats": {"online": 5}},
        {"time": "08:30-09:30", "seats": {"online": 5}}
      ],
      "release": {"every": "immediately"}, "first": "2026-12-01", "days": 30
    }
  ]
}`), "")
	fmt.Println(err)
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Println(ce.Line, ce.Field)
	}
	fmt.Println(errors.Is(err, config.ErrOverlappingSlots))
	// Output:
	// kuota.json:8:18: offices[0].slots[1].time: config: slots overlap: 08:30–09:30 overlaps slots[0] 08:00–09:00
	// 8 offices[0].slots[1].time
	// true
}
