// Kuota inspects a kuota booking file for the people who run an office: the
// month's calendar as applicants see it, the day's arrival list, the bookings
// by state, and a check of every invariant the engine keeps. It opens the
// file read-only and never writes to it; archive writes the bookings that
// left memory to a new file, and salvage copies what is intact in a damaged
// file into a new one.
//
// Usage:
//
//	kuota <command> -db FILE [flags]
//
// The commands are:
//
//	calendar   an office's month, coloured green, red, yellow and grey
//	arrivals   an office's arrival list for one day, slot by slot
//	stats      bookings by state, the offices and the size of the file
//	check      every invariant; exit status 1 when one is broken
//	archive    write the archived bookings (ended more than the retention
//	           ago) to a new file of JSON lines
//	salvage    copy the intact changes of a damaged file into a new one;
//	           exit status 1 when some are lost
//	help       this text, or one command's flags: kuota help arrivals
//
// # Examples
//
// December's calendar of one office, for every pool and then for the online
// pool only:
//
//	kuota calendar -db kuota.db -office JKT-SEL -month 2026-12
//	kuota calendar -db kuota.db -office JKT-SEL -month 2026-12 -pool online
//
// Who is expected on the 10th, as a table and as CSV for a spreadsheet:
//
//	kuota arrivals -db kuota.db -office JKT-SEL -date 2026-12-10
//	kuota arrivals -db kuota.db -office JKT-SEL -date 2026-12-10 -format csv > arrivals.csv
//
// The state of the whole file, and a check before a backup or an upgrade:
//
//	kuota stats -db kuota.db
//	kuota check -db kuota.db
//
// The bookings that ended more than the retention ago (a year by default)
// and left the service's memory, written out for the office's records:
//
//	kuota archive -db kuota.db -out archive-2026.jsonl
//
// Without -month, calendar shows the current month, and without -date,
// arrivals shows today, both in the office's own time zone.
//
// # The calendar's colours
//
// The calendar colours each day as M-Paspor does (letters stand for the
// colours when the output is not a terminal):
//
//	G green   a seat is left
//	R red     full: every seat offered is taken
//	Y yellow  the quota is not opened yet, or there is none: the office
//	          offers no seat that day (capacity 0)
//	. grey    a holiday, a closure, a day off, the past, or outside the
//	          office's window
//
// Both yellows mean that no seat was used up; below the grid, calendar says
// when the next yellow day opens and lists the days with no quota, which
// open only if the office provides seats. With -pool, every colour and
// count is that pool's alone: a day whose walk-in seats are left is still
// red (or yellow) online.
//
// # Flags every command but salvage takes
//
//	-db FILE          the booking file (required)
//	-timeout 1s       how long to wait while another process holds the file
//	-now INSTANT      look at the file as of an RFC 3339 instant, such as
//	                  2026-12-01T08:00:00+07:00, instead of the current time
//
// archive takes -out too, the new file; salvage takes -db, the damaged
// file, and -out, the new file, only.
//
// The engine decides what a day looks like from the clock: whether a day's
// quota has opened, whether a hold has lapsed. -now moves that clock, to see
// the calendar the morning quota opens, or an arrival list as it stood
// yesterday.
//
// # A file in use
//
// A bbolt file has either one writer or any number of readers. While the
// service that books has the file open, kuota waits -timeout for it and then
// says the file is in use: stop the service, or run kuota on a copy taken
// while the service was stopped.
//
// # A damaged file
//
// The file keeps every change the service made, in order, each with a
// checksum. A file damaged on disk (a failing device, a copy cut short, a
// byte changed) is refused by every command, which names what is wrong (a
// page, or the number of a change whose checksum does not match) instead
// of showing altered bookings. salvage then copies the changes made before
// the damage into a new file, and lists what it could not copy:
//
//	kuota salvage -db kuota.db -out kuota-salvaged.db
//	kuota check -db kuota-salvaged.db
//
// The new file is a booking file like any other, as it was just before
// the first damaged change: the service opens it. The changes after that
// one are lost (salvage counts them); restore them from a backup if there
// is one. salvage never changes the damaged file and never replaces an
// existing one, and it prints no booking: to it a change is bytes, named by
// its number.
//
// # Privacy
//
// NIKs are personal data. kuota prints them masked ("31**********0001"), and
// never prints applicant metadata, account IDs or billing codes; arrivals
// shows only whether a booking has a payment reference, not the reference.
// The one exception is archive's file, the office's record of each
// archived booking in full: kuota writes it with mode 0600 and never to the
// terminal; keep it as you keep the booking file.
//
// # Exit status
//
// 0 when the command did what was asked; 1 when check found a broken
// invariant, or salvage could not copy every change; 2 when kuota could not
// do what was asked: a wrong command line, a missing, busy or damaged file,
// an unknown office.
package main
