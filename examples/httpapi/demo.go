package main

// DEMO ONLY. Everything in this file stands in for what a real service
// has and a demo cannot: a sign-in, and a payment channel that takes
// money. Do not copy it into a service: with these hooks, anyone who can
// reach the server as localhost acts for any account, and pays nothing.

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/kuota/kuota/kuotahttp"
)

// The headers the demo hooks believe.
const (
	accountHeader  = "X-Demo-Account"
	operatorHeader = "X-Demo-Operator"
)

// demoBodyBytesMax bounds the simulated payment channel's request body:
// one billing code.
const demoBodyBytesMax = 1 << 10

// errNotLocal refuses a request from anywhere but this machine.
var errNotLocal = errors.New("the demo hooks serve this machine only")

// demoAccount is the demo's Account hook: the X-Demo-Account header, on a
// request from this machine. DEMO ONLY: a real hook reads a session.
func demoAccount(r *http.Request) (string, error) { return fromLocalHeader(r, accountHeader) }

// demoOperator is the demo's Operator hook: the X-Demo-Operator header,
// on a request from this machine. DEMO ONLY.
func demoOperator(r *http.Request) (string, error) { return fromLocalHeader(r, operatorHeader) }

func fromLocalHeader(r *http.Request, name string) (string, error) {
	if !isLoopback(r.RemoteAddr) {
		return "", errNotLocal
	}
	if v := r.Header.Get(name); v != "" {
		return v, nil
	}
	return "", errors.New("no " + name + " header")
}

// isLoopback reports whether addr, a RemoteAddr, is this machine.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// newPaymentSecret draws the secret the simulated payment channel and
// kuotahttp share, anew at every start.
func newPaymentSecret() ([]byte, error) {
	secret := make([]byte, kuotahttp.PaymentSecretBytesMin)
	_, err := rand.Read(secret)
	return secret, err
}

// demoPaymentChannel is the page's Pay button, POST /demo/pay
// {"billing_code": …}: a stand-in for a bank, which would take the money
// first. It signs the callback the bank would send, with reference
// DEMO-<billing code>, and hands it to the handler's POST /payments
// in-process, answering with what that answers. DEMO ONLY: it pays any
// billing code for anyone on this machine.
func demoPaymentChannel(h http.Handler, secret []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isLoopback(r.RemoteAddr) {
			http.Error(w, errNotLocal.Error(), http.StatusForbidden)
			return
		}
		var in struct {
			BillingCode string `json:"billing_code"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, demoBodyBytesMax)).Decode(&in); err != nil {
			http.Error(w, "want {\"billing_code\": …}", http.StatusBadRequest)
			return
		}
		callback, err := kuotahttp.NewPaymentCallback(r.Context(), "/payments", secret, time.Now(), in.BillingCode, "DEMO-"+in.BillingCode)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		callback.RemoteAddr = r.RemoteAddr
		h.ServeHTTP(w, callback)
	})
}
