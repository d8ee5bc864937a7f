package kuotahttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/kuotahttp"
	"github.com/kuota/kuota/quota"
)

// A service mounts the public API under /kuota/ and books through it. The
// Account hook here believes a header, which is for this example only: a
// service reads the account from its own sign-in (a session cookie, a
// verified token), or anyone could act for anyone.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, time.November, 1, 9, 0, 0, 0, calendar.Jakarta())
	engine, err := booking.New(&booking.Options{Now: func() time.Time { return now }, NoSweeper: true})
	if err != nil {
		log.Fatal(err)
	}
	defer engine.Close()
	err = engine.RegisterOffice(ctx, booking.OfficeConfig{
		Code: "JKT-SEL",
		Name: "Kantor Imigrasi Jakarta Selatan",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: calendar.Jakarta()},
			Layout: quota.Layout{
				Pools: []string{"online"},
				Slots: []quota.Slot{{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{2}}},
			},
			Release: quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
			First:   calendar.NewDate(2026, time.December, 1),
			Days:    31,
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	h, err := kuotahttp.New(engine, &kuotahttp.Options{
		Account: func(r *http.Request) (string, error) { // example only, see above
			if a := r.Header.Get("X-Example-Account"); a != "" {
				return a, nil
			}
			return "", errors.New("not signed in")
		},
		Now: func() time.Time { return now },
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/kuota/", http.StripPrefix("/kuota", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// send sends a request as account and prints the status and, for a
	// booking, its state and slot, or, for a refusal, its problem type.
	send := func(account, method, url, body string) *http.Response {
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Example-Account", account)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			State    string `json:"state"`
			SlotTime string `json:"slot_time"`
			Type     string `json:"type"` // of a problem
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			log.Fatal(err)
		}
		fmt.Println(strings.Join(strings.Fields(resp.Status+" "+out.State+" "+out.SlotTime+" "+out.Type), " "))
		return resp
	}

	held := send("budi@example.com", "POST", srv.URL+"/kuota/holds",
		`{"office":"JKT-SEL","date":"2026-12-10","slot":"08:00","pool":"online","applicants":[{"nik":"3171010101900001"}]}`)
	// Location is relative to …/holds, so it resolves under the prefix.
	where, err := held.Location()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(where.Path, "/kuota/bookings/"))
	send("budi@example.com", "GET", where.String(), "")
	// Someone else gets what a code nobody holds gets.
	send("eve@example.com", "GET", where.String(), "")
	// Output:
	// 201 Created held 08:00–09:00
	// true
	// 200 OK held 08:00–09:00
	// 404 Not Found https://kuota.dev/problems/booking-not-found
}

// The payment channel signs each callback with the secret it shares with
// the service; the handler takes POST /payments only when the signature
// checks out and its timestamp is recent. The output is a test vector for
// a payment channel written in another language: HMAC-SHA256 with the
// secret, over "1793520000." and the body.
func ExampleSignPayment() {
	secret := []byte("a secret shared with the payment channel")
	body := []byte(`{"billing_code":"123456789012345","payment_ref":"BANK-REF-001"}`)
	timestamp, signature := kuotahttp.SignPayment(secret, time.Unix(1_793_520_000, 0), body)

	req := httptest.NewRequest(http.MethodPost, "/payments", strings.NewReader(string(body)))
	req.Header.Set(kuotahttp.PaymentTimestampHeader, timestamp)
	req.Header.Set(kuotahttp.PaymentSignatureHeader, signature)
	fmt.Println(kuotahttp.PaymentTimestampHeader+":", req.Header.Get(kuotahttp.PaymentTimestampHeader))
	fmt.Println(kuotahttp.PaymentSignatureHeader+":", req.Header.Get(kuotahttp.PaymentSignatureHeader))
	// Output:
	// Kuota-Payment-Timestamp: 1793520000
	// Kuota-Payment-Signature: v1=8e39cfdd56c3265a06ec29a574810c85ed65744b8bd99b45ed13de2c5b2693d1
}
