package browsertest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
	"github.com/kuota/kuota/kuotahttp"
	"github.com/kuota/kuota/quota"
)

// The service the page is tested against. Its clock starts on Monday
// 14 December 2026 at 09:30 in Makassar (WITA, UTC+8): the 08:00 and 09:00
// slots of today have started, the 11th and before are past, the 12th
// and 13th a weekend, the 24th and 25th Christmas holidays (collective
// leave observed), the 28th to the 31st not opened yet (each day opens
// releaseLeadDays before, at 08:00), and January 2027 not opened for want
// of holiday data: kuota ships 2024 to 2026.
var (
	clockStart = time.Date(2026, time.December, 14, 9, 30, 0, 0, calendar.Makassar())
	firstDay   = calendar.NewDate(2026, time.December, 1)
)

const (
	horizonDays     = 90
	releaseLeadDays = 10
	onlineSeats     = 10 // per slot
	walkInSeats     = 4
	slotsPerDay     = 8 // 08:00 to 16:00
	// accountHeader carries the account, as examples/httpapi's demo does:
	// the page asks for it (Options.PageAccountHeader) and sends it.
	accountHeader = "X-Demo-Account"
	payPath       = "/demo/pay"
	// shutdownTimeout bounds the server's graceful stop at the end of a
	// test; the page's requests are long done by then.
	shutdownTimeout = 5 * time.Second
	// payBodyBytesMax bounds the simulated payment channel's body: one
	// billing code.
	payBodyBytesMax = 1 << 10
)

// Office codes: Jakarta Selatan in WIB, listed first, and Makassar in WITA.
const (
	officeJakarta  = "JKT-SEL"
	officeMakassar = "MKS"
)

// testClock is the service's clock: a fixed instant, then the real pace,
// so that a countdown counts down and nothing crosses a day in a test's
// minutes, and jumps forward when a test says so (an opening draw's
// window passing). Both readings jump together, so the engine, which
// checks Now against Monotonic, believes the jump at once.
type testClock struct {
	start, began time.Time
	skipped      atomic.Int64 // nanoseconds jumped over by Skip
}

func (c *testClock) Now() time.Time { return c.start.Add(c.Monotonic()) }
func (c *testClock) Monotonic() time.Duration {
	return time.Since(c.began) + time.Duration(c.skipped.Load())
}

// Skip moves the clock forward by d.
func (c *testClock) Skip(d time.Duration) { c.skipped.Add(int64(d)) }

// serviceOptions change the service for one test; the zero value is the
// usual one.
type serviceOptions struct {
	start   time.Time     // the clock's first instant: clockStart when zero
	holdTTL time.Duration // how long a hold waits for payment: the engine's default when zero
	// openingWindow is the offices' opening window: none when zero.
	openingWindow time.Duration
	// noProofImage leaves Options.ProofImage nil: the page shows a
	// proof's token as text.
	noProofImage bool
}

// service is kuotahttp over an in-memory engine, on 127.0.0.1.
type service struct {
	url    string
	engine *booking.Engine
	clock  *testClock
}

// newService starts the service; the test's cleanup stops it.
func newService(t *testing.T, opts serviceOptions) *service {
	t.Helper()
	clock := &testClock{start: clockStart, began: time.Now()}
	if !opts.start.IsZero() {
		clock.start = opts.start
	}
	engine, err := booking.New(&booking.Options{
		Now: clock.Now, Monotonic: clock.Monotonic, NoSweeper: true, HoldTTL: opts.holdTTL,
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, engine.Close()) })
	for _, cfg := range officeConfigs(opts.openingWindow) {
		require.NoError(t, engine.RegisterOffice(t.Context(), cfg))
	}

	secret := make([]byte, kuotahttp.PaymentSecretBytesMin)
	_, err = rand.Read(secret)
	require.NoError(t, err)
	// The clock is the engine's; the rates are wide, because the test
	// clicks faster than any person.
	wide := kuotahttp.Rate{Burst: 100_000, Every: time.Millisecond}
	var proofImage func(string) (string, []byte, error)
	if !opts.noProofImage {
		proofImage = proofQR
	}
	h, err := kuotahttp.New(engine, &kuotahttp.Options{
		Account: func(r *http.Request) (string, error) {
			if a := r.Header.Get(accountHeader); a != "" {
				return a, nil
			}
			return "", errors.New("no account")
		},
		PaymentSecret:     secret,
		Now:               clock.Now,
		AccountRate:       wide,
		AddressRate:       wide,
		AddressHoldRate:   wide,
		PageAccountHeader: accountHeader,
		PagePayURL:        payPath,
		ProofImage:        proofImage,
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle("POST "+payPath, paymentChannel(h, secret, clock.Now))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	var served sync.WaitGroup
	served.Go(func() { _ = srv.Serve(ln) })
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
		served.Wait()
	})
	return &service{url: "http://" + ln.Addr().String() + "/", engine: engine, clock: clock}
}

// proofQR draws a proof as a QR code PNG, as kuota serve does.
func proofQR(token string) (string, []byte, error) {
	png, err := qrcode.Encode(token, qrcode.Medium, -8)
	return "image/png", png, err
}

// officeConfigs are the two offices: Monday to Friday, eight one-hour
// slots, the shipped holidays with collective leave observed, and the
// opening window given.
func officeConfigs(window time.Duration) []booking.OfficeConfig {
	layout := quota.Layout{Pools: []string{"online", "walk-in"}}
	for h := 8; h < 8+slotsPerDay; h++ {
		layout.Slots = append(layout.Slots, quota.Slot{
			Start: time.Duration(h) * time.Hour,
			End:   time.Duration(h+1) * time.Hour,
			Seats: []int{onlineSeats, walkInSeats},
		})
	}
	office := func(code, name string, loc *time.Location) booking.OfficeConfig {
		return booking.OfficeConfig{Code: code, Name: name, Quota: quota.Config{
			Schedule: calendar.Schedule{Location: loc, Holidays: idholiday.All(), ObserveCollectiveLeave: true},
			Layout:   layout,
			Release:  quota.ReleaseRule{Every: quota.Daily, Lead: releaseLeadDays, At: 8 * time.Hour},
			First:    firstDay,
			Days:     horizonDays,
		}, OpeningWindow: window}
	}
	return []booking.OfficeConfig{
		office(officeJakarta, "Kantor Imigrasi Jakarta Selatan", calendar.Jakarta()),
		office(officeMakassar, "Kantor Imigrasi Makassar", calendar.Makassar()),
	}
}

// paymentChannel is the page's Pay button, as examples/httpapi's demo
// has it: it signs the callback a bank would send for the billing code
// and hands it to the handler's POST /payments.
func paymentChannel(h http.Handler, secret []byte, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			BillingCode string `json:"billing_code"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, payBodyBytesMax)).Decode(&in); err != nil {
			http.Error(w, "want {\"billing_code\": …}", http.StatusBadRequest)
			return
		}
		callback, err := kuotahttp.NewPaymentCallback(r.Context(), "/payments", secret, now(), in.BillingCode, "TEST-"+in.BillingCode)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		callback.RemoteAddr = r.RemoteAddr
		h.ServeHTTP(w, callback)
	})
}
