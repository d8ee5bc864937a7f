package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
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
func arrivalHeader() []string {
	return []string{"slot", "pool", "code", "state", "applicants", "niks", "payment_ref"}
}

// runArrivals lists an office's bookings on one day, slot by slot: who is
// expected, and which bookings were cancelled, expired or rejected.
func runArrivals(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var (
		file   fileFlags
		code   string
		date   dateFlag
		format string
	)
	file.register(fs)
	fs.StringVar(&code, "office", "", "the office `code` (required; kuota stats lists them)")
	fs.Var(&date, "date", "the arrival `date`, YYYY-MM-DD (default today at the office)")
	fs.StringVar(&format, "format", formatTable, "table or csv")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := file.check(fs); err != nil {
		return err
	}
	if code == "" {
		return usagef(fs, "missing -office: whose arrivals to list (kuota stats lists the offices)")
	}
	if format != formatTable && format != formatCSV {
		return usagef(fs, "invalid value %q for flag -format: want %s or %s", format, formatTable, formatCSV)
	}

	e, err := file.open()
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	cfg, err := office(ctx, e, file.db, code)
	if err != nil {
		return err
	}
	day := date.Date
	if day.IsZero() {
		day = file.today(cfg.Quota.Schedule.Location)
	}
	list, err := e.DayBookings(ctx, code, day)
	if err != nil {
		return err
	}
	rows := make([][]string, len(list))
	for i := range list {
		rows[i] = arrivalRow(&list[i])
	}
	if format == formatCSV {
		return writeCSV(stdout, rows)
	}
	return writeArrivalTable(stdout, code, day, list, rows)
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
		slotSpan(b), b.Pool, b.Code, b.State.String(),
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
func writeArrivalTable(w io.Writer, code string, date calendar.Date, list []booking.Booking, rows [][]string) error {
	fmt.Fprintf(w, "%s arrivals on %s %s\n\n", code, date.Weekday(), date)
	seated := 0
	for i := range list {
		switch list[i].State {
		case booking.Held, booking.Paid, booking.CheckedIn:
			seated += len(list[i].Applicants)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(arrivalHeader(), "\t")))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s; %s with a seat (held, paid or checked in)\n",
		plural(len(list), "booking"), plural(seated, "applicant"))
	return err
}
