// Package config reads a kuota service's configuration file, kuota.json:
// the offices to register with a booking engine, the engine's policy, and
// the settings of a server. [Load] reads a file and [Parse] bytes; both
// return a [File] whose Offices are ready for
// [booking.Engine.RegisterOffice] and whose Policy gives [booking.Options]:
//
//	f, err := config.Load("/etc/kuota/kuota.json")
//	if err != nil {
//		return err // kuota.json:12:5: offices[1].slots[0].time: …
//	}
//	opts := f.Policy.Options()
//	e, err := booking.Open(dbPath, &opts)
//	…
//	for _, o := range f.Offices {
//		if err := e.RegisterOffice(ctx, o); err != nil { … }
//	}
//
// The file has its own format, written for people: zones by IANA name,
// slots as "08:00-09:00", durations as Go writes them ("2h"), periods and
// weekdays as words. (Marshalling [booking.OfficeConfig] directly gives
// "Location":{}, durations in nanoseconds and enums as numbers.)
//
// # Example
//
// A complete file, testdata/kuota.json:
//
//	{
//	  "holidays": ["id", "holidays-2027.csv"],
//	  "offices": [
//	    {
//	      "code": "KANIM-JKT-SEL",
//	      "name": "Kantor Imigrasi Jakarta Selatan",
//	      "zone": "Asia/Jakarta",
//	      "week": "mon-fri",
//	      "pools": ["online", "walk-in", "accelerated"],
//	      "slots": [
//	        {"time": "08:00-09:00", "seats": {"online": 40, "walk-in": 10, "accelerated": 5}},
//	        {"time": "09:00-10:00", "seats": {"online": 40, "walk-in": 10, "accelerated": 5}},
//	        {"time": "10:00-11:00", "seats": {"online": 40, "walk-in": 10, "accelerated": 0}},
//	        {"time": "13:00-14:00", "seats": {"online": 30, "walk-in": 10, "accelerated": 0}}
//	      ],
//	      "release": {"every": "monthly", "lead": 1, "day": 1, "at": "08:00"},
//	      "first": "2026-12-01",
//	      "days": 90,
//	      "closures": [{"date": "2026-12-24", "reason": "Penataan ruang layanan"}],
//	      "opening_window": "60s"
//	    },
//	    {
//	      "code": "KANIM-DPS",
//	      "name": "Kantor Imigrasi Kelas I Khusus TPI Denpasar",
//	      "zone": "Asia/Makassar",
//	      "week": ["mon-fri", "sat"],
//	      "pools": ["online", "walk-in"],
//	      "slots": [
//	        {"time": "08:00-10:00", "seats": {"online": 60, "walk-in": 20}},
//	        {"time": "10:00-12:00", "seats": {"online": 60, "walk-in": 20}}
//	      ],
//	      "release": {"every": "weekly", "lead": 1, "weekday": "fri", "at": "16:00"},
//	      "first": "2026-12-01",
//	      "days": 90,
//	      "observe_collective_leave": true
//	    },
//	    {
//	      "code": "KANIM-JAP",
//	      "name": "Kantor Imigrasi Kelas I TPI Jayapura",
//	      "zone": "Asia/Jayapura",
//	      "pools": ["online"],
//	      "slots": [{"time": "08:00-12:00", "seats": {"online": 25}}],
//	      "release": {"every": "daily", "lead": 30, "at": "00:00"},
//	      "first": "2026-12-01",
//	      "days": 60,
//	      "holidays": "id"
//	    }
//	  ],
//	  "policy": {
//	    "hold_ttl": "2h",
//	    "max_holds_per_account": 1,
//	    "retention": "8760h",
//	    "collection_service_days": 3,
//	    "reschedules_max": 1,
//	    "reschedule_until": "H-1",
//	    "cancel_until": "H-2",
//	    "check_in_early": "1h",
//	    "reapply_after_months": 1
//	  },
//	  "server": {
//	    "listen": "127.0.0.1:8080",
//	    "db": "kuota.db",
//	    "operator_token": {"file": "/run/secrets/kuota-operator"},
//	    "payment_secret": {"env": "KUOTA_PAYMENT_SECRET"}
//	  }
//	}
//
// # Offices
//
// "offices" lists 1 to [OfficesMax] offices, each becoming one
// [booking.OfficeConfig]. Fields marked * are required.
//
//	code*      the office code, unique in the file ("KANIM-JKT-SEL"; see booking.OfficeConfig)
//	name*      the name shown to people
//	zone*      an IANA time zone: "Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar",
//	           "Asia/Jayapura" (these four load without a zone database), or any other
//	           the host's database has
//	week       the service days: "mon-fri" (the default), or a list of days and runs of
//	           days in Monday-first order: ["mon-fri", "sat"]; days are "mon" … "sun"
//	pools*     the capacity pools of every slot, in order: ["online", "walk-in"]. The
//	           order is the layout's: a new configuration of a registered office may add
//	           pools and slots only at the end
//	slots*     the arrival slots of a day, in order, none overlapping:
//	           {"time": "08:00-09:00", "seats": {"online": 40, "walk-in": 10}}, with seats
//	           for every pool (0 for none); a slot may end at "24:00"
//	release*   when each day's quota opens: {"every": "immediately"}; {"every": "daily",
//	           "lead": 30, "at": "00:00"} (30 days ahead); {"every": "weekly", "lead": 1,
//	           "weekday": "fri", "at": "16:00"} (next week, on Fridays); or {"every":
//	           "monthly", "lead": 1, "day": 1, "at": "08:00"} (next month, on the 1st).
//	           Each period takes exactly the fields it uses (see quota.ReleaseRule)
//	first*     the first day of the office's quota table, "2026-12-01"
//	days*      the days in the table, 1 to quota.HorizonDaysMax
//	holidays   the office's holiday data (below); required unless given at the top level
//	observe_collective_leave
//	           true to close on collective leave ("cuti bersama"); false by default
//	closures   the office's own closed days: [{"date": "2026-12-24", "reason": "…"}]
//	opening_window
//	           how long after each release the holds that arrive are collected and
//	           admitted in a random order, drawn from a seed the office committed to,
//	           rather than as they come: "60s". A Go duration, 0 (none, the default) to
//	           booking.OpeningWindowMax; see booking.OfficeConfig.OpeningWindow and
//	           booking.Engine.Draw
//
// # Holidays
//
// Every office names its holiday data explicitly, itself or through the
// top-level "holidays", which applies to every office that names none: a
// day whose holidays nobody loaded must not be sold by omission. The value
// is one source or a list of them:
//
//	"none"               no holiday data: the office observes no holiday, and its
//	                     schedule enforces no coverage, so every service day of every
//	                     year can open. It stands alone. Choose it only for an office
//	                     that truly keeps no holidays
//	"id"                 Indonesia's decreed holidays, shipped with kuota (package
//	                     calendar/idholiday: 2024 to 2026)
//	"holidays-2027.csv"  a file in the format of calendar.ParseHolidays (header
//	                     "date,kind,name"); any path ending in ".csv"
//
// A list is merged in order by [calendar.MergeHolidays]: each source
// replaces, whole, the years it covers in the sources before it, so
// ["id", "holidays-2027.csv"] is the shipped data with the operator's
// 2027 decree added (or an amended year replaced). An office whose
// holiday data covers some years shows a service day of any other year
// as not opened ([calendar.NoHolidayDataReason]) until that year's data
// is loaded; see [calendar.Schedule].
//
// Beside "id", a file holds Indonesian decrees, and each of its years
// replaces the shipped year whole: so it is read as [idholiday.Load]
// reads an operator's file, which refuses a year without 1 January and 17
// August ([idholiday.ErrPartialYear]), the likely sign of a file with only
// an amendment's new days. Write an amended year out in full.
//
// # Policy
//
// "policy" sets the engine's options that belong in a file; a field left
// out keeps its default ([DefaultPolicy]). Durations are Go durations ("2h",
// "90m"; a day is "24h").
//
//	hold_ttl                 how long a hold waits for payment: "2h"
//	max_holds_per_account    unpaid holds an account may have at once: 1
//	bookings_max             bookings the engine keeps in memory: 10000000
//	retention                how long an ended booking stays in memory: "8760h"
//	clock_jump_hold          how long a jump of the clock must hold to be believed: "1m"
//	collection_service_days  the office's service days after arrival until the passport is
//	                         ready for collection (booking.Booking.ReadyOn): 3
//	reschedules_max          reschedules a booking may have: 1
//	reschedule_until         the last day to reschedule, before arrival: "H-1"
//	cancel_until             the last day to cancel: "H-2"
//	check_in_early           how long before its slot a booking may check in: "1h"
//	reapply_after_months     months after an arrival before its NIKs may book again: 1
//	reapply_after_unreached  whether a booking that never reached its date starts
//	                         that wait too: false
//
// The first six are [booking.Options] fields, which read zero as their
// default; the file may not say zero for them (leave the field out). The
// rest are [reschedule.Policy]'s.
//
// # Server
//
// "server", optional, holds what `kuota serve` needs beside the engine
// ([ServerConfig]): "listen", a "host:port" address (required); "db", the
// path of the bbolt file, or "postgres_dsn", where to read a PostgreSQL
// connection string — one of the two; and "operator_token" and
// "payment_secret", where to read the operators' token and the payment
// channel's signing secret. A secret is never written in the file: each
// is {"file": PATH} or {"env": NAME}, read by [Secret.Read] when the
// server starts (see [Secret] for the file's required mode).
//
// Behind a gateway, four more fields say how requests are trusted:
//
//	account_header   the header that names a public request's account
//	                 ("X-Kuota-Account"), set by the identity-aware proxy or
//	                 API gateway that signs applicants in; believed only from
//	                 trusted_proxies, which it requires. Without it no public
//	                 request has an account
//	trusted_proxies  the proxies' networks, ["10.0.0.0/24", "10.0.1.5"]: the
//	                 only peers whose account header and X-Forwarded-For are
//	                 believed; in a cluster, the other kuota nodes too
//	public_calendar  true to let anyone read the offices and calendars; false
//	advertise        this node's base URL for the others of a PostgreSQL
//	                 cluster ("http://10.0.0.7:8080"), where they forward changes
//
// Every relative path in a file — holiday files, "db", secret files — is
// taken from the file's directory ([Load]), or from the directory [Parse]
// is given.
//
// # Writing a file
//
// [Marshal] writes offices and a policy as a file that [Parse] reads back
// to the same values, laid out as above, so that an operator can dump the
// setup of a running engine ([booking.Engine.Office],
// [booking.Engine.Policy]) and keep it as a file. A file names holiday
// data rather than holding it, so Marshal is told which sources to name.
//
// # Errors
//
// An error is an [*Error] naming the file, the line and column, and the
// field as a path into the document:
//
//	kuota.json:8:18: offices[0].slots[1].time: config: slots overlap: 08:30–09:30 overlaps slots[0] 08:00–09:00
//
// The reader is strict, because a mistake in a configuration that is
// silently ignored is found by applicants: an unknown field (most often a
// misspelt one), a field given twice, null, or a value of the wrong JSON
// type is an error ([ErrUnknownField], [ErrDuplicateField], [ErrType]). Each
// value is checked by the package that owns its rule — calendar for zones,
// dates and closures, quota for layouts, release rules and windows,
// reschedule for windows, booking for codes, names and options — and the
// error wraps that package's sentinel ([quota.ErrBadConfig], …) beside
// naming the field. A file that Parse accepts is one the engine accepts.
//
// # Limits
//
// [FileBytesMax] bounds the file, [OfficesMax] its offices,
// [HolidaySourcesMax] the sources of one office, [HolidayFilesMax] the
// holiday files read and [TrustedProxiesMax] the proxies' networks; the
// packages that own the values bound the rest
// ([quota.SlotsPerDayMax], [quota.PoolsPerSlotMax], [calendar.ClosuresMax],
// …).
//
// # Concurrency
//
// [Load], [Parse] and [Marshal] may be called from many goroutines at
// once; a [File] is a plain value.
package config
