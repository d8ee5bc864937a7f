package booking

// The refusal table of TestAdversarialEngineRefusals, for everything but
// Hold: lookups by code, the operations on a booking, offices and operator
// changes, and the calendar views.

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// advStrings maps a case name to a string made from the fixture.
type advStrings map[string]func(f *advFixture) string

func advConst(s string) func(*advFixture) string { return func(*advFixture) string { return s } }

// advBadCodes are strings that cannot be a booking code.
var advBadCodes = advStrings{
	"empty":                            advConst(""),
	"9 symbols":                        advConst("ABCDEFGHJ"),
	"11 symbols":                       advConst("ABCDEFGHJKM"),
	"U":                                advConst("UUUUUUUUUU"),
	"punctuation":                      advConst("!!!!!!!!!!"),
	"newline":                          advConst("ABCDEFGHJ\n"),
	"leading space":                    advConst(" ABCDEFGHJ"),
	"Arabic-Indic digits":              advConst("٣٣٣٣٣"),
	"fullwidth digits":                 advConst("３３３4"),
	"invalid UTF-8":                    advConst(strings.Repeat("\xff", 10)),
	"NULs":                             advConst(strings.Repeat("\x00", 10)),
	"one MiB":                          advConst(advMiB),
	"a billing code":                   func(f *advFixture) string { return f.paid.BillingCode },
	"a code and a newline":             func(f *advFixture) string { return f.paid.Code + "\n" },
	"a code, hyphenated":               func(f *advFixture) string { return f.paid.Code[:5] + "-" + f.paid.Code[5:] },
	"a code, one symbol replaced by #": func(f *advFixture) string { return "#" + f.paid.Code[1:] },
}

// advAbsentCodes are well-formed booking codes that find no booking (each
// could find one of the fixture's five with probability 5/2⁵⁰).
var advAbsentCodes = advStrings{
	"never handed out":        func(f *advFixture) string { return f.absentCode },
	"never handed out, lower": func(f *advFixture) string { return strings.ToLower(f.absentCode) },
	"of sequence number 0":    func(f *advFixture) string { return formatCode(f.e.codes.code(0)) },
	"all zeros":               advConst("0000000000"),
	"all O":                   advConst("OOOOOOOOOO"),
	"all Z":                   advConst("ZZZZZZZZZZ"),
	"a billing code's head":   func(f *advFixture) string { return f.paid.BillingCode[:10] },
	"a billing code's tail":   func(f *advFixture) string { return f.paid.BillingCode[5:] },
	"another booking's with its last symbol changed": func(f *advFixture) string {
		c := f.paid.Code
		return c[:9] + string(crockford[(strings.IndexByte(crockford, c[9])+1)%32])
	},
}

// advBadBillings are strings that cannot be a billing code.
var advBadBillings = advStrings{
	"empty":             advConst(""),
	"14 digits":         func(f *advFixture) string { return f.paid.BillingCode[:14] },
	"16 digits":         func(f *advFixture) string { return f.paid.BillingCode + "0" },
	"leading zero":      func(f *advFixture) string { return "0" + f.paid.BillingCode[1:] },
	"fullwidth digit":   func(f *advFixture) string { return "１" + f.paid.BillingCode[3:] },
	"Arabic-Indic":      func(f *advFixture) string { return "٣" + f.paid.BillingCode[2:] },
	"space inside":      func(f *advFixture) string { b := f.paid.BillingCode; return b[:7] + " " + b[8:] },
	"minus sign":        func(f *advFixture) string { return "-" + f.paid.BillingCode[1:] },
	"plus sign":         func(f *advFixture) string { return "+" + f.paid.BillingCode[1:] },
	"exponent":          func(f *advFixture) string { return "1e14" + f.paid.BillingCode[4:] },
	"hexadecimal":       func(f *advFixture) string { return "0x" + f.paid.BillingCode[2:] },
	"a booking code":    func(f *advFixture) string { return f.paid.Code },
	"invalid UTF-8":     advConst(strings.Repeat("\xff", 15)),
	"NULs":              advConst(strings.Repeat("\x00", 15)),
	"newline":           func(f *advFixture) string { return f.paid.BillingCode[:14] + "\n" },
	"one MiB":           advConst(advMiB),
	"one MiB of digits": advConst(strings.Repeat("1", 1<<20)),
}

// advAbsentBillings are well-formed billing codes that find no booking.
var advAbsentBillings = advStrings{
	"never handed out": func(f *advFixture) string { return f.absentBilling },
	"all nines":        advConst("999999999999999"),
	"the smallest":     advConst("100000000000000"),
}

