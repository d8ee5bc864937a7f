package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/kuotahttp"
)

// The values of -format.
const (
	formatTable = "table" // aligned columns for a person
	formatCSV   = "csv"   // comma-separated with a header row, for a spreadsheet
)

// arrivalHeader names the columns of the arrival list, in both formats.
// The list deliberately leaves out the account, the billing code, the
// payment reference itself and the applicants' metadata: it gets printed
// and left at a counter, and needs none of them to match people to slots.
// The list is in the order people are called: by slot, then by queue
// number (given at payment: "A-001"; "-" for a booking never paid, last).
func arrivalHeader() []string {
	return []string{"slot", "queue", "pool", "code", "state", "applicants", "niks", "payment_ref"}
}

// queueText is a queue number as the list shows it, "-" for none.
func queueText(q string) string {
	if q == "" {
		return "-"
	}
	return q
}

// runArrivals lists an office's bookings on one day, slot by slot: who is
// expected, and which bookings were cancelled, expired or rejected.
func runArrivals(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var (
		src    sourceFlags
		code   string
		date   dateFlag
		format string
	)
	src.register(fs)
	fs.StringVar(&code, "office", "", "the office `code` (required; kuota stats lists them)")
	fs.Var(&date, "date", "the arrival `date`, YYYY-MM-DD (default today at the office)")
	fs.StringVar(&format, "format", formatTable, "table or csv")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := src.check(fs); err != nil {
		return err
	}
	if code == "" {
		return usagef(fs, "missing -office: whose arrivals to list (kuota stats lists the offices)")
	}
	if format != formatTable && format != formatCSV {
		return usagef(fs, "invalid value %q for flag -format: want %s or %s", format, formatTable, formatCSV)
	}

	var (
		day    = date.Date
		rows   [][]string
		seated int
		err    error
	)
	if src.addr != "" {
		day, rows, seated, err = arrivalsRemote(src.remote(), code, day)
	} else {
		day, rows, seated, err = arrivalsFile(&src.fileFlags, code, day)
	}
	if err != nil {
		return err
	}
	if format == formatCSV {
		return writeCSV(stdout, rows)
	}
	return writeArrivalTable(stdout, code, day, rows, seated)
}

// arrivalsFile reads the arrival list from a file: the date (today at
// the office when day is zero), the rows, and the applicants with a
// seat.
func arrivalsFile(file *fileFlags, code string, day calendar.Date) (calendar.Date, [][]string, int, error) {
	e, err := file.open()
	if err != nil {
		return day, nil, 0, err
	}
	defer e.Close()
	ctx := context.Background()
	cfg, err := office(ctx, e, file.db, code)
	if err != nil {
		return day, nil, 0, err
	}
	if day.IsZero() {
		day = file.today(cfg.Quota.Schedule.Location)
	}
	list, err := e.DayBookings(ctx, code, day)
	if err != nil {
		return day, nil, 0, err
	}
	rows := make([][]string, len(list))
	seated := 0
	for i := range list {
		rows[i] = arrivalRow(&list[i])
		switch list[i].State {
		case booking.Held, booking.Paid, booking.CheckedIn:
			seated += len(list[i].Applicants)
		}
	}
	return day, rows, seated, nil
}

