// Kuota runs a kuota booking service, and gives the people who run an
// office what they need of it: the month's calendar as applicants see it,
// the day's arrival list, the bookings by state, a check of every
// invariant the engine keeps, and a backup. Those commands ask a running
// service through its operator API (-addr URL), or read a booking file
// that no process holds (-db FILE), read-only; archive writes the bookings
// that left memory to a new file, and salvage copies what is intact in a
// damaged file into a new one.
//
// Usage:
//
//	kuota <command> [flags]
//
// The commands are:
//
//	serve      run the booking service: the public and operator APIs over
//	           HTTP, /healthz, /readyz and /metrics
//	calendar   an office's month, coloured green, red, yellow and grey
//	arrivals   an office's arrival list for one day, slot by slot
//	stats      bookings by state, the offices, holiday gaps, and the file's
//	           size or the service's commits
//	check      every invariant; exit status 1 when one is broken
//	backup     a consistent copy of the bookings, from a file or a running
//	           service, to a new file
//	archive    write the archived bookings (ended more than the retention
//	           ago) to a new file of JSON lines
//	salvage    copy the intact changes of a damaged file into a new one;
//	           exit status 1 when some are lost
//	help       this text, or one command's flags: kuota help arrivals
//
// cmd/kuota is a module of its own (github.com/kuota/kuota/cmd/kuota),
// because serve needs what the library must not depend on: the Prometheus
// client and the PostgreSQL node. It needs Go 1.26, as the Prometheus
// client does. Build it in a clone of the repository (its go.mod points
// at the library beside it):
//
//	cd cmd/kuota && go build -o kuota .
//
// # Serving
//
//	kuota serve -config kuota.json
//
// reads the configuration file — the offices, the engine's policy and the
// "server" section; package config documents every field, and
// config/testdata/kuota.json is a complete example — opens the engine,
// registers the offices, and serves:
//
//	/            the public API and the calendar page (package kuotahttp)
//	/operator/   the operator API: arrivals, stats, check, backup, overrides,
//	             rejections; and, for operators, the offices and the
//	             calendars (/operator/offices, …/months/{yyyy-mm},
//	             …/days/{yyyy-mm-dd}), which kuota calendar -addr reads
//	/healthz     200 while the process serves HTTP: a liveness probe
//	/readyz      200 when it can serve, 503 otherwise, with a JSON body
//	             {"ready", "role", "followed", "lag_seconds", "active",
//	             "reason"}: a file that writes; on PostgreSQL the active node
//	             once its offices are registered, or a standby that knows the
//	             active node and read the journal to its end within the last
//	             5 seconds (its lag_seconds)
//	/metrics     Prometheus metrics, below
//
// The flags override the file's server section:
//
//	-db FILE        keep the bookings in this bbolt file (server.db)
//	-postgres DSN   keep them in PostgreSQL (server.postgres_dsn, which reads
//	                the DSN from a secret: a flag shows in the process list)
//	-listen ADDR    listen on host:port (server.listen)
//	-advertise URL  with PostgreSQL, this node's base URL for the others
//	                (server.advertise; by default http:// and the address
//	                listened on, when it names one host)
//
// A booking's proof (GET /bookings/{code}/proof/image) is drawn as a QR
// code, a PNG of 8 px modules (github.com/skip2/go-qrcode, in this module
// only: the library's core stays free of it), which the calendar page
// shows once the booking is paid. An office with an "opening_window"
// answers the holds of its draw when the window closes: serve sets no
// write timeout, and the proxy in front must wait as long
// (booking.OpeningWindowMax at most).
//
// On a bbolt file, serve registers each office whose configuration
// differs from the one the file keeps (an unchanged file adds nothing),
// and refuses to start when the engine refuses one, naming it. On
// PostgreSQL it starts a node of the cluster (package postgres): the
// node that holds the lease registers the offices, standbys serve reads
// and forward changes to it, and serve asks the node for its engine at
// each request, so a node that steps down and is rebuilt keeps serving.
//
// # Who is let in
//
// kuota keeps no users. An operator is whoever sends "Authorization:
// Bearer TOKEN" with the token server.operator_token names (at least 32
// bytes; openssl rand -hex 16 makes one), compared in constant time:
//
//	curl -H "Authorization: Bearer $KUOTA_OPERATOR_TOKEN" http://127.0.0.1:8080/operator/stats
//
// An applicant's account is the value of server.account_header (such as
// X-Kuota-Account), set by the identity-aware proxy or API gateway in
// front of serve, which signs people in; serve believes it only on
// connections from server.trusted_proxies, which the file must then
// list, and refuses it from anyone else (403): anyone can write a header.
// In a cluster, list the other kuota nodes too, since a standby forwards
// a change with the client's headers. The same networks are the proxies
// whose X-Forwarded-For names the client for the rate limits.
//
// Without an operator_token no operator request is let in, without an
// account_header no request that needs an account is, and without a
// payment_secret no payment callback is taken; serve logs a warning for
// each at start. serve speaks plain HTTP: put it behind the proxy that
// terminates TLS, and keep /operator/ and /metrics to the office's
// network.
//
// # Metrics
//
// /metrics, in Prometheus's text format:
//
//	kuota_bookings{state}                 bookings by state (held, paid, checked-in,
//	                                      cancelled, expired, rejected, no-show)
//	kuota_holds_total                     holds made since serve started, from the
//	                                      event feed: rate() gives holds a second
//	kuota_booking_changes_total{state}    state changes by the state reached
//	kuota_feed_lost_total                 journal records the feed no longer kept when
//	                                      the metrics reached them (uncounted changes)
//	kuota_refusals_total{api,reason}      refusals by API (public, operator) and reason,
//	                                      the problem's name (cell-full, rate-limited, …)
//	kuota_last_commit_seconds             the latest commit's latency, batch to fsync
//	kuota_last_sync_seconds               the part of it the disk took
//	kuota_commits_total                   commits since the engine opened
//	kuota_committed_changes_total         changes those commits carried
//	kuota_pending_writes                  changes waiting for a commit
//	kuota_storage_failing                 1 while changes are refused for want of disk
//	kuota_standby                         1 on a standby node
//	kuota_journal_followed_lsn            the node's last journal record (PostgreSQL)
//	kuota_journal_lag_seconds             a standby's lag, 0 when active (PostgreSQL)
//	kuota_holiday_gap_years{office}       years of an office's window without holiday
//	                                      data, 0 when covered
//
// and the Go runtime's and the process's (go_*, process_*).
//
// # Signals
//
// SIGINT and SIGTERM shut serve down: it stops accepting connections,
// lets the requests under way finish for up to 25 seconds (then cuts
// them), stops reading the event feed, and closes the engine, every
// acknowledged change on disk — or stops the PostgreSQL node, which gives
// up its lease at once so that a standby takes over without waiting for
// it to lapse.
//
// # Asking a running service
//
// calendar, arrivals, stats, check and backup take -addr URL, the base URL
// of a kuota serve, instead of -db, and ask its operator API with the
// operator token, from -token or, better (a flag shows in the process
// list), the environment variable KUOTA_OPERATOR_TOKEN:
//
//	export KUOTA_OPERATOR_TOKEN=$(cat /run/secrets/kuota-operator)
//	kuota arrivals -addr http://127.0.0.1:8080 -office JKT-SEL -date 2026-12-10
//	kuota check -addr http://127.0.0.1:8080
//	kuota backup -addr http://127.0.0.1:8080 -out kuota-2026-12-10.db
//
// calendar, arrivals and check print what they print from the file;
// stats says the service's role and commits instead of the file's size.
// A service answers as of its own clock, so -now is for -db only. Against
// a service on PostgreSQL, backup is refused (no-file): back up the
// database instead.
//
// # Examples on a file
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
// The state of the whole file, a check before an upgrade, and a copy:
//
//	kuota stats -db kuota.db
//	kuota check -db kuota.db
//	kuota backup -db kuota.db -out kuota-copy.db
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
// # Holiday gaps
//
// A service day in a year for which an office has no holiday data is
// never bookable: it stays not opened until the year's holidays are
// loaded. stats and check print a warning line for each office whose
// window reaches such a year, naming the years; check does not fail for
// it. The operator API's /stats and /check list them as holiday_gaps, and
// /metrics as kuota_holiday_gap_years.
//
// # Flags of the commands that read
//
//	-db FILE          the booking file, when no process holds it
//	-addr URL         or a running kuota serve
//	-token TOKEN      the operator token for -addr (default $KUOTA_OPERATOR_TOKEN)
//	-timeout 1s       how long to wait while another process holds the file
//	-now INSTANT      look at the file as of an RFC 3339 instant, such as
//	                  2026-12-01T08:00:00+07:00, instead of the current time
//
// backup and archive take -out too, the new file; salvage takes -db, the
// damaged file, and -out, the new file, only. archive and salvage read
// files only.
//
// The engine decides what a day looks like from the clock: whether a day's
// quota has opened, whether a hold has lapsed. -now moves that clock, to see
// the calendar the morning quota opens, or an arrival list as it stood
// yesterday.
//
// # A file that is not a booking file
//
// kuota says what it was given instead: a directory (-db names the file
// itself), an empty file (serve makes one; the other commands only read),
// a file that holds no bbolt database (another program's, or one
// overwritten), or a bbolt database of another program.
//
// # A file in use
//
// A bbolt file has either one writer or any number of readers. While the
// service that books has the file open, kuota waits -timeout for it and then
// says the file is held by a running process: ask the service with -addr
// URL instead, or stop it.
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
// is one. When the first change is damaged — it holds the keys of the
// booking codes, without which nothing after it can be read — salvage
// writes no file and says to restore the backup. salvage never changes
// the damaged file and never replaces an
// existing one, and it prints no booking: to it a change is bytes, named by
// its number.
//
// # Privacy
//
// NIKs are personal data. kuota prints them masked ("31**********0001"), and
// never prints applicant metadata, account IDs or billing codes; arrivals
// shows only whether a booking has a payment reference, not the reference.
// The exceptions are the files backup and archive write, the office's
// records in full: kuota writes them with mode 0600 and never to the
// terminal; keep them as you keep the booking file. serve's log names
// bookings by code, never by NIK or account.
//
// # Exit status
//
// 0 when the command did what was asked (for serve, a clean shutdown); 1
// when check found a broken invariant, or salvage could not copy every
// change; 2 when kuota could not do what was asked: a wrong command line,
// a missing, busy or damaged file, a service that refused or could not be
// reached, an unknown office.
package main