// advBookingCalls are refusals of the lookups and of Pay, Cancel,
// Reschedule, CheckIn and Reject.
func advBookingCalls() []advCall {
	var calls []advCall
	add := func(name string, want error, call func(ctx context.Context, f *advFixture) error) {
		calls = append(calls, advCall{name: name, want: want, index: -1, call: call})
	}
	// By booking code. The strings depend on the fixture, so each case
	// picks its string by name when it runs.
	byCode := map[string]func(ctx context.Context, f *advFixture, code string) error{
		"get":    func(ctx context.Context, f *advFixture, c string) error { _, err := f.e.Get(ctx, c); return err },
		"cancel": func(ctx context.Context, f *advFixture, c string) error { _, err := f.e.Cancel(ctx, c); return err },
		"reschedule": func(ctx context.Context, f *advFixture, c string) error {
			_, err := f.e.Reschedule(ctx, c, dec11, 0)
			return err
		},
		"check in": func(ctx context.Context, f *advFixture, c string) error { _, err := f.e.CheckIn(ctx, c); return err },
		"reject": func(ctx context.Context, f *advFixture, c string) error {
			_, err := f.e.Reject(ctx, c, "ditolak")
			return err
		},
	}
	for op, call := range byCode {
		for name, code := range advBadCodes {
			add(op+", code "+name, ErrBadCode, func(ctx context.Context, f *advFixture) error { return call(ctx, f, code(f)) })
		}
		for name, code := range advAbsentCodes {
			add(op+", code "+name, ErrNotFound, func(ctx context.Context, f *advFixture) error { return call(ctx, f, code(f)) })
		}
	}
	byBilling := map[string]func(ctx context.Context, f *advFixture, billing string) error{
		"by billing code": func(ctx context.Context, f *advFixture, b string) error {
			_, err := f.e.ByBillingCode(ctx, b)
			return err
		},
		"pay": func(ctx context.Context, f *advFixture, b string) error {
			_, err := f.e.Pay(ctx, b, "ref-x")
			return err
		},
	}
	for op, call := range byBilling {
		for name, billing := range advBadBillings {
			add(op+", billing "+name, ErrBadBillingCode, func(ctx context.Context, f *advFixture) error { return call(ctx, f, billing(f)) })
		}
		for name, billing := range advAbsentBillings {
			add(op+", billing "+name, ErrNotFound, func(ctx context.Context, f *advFixture) error { return call(ctx, f, billing(f)) })
		}
	}

	for name, ref := range advBadLabels {
		add("pay, reference "+name, ErrBadPaymentRef, func(ctx context.Context, f *advFixture) error {
			_, err := f.e.Pay(ctx, f.held.BillingCode, ref)
			return err
		})
		add("reject, reason "+name, ErrBadReason, func(ctx context.Context, f *advFixture) error {
			_, err := f.e.Reject(ctx, f.paid.Code, ref)
			return err
		})
	}
	pay := func(name string, want error, billing func(f *advFixture) string, ref string) {
		add("pay "+name, want, func(ctx context.Context, f *advFixture) error { _, err := f.e.Pay(ctx, billing(f), ref); return err })
	}
	pay("reference of 129 bytes", ErrBadPaymentRef, func(f *advFixture) string { return f.held.BillingCode }, strings.Repeat("r", PaymentRefBytesMax+1))
	pay("bad reference and bad billing code", ErrBadPaymentRef, func(*advFixture) string { return "x" }, "")
	pay("a paid booking with another reference", ErrAlreadyPaid, func(f *advFixture) string { return f.paid.BillingCode }, "ref-other")
	pay("a paid booking with a reference that differs in case", ErrAlreadyPaid, func(f *advFixture) string { return f.paid.BillingCode }, "REF-PAID")
	pay("a cancelled booking", ErrWrongState, func(f *advFixture) string { return f.cancelled.BillingCode }, "ref-x")

	onBooking := func(name string, want error, call func(ctx context.Context, f *advFixture) (Booking, error)) {
		add(name, want, func(ctx context.Context, f *advFixture) error { _, err := call(ctx, f); return err })
	}
	onBooking("cancel a cancelled booking", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) { return f.e.Cancel(ctx, f.cancelled.Code) })
	onBooking("check in a hold", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) { return f.e.CheckIn(ctx, f.held.Code) })
	onBooking("check in a cancelled booking", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) { return f.e.CheckIn(ctx, f.cancelled.Code) })
	onBooking("check in a month early", ErrCheckInEarly, func(ctx context.Context, f *advFixture) (Booking, error) { return f.e.CheckIn(ctx, f.paid.Code) })
	onBooking("reject a hold", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Reject(ctx, f.held.Code, "ditolak")
	})
	onBooking("reject a cancelled booking", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Reject(ctx, f.cancelled.Code, "ditolak")
	})
	onBooking("reject, reason of 201 bytes", ErrBadReason, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Reject(ctx, f.paid.Code, strings.Repeat("r", ReasonBytesMax+1))
	})
	for _, tt := range []struct {
		name string
		code func(f *advFixture) string
		date func(f *advFixture) calendar.Date
		slot int
		want error
	}{
		{"zero date", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return calendar.Date{} }, 0, ErrBadDate},
		{"zero date of a hold", func(f *advFixture) string { return f.held.Code }, func(*advFixture) calendar.Date { return calendar.Date{} }, 0, ErrBadDate},
		{"slot -1", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return dec11 }, -1, ErrUnknownSlot},
		{"slot 2", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return dec11 }, 2, ErrUnknownSlot},
		{"slot 256", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return dec11 }, 256, ErrUnknownSlot},
		{"slot MaxInt", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return dec11 }, math.MaxInt, ErrUnknownSlot},
		{"slot MinInt", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return dec11 }, math.MinInt, ErrUnknownSlot},
		{"a hold", func(f *advFixture) string { return f.held.Code }, func(*advFixture) calendar.Date { return dec11 }, 0, ErrWrongState},
		{"a cancelled booking", func(f *advFixture) string { return f.cancelled.Code }, func(*advFixture) calendar.Date { return dec11 }, 0, ErrWrongState},
		{"the same slot", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return dec10 }, 0, ErrSameSlot},
		{"year 1", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return calendar.NewDate(1, 1, 1) }, 0, ErrPast},
		{"year 9999", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return calendar.NewDate(9999, 12, 31) }, 0, ErrOutsideHorizon},
		{"a Saturday", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return calendar.NewDate(2026, 12, 12) }, 0, ErrOfficeClosed},
		{"a closed day", func(f *advFixture) string { return f.paid.Code }, func(f *advFixture) calendar.Date { return f.closedDay }, 0, ErrOfficeClosed},
		{"a closed slot", func(f *advFixture) string { return f.paid.Code }, func(f *advFixture) calendar.Date { return f.closedSlotDay }, 1, ErrOfficeClosed},
		{"not opened", func(f *advFixture) string { return f.paid.Code }, func(*advFixture) calendar.Date { return jan04 }, 0, ErrNotOpened},
		{"a cell too small", func(f *advFixture) string { return f.paid2.Code }, func(f *advFixture) calendar.Date { return f.tiny }, 0, ErrFull},
	} {
		onBooking("reschedule to "+tt.name, tt.want, func(ctx context.Context, f *advFixture) (Booking, error) {
			return f.e.Reschedule(ctx, tt.code(f), tt.date(f), tt.slot)
		})
	}
	return calls
}

