package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/kuotahttp"
)

// Who serve lets in. kuota keeps no users: it signs nobody in, and
// believes two things only.
//
//   - An operator is whoever sends "Authorization: Bearer TOKEN" with the
//     configuration's operator_token. The token is compared in constant
//     time (as hashes, so that not even its length leaks).
//   - An applicant's account is the configuration's account_header, set
//     by the identity-aware proxy or API gateway in front of the server,
//     which signs people in (M-Paspor ties an account to a verified phone
//     number and e-mail address). The header is believed only on
//     connections from trusted_proxies: anyone else could write it, and
//     act for any account. A request from elsewhere is refused (403), one
//     from a proxy without the header is not signed in (401).
//
// Without an operator_token no operator request is let in; without an
// account_header no public request that needs an account is.

// operatorTokenBytesMin is the shortest operator token serve takes: 128
// bits written as hex or base64 (openssl rand -hex 16), so that guessing
// it at the rate limits' pace takes longer than the universe has.
const operatorTokenBytesMin = 32

// operatorName is the name the log gives an operator: the token names
// nobody in particular.
const operatorName = "operator"

// bearerOperator returns the Operator hook that lets in the holder of
// token.
func bearerOperator(token string) func(*http.Request) (string, error) {
	want := sha256.Sum256([]byte(token))
	return func(r *http.Request) (string, error) {
		got, ok := bearerToken(r)
		if !ok {
			return "", kuotahttp.ErrUnauthenticated
		}
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			return "", kuotahttp.ErrUnauthenticated
		}
		return operatorName, nil
	}
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// operatorKey marks, in a request's context, a calendar read that serve
// let an operator make through the public handler (see operatorCalendar):
// a context value no client can set.
type operatorKey struct{}

// gatewayAccount returns the Account hook: the account an operator's
// calendar read carries in its context, else header's value on a request
// from a trusted proxy. header "" means no public request has an
// account, bar an operator's calendar read.
func gatewayAccount(header string, trusted []netip.Prefix) func(*http.Request) (string, error) {
	return func(r *http.Request) (string, error) {
		if name, ok := r.Context().Value(operatorKey{}).(string); ok {
			return "operator:" + name, nil
		}
		if header == "" {
			return "", fmt.Errorf("%w: this service names no account header", kuotahttp.ErrForbidden)
		}
		if !fromTrusted(r, trusted) {
			return "", fmt.Errorf("%w: accounts are signed in by the gateway", kuotahttp.ErrForbidden)
		}
		account := r.Header.Get(header)
		if account == "" || label.Check(account, booking.AccountBytesMax) != nil {
			return "", kuotahttp.ErrUnauthenticated
		}
		return account, nil
	}
}

// fromTrusted reports whether the connection of r comes from one of the
// trusted networks.
func fromTrusted(r *http.Request, trusted []netip.Prefix) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// operatorCalendar lets an operator read the offices and the calendars,
// which the operator API does not serve, through the public handler: it
// checks the bearer token as the operator API does, then hands the
// request on with the operator marked in its context, which the Account
// hook reads. kuota calendar -addr reads a month this way. Only the GET
// routes serve mounts on it reach it.
func operatorCalendar(operator func(*http.Request) (string, error), public http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if operator == nil {
			writeProblem(w, http.StatusForbidden, "forbidden", "Not allowed", "this service lets nobody in here")
			return
		}
		name, err := operator(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeProblem(w, http.StatusUnauthorized, "unauthenticated", "Sign in first",
				"send the operator token as Authorization: Bearer TOKEN")
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), operatorKey{}, name))
		http.StripPrefix(operatorPrefix, public).ServeHTTP(w, r)
	})
}

// writeProblem answers a refusal of serve's own as kuotahttp answers its
// refusals: an RFC 9457 problem, with a type kuotahttp's table has.
func writeProblem(w http.ResponseWriter, status int, name, title, detail string) {
	body, _ := json.Marshal(kuotahttp.Problem{Type: kuotahttp.ProblemTypeBase + name, Title: title, Status: status, Detail: detail})
	w.Header().Set("Content-Type", kuotahttp.ProblemContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
