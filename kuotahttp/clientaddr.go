package kuotahttp

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// forwardedForHopsMax bounds the addresses ForwardedFor reads from
// X-Forwarded-For: a chain of proxies is a few hops long, and a client
// can send a header of any length.
const forwardedForHopsMax = 16

// ipv6KeyBits is the prefix an IPv6 client address is cut to: one
// subscriber usually gets a whole /64, and counting its 2^64 addresses
// apart would make the per-address limits worthless.
const ipv6KeyBits = 64

// RemoteAddr returns the client address of r as the per-address rate
// limits count it: the host of r.RemoteAddr, with an IPv6 address cut to
// its /64 network. It is the default Options.ClientAddr, right when
// clients connect to the server directly.
func RemoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return addrKey(host)
}

// ForwardedFor returns an Options.ClientAddr for a server behind
// proxies: trusted lists the proxies' networks, and the client is the
// nearest address that is not one of them — r.RemoteAddr itself if it is
// not trusted, else the last untrusted address of X-Forwarded-For, read
// from the right, where the trusted proxies appended what they saw. The
// addresses left of it are whatever the client wrote, and are ignored.
// When every address is trusted, the leftmost is taken. The address is
// cut as RemoteAddr cuts it.
//
// Do not trust the header without the proxies' networks: anyone can send
// X-Forwarded-For, and a header read blindly gives every request an
// address of the client's choosing, and so a fresh rate limit.
func ForwardedFor(trusted ...netip.Prefix) func(*http.Request) string {
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		if !isTrusted(host) {
			return addrKey(host)
		}
		hops := forwardedHops(r.Header.Values("X-Forwarded-For"))
		for i := len(hops) - 1; i >= 0; i-- {
			if !isTrusted(hops[i]) || i == 0 {
				return addrKey(hops[i])
			}
		}
		return addrKey(host)
	}
}

// forwardedHops returns the last forwardedForHopsMax addresses of the
// X-Forwarded-For header lines, in order.
func forwardedHops(lines []string) []string {
	var hops []string
	for i := len(lines) - 1; i >= 0 && len(hops) < forwardedForHopsMax; i-- {
		parts := strings.Split(lines[i], ",")
		for j := len(parts) - 1; j >= 0 && len(hops) < forwardedForHopsMax; j-- {
			hops = append(hops, strings.TrimSpace(parts[j]))
		}
	}
	for i, j := 0, len(hops)-1; i < j; i, j = i+1, j-1 {
		hops[i], hops[j] = hops[j], hops[i]
	}
	return hops
}

// addrKey returns the rate limit key of an address: an IPv4 address as
// it is, an IPv6 one as its /64 network, and anything that does not
// parse as it is (a test's "pipe", a Unix socket's "@").
func addrKey(s string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, err := a.Prefix(ipv6KeyBits)
		if err == nil {
			return p.String()
		}
	}
	return a.String()
}