// advOfficeCalls are refusals of RegisterOffice, Office, Backup and the
// operator changes.
func advOfficeCalls(t testing.TB) []advCall {
	var calls []advCall
	add := func(name string, want error, call func(ctx context.Context, f *advFixture) error) {
		calls = append(calls, advCall{name: name, want: want, index: -1, call: call})
	}
	register := func(name string, want error, change func(c *OfficeConfig)) {
		add("register "+name, want, func(ctx context.Context, f *advFixture) error {
			cfg := officeConfig(t)
			cfg.Code = "NEW"
			change(&cfg)
			return f.e.RegisterOffice(ctx, cfg)
		})
	}
	add("register the zero OfficeConfig", ErrBadOffice, func(ctx context.Context, f *advFixture) error { return f.e.RegisterOffice(ctx, OfficeConfig{}) })
	for _, code := range []string{"", strings.Repeat("K", OfficeCodeBytesMax+1), "JKT SEL", "JKT\n", "ĴKT", "\xff", advMiB, "JKT/SEL", "../etc", "JKT\x00", "KANIM:JKT"} {
		register(fmt.Sprintf("code %.12q", code), ErrBadOffice, func(c *OfficeConfig) { c.Code = code })
	}
	for name, s := range advBadLabels {
		register("name "+name, ErrBadOffice, func(c *OfficeConfig) { c.Name = s })
	}
	register("zero quota", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota = quota.Config{} })
	register("nil zone", calendar.ErrNoLocation, func(c *OfficeConfig) { c.Quota.Schedule.Location = nil })
	register("time.Local", calendar.ErrNoLocation, func(c *OfficeConfig) { c.Quota.Schedule.Location = time.Local })
	register("pool name of one MiB", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Layout.Pools[1] = advMiB })
	register("pool name with a newline", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Layout.Pools[1] = "walk\nin" })
	register("closure reason of one MiB", calendar.ErrBadClosure, func(c *OfficeConfig) {
		c.Quota.Schedule.Closures = []calendar.Closure{{Date: dec10, Reason: advMiB}}
	})
	register("closure reason with an escape", calendar.ErrBadClosure, func(c *OfficeConfig) {
		c.Quota.Schedule.Closures = []calendar.Closure{{Date: dec10, Reason: "\x1b[2J"}}
	})
	register("MaxInt days", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Days = math.MaxInt })
	register("MinInt seats", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Layout.Slots[0].Seats[0] = math.MinInt })
	register("65 slots", quota.ErrBadConfig, func(c *OfficeConfig) {
		for i := range quota.SlotsPerDayMax + 1 {
			c.Quota.Layout.Slots = append(c.Quota.Layout.Slots, quota.Slot{Start: time.Duration(i) * time.Minute, End: time.Duration(i)*time.Minute + 1, Seats: []int{1, 1}})
		}
	})
	register("release lead MaxInt", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Release.Lead = math.MaxInt })
	calls = append(calls, advCall{name: "register a zone that does not load by name", want: ErrBadOffice, index: -1, only: "durable",
		call: func(ctx context.Context, f *advFixture) error {
			cfg := officeConfig(t)
			cfg.Code, cfg.Quota.Schedule.Location = "NEW", time.FixedZone("Asia/Nowhere", 7*3600)
			return f.e.RegisterOffice(ctx, cfg)
		}})
	reregister := func(name string, want error, change func(c *OfficeConfig)) {
		add("re-register "+name, want, func(ctx context.Context, f *advFixture) error {
			cfg := officeConfig(t)
			change(&cfg)
			return f.e.RegisterOffice(ctx, cfg)
		})
	}
	reregister("with pools swapped", quota.ErrLayoutChange, func(c *OfficeConfig) {
		p := c.Quota.Layout.Pools
		p[0], p[1] = p[1], p[0]
	})
	reregister("with a slot dropped", quota.ErrLayoutChange, func(c *OfficeConfig) { c.Quota.Layout.Slots = c.Quota.Layout.Slots[:1] })
	reregister("with a slot moved", quota.ErrLayoutChange, func(c *OfficeConfig) { c.Quota.Layout.Slots[1].Start += time.Minute })
	reregister("dropping booked days", ErrOfficeInUse, func(c *OfficeConfig) { c.Quota.First = calendar.NewDate(2027, 1, 1) })
	reregister("below the seats taken", quota.ErrBelowTaken, func(c *OfficeConfig) { c.Quota.Layout.Slots[0].Seats[0] = 1 })
	reregister("with a bad name", ErrBadOffice, func(c *OfficeConfig) { c.Name = "\n" })

	for _, code := range []string{"", "NOPE", "jkt", advMiB, "JKT\n"} {
		name := fmt.Sprintf("%.8q", code)
		add("office "+name, ErrUnknownOffice, func(_ context.Context, f *advFixture) error { _, err := f.e.Office(code); return err })
		add("close day, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.CloseDay(ctx, code, dec10, "x") })
		add("open day, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.OpenDay(ctx, code, f.closedDay) })
		add("close slot, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.CloseSlot(ctx, code, dec10, 0, "x") })
		add("open slot, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.OpenSlot(ctx, code, f.closedSlotDay, 1) })
		add("set capacity, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.SetCapacity(ctx, code, dec10, 0, online, 9) })
		add("set release, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.SetReleaseAt(ctx, code, dec10, t0) })
	}
	for name, d := range map[string]calendar.Date{"zero date": {}, "year 1": calendar.NewDate(1, 1, 1), "year 9999": calendar.NewDate(9999, 12, 31)} {
		want := ErrOutsideHorizon
		if d.IsZero() {
			want = ErrBadDate
		}
		add("close day, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.CloseDay(ctx, jkt, d, "x") })
		add("open day, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.OpenDay(ctx, jkt, d) })
		add("close slot, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.CloseSlot(ctx, jkt, d, 0, "x") })
		add("open slot, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.OpenSlot(ctx, jkt, d, 0) })
		add("set capacity, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.SetCapacity(ctx, jkt, d, 0, online, 9) })
		add("set release, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.SetReleaseAt(ctx, jkt, d, t0) })
	}
	for _, slot := range []int{-1, 2, 256, math.MaxInt, math.MinInt} {
		add(fmt.Sprint("close slot ", slot), ErrUnknownSlot, func(ctx context.Context, f *advFixture) error { return f.e.CloseSlot(ctx, jkt, dec10, slot, "x") })
		add(fmt.Sprint("open slot ", slot), ErrUnknownSlot, func(ctx context.Context, f *advFixture) error { return f.e.OpenSlot(ctx, jkt, dec10, slot) })
		add(fmt.Sprint("set capacity, slot ", slot), ErrUnknownSlot, func(ctx context.Context, f *advFixture) error {
			return f.e.SetCapacity(ctx, jkt, dec10, slot, online, 9)
		})
	}
	for name, reason := range advBadLabels {
		add("close day, reason "+name, ErrBadReason, func(ctx context.Context, f *advFixture) error { return f.e.CloseDay(ctx, jkt, dec10, reason) })
		add("close slot, reason "+name, ErrBadReason, func(ctx context.Context, f *advFixture) error { return f.e.CloseSlot(ctx, jkt, dec10, 0, reason) })
	}
	for _, pool := range []string{"", "ONLINE", "online\n", advMiB} {
		add(fmt.Sprintf("set capacity, pool %.8q", pool), ErrUnknownPool, func(ctx context.Context, f *advFixture) error { return f.e.SetCapacity(ctx, jkt, dec10, 0, pool, 9) })
	}
	for _, seats := range []int{-1, quota.CellSeatsMax + 1, math.MaxInt, math.MinInt} {
		add(fmt.Sprint("set capacity ", seats), quota.ErrBadSeats, func(ctx context.Context, f *advFixture) error {
			return f.e.SetCapacity(ctx, jkt, dec10, 0, online, seats)
		})
	}
	add("set capacity below the seats taken", quota.ErrBelowTaken, func(ctx context.Context, f *advFixture) error { return f.e.SetCapacity(ctx, jkt, dec10, 0, online, 1) })
	add("set capacity 0 under a booking", quota.ErrBelowTaken, func(ctx context.Context, f *advFixture) error { return f.e.SetCapacity(ctx, jkt, dec11, 1, online, 0) })
	calls = append(calls, advCall{name: "backup of an in-memory engine", want: ErrNoFile, index: -1, only: "memory",
		call: func(_ context.Context, f *advFixture) error { _, err := f.e.Backup(&bytes.Buffer{}); return err }})
	return calls
}

// advViewCalls are refusals of Month, Day and DayBookings.
func advViewCalls() []advCall {
	var calls []advCall
	add := func(name string, want error, call func(ctx context.Context, f *advFixture) error) {
		calls = append(calls, advCall{name: name, want: want, index: -1, call: call})
	}
	for _, code := range []string{"", "NOPE", advMiB} {
		name := fmt.Sprintf("%.8q", code)
		add("month, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { _, err := f.e.Month(ctx, code, 2026, 12); return err })
		add("day, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { _, err := f.e.Day(ctx, code, dec10); return err })
		add("day bookings, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error {
			_, err := f.e.DayBookings(ctx, code, dec10)
			return err
		})
	}
	add("day, zero date", ErrBadDate, func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Day(ctx, jkt, calendar.Date{})
		return err
	})
	add("day bookings, zero date", ErrBadDate, func(ctx context.Context, f *advFixture) error {
		_, err := f.e.DayBookings(ctx, jkt, calendar.Date{})
		return err
	})
	for _, ym := range [][2]int{{0, 12}, {-1, 1}, {10000, 1}, {math.MaxInt, 1}, {math.MinInt, 1}, {2026, 0}, {2026, 13},
		{2026, -1}, {2026, math.MaxInt}, {2026, math.MinInt}, {calendar.YearMax, 13}, {calendar.YearMin, 0}} {
		add(fmt.Sprintf("month %d-%d", ym[0], ym[1]), ErrBadDate, func(ctx context.Context, f *advFixture) error {
			days, err := f.e.Month(ctx, jkt, ym[0], time.Month(ym[1]))
			if days != nil {
				return fmt.Errorf("a refused month returned %d days", len(days))
			}
			return err
		})
	}
	return calls
}
