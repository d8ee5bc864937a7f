// Package browsertest drives kuotahttp's calendar page in a real headless
// Chromium, as a person uses it, at a desktop's 1280×900 and a phone's
// 390×844: it books, pays, reschedules and cancels, and asserts what the
// screen shows at each step — the month, today, the days' states in
// words, the slots beside or below the calendar, the office's zone on
// every time, the countdown, the result in view, the two languages; once
// paid, the queue number, the collection date and the proof of booking
// (its QR code loaded, or its token to copy from a service that draws
// none); and an opening draw, which the page enters beside a Go client
// while the test moves the service's clock past the window and runs it.
//
// It is a module of its own because it needs chromedp, which kuota's core
// module must not depend on. It has only tests:
//
//	cd browsertest && go test ./...
//
// # Chromium
//
// The tests drive the browser named by KUOTA_CHROMIUM, or the first of
// chromium, chromium-browser, google-chrome-stable, google-chrome and
// headless-shell on PATH. scripts/chromium.sh ensure installs Debian's
// chromium package when there is none (as root) and prints its path.
// Without a browser the tests skip, saying so; with KUOTA_CI=1 (as
// .ci/run sets it) they fail instead.
//
// # What the tests need of the machine
//
// Nothing but the browser: the service runs in the test process on
// 127.0.0.1, on an in-memory engine whose clock starts at a fixed
// instant (Monday 14 December 2026, 09:30 WITA) and runs at the real
// pace (a test may jump it forward), so that a run sees the same calendar whatever the date, the host's
// zone or the browser's. The browser's zone is set to New York on purpose:
// a page that used it would show the wrong day and times. Every request the
// page makes is checked to go to 127.0.0.1.
//
// Screenshots of every step go to a fresh directory under the system's
// temporary directory, named in the test log; it is removed when the test
// passes, unless KUOTA_KEEP_SCREENSHOTS=1, and kept when it fails.
package browsertest