// arrivalsRemote asks a running service for the arrival list, as
// arrivalsFile reads it from a file.
func arrivalsRemote(r *remote, code string, day calendar.Date) (calendar.Date, [][]string, int, error) {
	if day.IsZero() {
		o, err := remoteOffice(r, code)
		if err != nil {
			return day, nil, 0, err
		}
		loc, err := calendar.LoadZone(o.Zone)
		if err != nil {
			return day, nil, 0, fmt.Errorf("office %s: %w", code, err)
		}
		day = calendar.DateOf(time.Now(), loc)
	}
	var list arrivalsWire
	err := r.get("/offices/"+url.PathEscape(code)+"/days/"+day.String()+"/arrivals", &list)
	if problemName(err) == "unknown-office" {
		return day, nil, 0, unknownRemoteOffice(r, code)
	}
	if err != nil {
		return day, nil, 0, err
	}
	rows := make([][]string, len(list.Bookings))
	seated := 0
	for i, b := range list.Bookings {
		state, ok := kuotahttp.ParseBookingState(b.State)
		if !ok {
			return day, nil, 0, fmt.Errorf("booking %s: a state this kuota does not know: %q", b.Code, b.State)
		}
		niks := make([]string, len(b.Applicants))
		for j, a := range b.Applicants {
			niks[j] = a.NIK // masked by the service
		}
		paid := "no"
		if b.PaymentRef != "" {
			paid = "yes"
		}
		rows[i] = []string{b.SlotTime, queueText(b.Queue), b.Pool, b.Code, state.String(), strconv.Itoa(len(b.Applicants)), strings.Join(niks, " "), paid}
		switch state {
		case booking.Held, booking.Paid, booking.CheckedIn:
			seated += len(b.Applicants)
		}
	}
	return day, rows, seated, nil
}

// remoteOffice returns an office of a running service, or an error that
// lists the offices it does have.
func remoteOffice(r *remote, code string) (officeWire, error) {
	var all officesWire
	if err := r.get("/offices", &all); err != nil {
		return officeWire{}, err
	}
	for _, o := range all.Offices {
		if o.Code == code {
			return o, nil
		}
	}
	return officeWire{}, fmt.Errorf("no office %q at %s; it has: %s", code, r, remoteOfficeList(all))
}

// unknownRemoteOffice is the error for an office a service does not
// have, listing those it has.
func unknownRemoteOffice(r *remote, code string) error {
	_, err := remoteOffice(r, code)
	if err == nil {
		return fmt.Errorf("no office %q at %s", code, r)
	}
	return err
}

// remoteOfficeList names the offices of a service for an error message.
func remoteOfficeList(all officesWire) string {
	if len(all.Offices) == 0 {
		return "no office at all"
	}
	codes := make([]string, len(all.Offices))
	for i, o := range all.Offices {
		codes[i] = o.Code
	}
	return strings.Join(codes, ", ")
}

// arrivalRow is one booking as the columns of arrivalHeader.
func arrivalRow(b *booking.Booking) []string {
	niks := make([]string, len(b.Applicants))
	for i, a := range b.Applicants {
		niks[i] = a.NIK.String() // masked: never Digits
	}
	paid := "no"
	if b.PaymentRef != "" {
		paid = "yes"
	}
	return []string{
		slotSpan(b), queueText(b.Queue.String()), b.Pool, b.Code, b.State.String(),
		strconv.Itoa(len(b.Applicants)), strings.Join(niks, " "), paid,
	}
}

// slotSpan formats a booking's slot as its window in the office's zone,
// "08:00–09:00": the booking carries its slot's instants, so the list needs
// no layout to look them up in.
func slotSpan(b *booking.Booking) string {
	return b.SlotStart.Format("15:04") + "–" + b.SlotEnd.Format("15:04")
}

// writeCSV writes the header and the rows. The csv.Writer buffers, and a
// failed write stays in its buffer: Error after WriteAll's flush reports
// the first.
func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.Write(arrivalHeader())
	cw.WriteAll(rows)
	return cw.Error()
}

// writeArrivalTable writes the rows under a title line and a header, and a
// count of the applicants the office should expect.
func writeArrivalTable(w io.Writer, code string, date calendar.Date, rows [][]string, seated int) error {
	fmt.Fprintf(w, "%s arrivals on %s %s\n\n", code, date.Weekday(), date)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(arrivalHeader(), "\t")))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s; %s with a seat (held, paid or checked in)\n",
		plural(len(rows), "booking"), plural(seated, "applicant"))
	return err
}
