package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// The server's place behind a gateway: which header names the account,
// which peers may set it, and the address other nodes reach it at.

// Limits of the server section's gateway fields.
const (
	// AccountHeaderBytesMax bounds the name of the account header: header
	// names are short words.
	AccountHeaderBytesMax = 64
	// TrustedProxiesMax bounds "trusted_proxies": a server sits behind a
	// few load balancers and a few cluster nodes, and each request is
	// checked against the whole list.
	TrustedProxiesMax = 64
	// AdvertiseBytesMax bounds "advertise", a base URL.
	AdvertiseBytesMax = 512
)

// credentialHeaders are the headers account_header may not name: they
// carry credentials or the proxies' own information, never an account
// ID, and one read as an account would show a secret as an account name
// in the operators' answers.
var credentialHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie",
	"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Host",
}

// gatewayFrom reads account_header, trusted_proxies, public_calendar and
// advertise into s.
func (s *ServerConfig) gatewayFrom(w *serverJSON) error {
	if len(w.TrustedProxies) > TrustedProxiesMax {
		return errAt(index("server.trusted_proxies", TrustedProxiesMax),
			fmt.Errorf("%w: %d networks, limit %d", ErrTooMany, len(w.TrustedProxies), TrustedProxiesMax))
	}
	for i, p := range w.TrustedProxies {
		prefix, err := parseProxy(p)
		if err != nil {
			return errAt(index("server.trusted_proxies", i), err)
		}
		s.TrustedProxies = append(s.TrustedProxies, prefix)
	}
	if w.AccountHeader != nil {
		if err := checkHeaderName(*w.AccountHeader); err != nil {
			return errAt("server.account_header", err)
		}
		if len(s.TrustedProxies) == 0 {
			return errAt("server.account_header", fmt.Errorf(`%w: an account header needs "trusted_proxies", the proxies allowed to set it: `+
				"believed from anyone, it would let anyone act for any account", ErrBadValue))
		}
		s.AccountHeader = *w.AccountHeader
	}
	if w.PublicCalendar != nil {
		s.PublicCalendar = *w.PublicCalendar
	}
	if w.Advertise != nil {
		if err := checkAdvertise(*w.Advertise); err != nil {
			return errAt("server.advertise", err)
		}
		s.Advertise = *w.Advertise
	}
	return nil
}

// parseProxy reads a network, "10.0.0.0/24", or one address, "10.0.0.5",
// which is a network of one. A network of every address is refused: it
// would trust every client.
func parseProxy(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil {
			return p, fmt.Errorf(`%w: network %s, want an address ("10.0.0.5") or a network ("10.0.0.0/24")`, ErrBadValue, quote(s))
		}
		a = a.Unmap()
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Bits() == 0 {
		return p, fmt.Errorf("%w: network %s holds every address: it would trust every client", ErrBadValue, quote(s))
	}
	return p.Masked(), nil
}

// checkHeaderName checks a header name: a token of RFC 9110, none of
// credentialHeaders.
func checkHeaderName(name string) error {
	ok := name != "" && len(name) <= AccountHeaderBytesMax
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
	}
	if !ok {
		return fmt.Errorf("%w: header name %s, want letters, digits and - (at most %d bytes)", ErrBadValue, quote(name), AccountHeaderBytesMax)
	}
	for _, h := range credentialHeaders {
		if strings.EqualFold(name, h) {
			return fmt.Errorf("%w: header %s carries credentials or a proxy's information, not an account: name a header of its own, such as X-Kuota-Account", ErrBadValue, quote(name))
		}
	}
	return nil
}

// checkAdvertise checks a base URL: http or https, a host, no query.
func checkAdvertise(s string) error {
	u, err := url.Parse(s)
	if err != nil || len(s) > AdvertiseBytesMax || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf(`%w: advertise %s, want a base URL such as "http://10.0.0.7:8080" (at most %d bytes)`, ErrBadValue, quote(s), AdvertiseBytesMax)
	}
	return nil
}
