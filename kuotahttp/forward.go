package kuotahttp

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
)

// ForwardedHeader marks a change a standby forwarded to the active node.
// A node that receives a request carrying it never forwards it again:
// a change travels at most one hop. A client that sends it only stops a
// standby from forwarding its own request.
const ForwardedHeader = "Kuota-Forwarded"

// A standby forwards a change to the active node itself, as a reverse
// proxy, rather than answering 307 or 308 and leaving it to the client:
//
//   - HTTP clients drop Authorization (Go's) or refuse (browsers' fetch,
//     unless the active node answers CORS) when a redirect leads to
//     another host, so the redirected change would arrive without the
//     credentials that allowed it;
//   - a payment channel's callback does not follow redirects at all;
//   - the active node's address is the cluster's, often one clients
//     cannot reach.
//
// Forwarded, the request keeps its method, path, query, body and every
// header but the hop-by-hop ones, gains X-Forwarded-For, -Host and
// -Proto (see ForwardedFor to count the client, not the standby, against
// the rate limits) and ForwardedHeader, and the active node answers it as
// if it had come straight there: it authenticates it and checks ownership
// again. The body is the one this node read whole, so it goes out byte
// for byte, and a payment's signature still checks out.

// activeAddress returns where the active node is, when this engine is
// a standby; false when it is not one any more (it was promoted). A
// standby that knows no active node yet answers "" and true: forward
// then refuses with ErrNoActive.
func (h *Handler) activeAddress(*call) (string, bool) {
	return h.engine.ActiveAddress()
}

// forward sends the request of c to the active node at active, a base
// URL such as "http://10.0.0.5:8080" (booking.Engine.SetActiveAddress),
// to which the path the request arrived with is appended: the active
// node serves the same handler under the same prefix. When no active
// node is known, or the request was forwarded once already, it answers
// ErrNoActive, 503 with Retry-After: a failover is under way.
func (h *Handler) forward(c *call, active string) {
	if c.r.Header.Get(ForwardedHeader) != "" {
		h.fail(c, fmt.Errorf("%w: the request was forwarded once already", ErrNoActive))
		return
	}
	if active == "" {
		h.fail(c, ErrNoActive)
		return
	}
	target, err := url.Parse(active)
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" {
		h.log.ErrorContext(c.r.Context(), "kuotahttp: the active node's address is not an http(s) URL", "active", active)
		h.fail(c, fmt.Errorf("%w: the active node's address is not a URL", ErrNoActive))
		return
	}
	// The path and query as the client sent them, before any
	// http.StripPrefix took the mount prefix off.
	path, rawQuery := c.r.URL.EscapedPath(), c.r.URL.RawQuery
	if u, err := url.ParseRequestURI(c.r.RequestURI); err == nil && c.r.RequestURI != "" {
		path, rawQuery = u.EscapedPath(), u.RawQuery
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			full := joinPath(target.EscapedPath(), path)
			pr.Out.URL.Path, _ = url.PathUnescape(full)
			pr.Out.URL.RawPath = full
			pr.Out.URL.RawQuery = rawQuery
			pr.SetXForwarded()
			pr.Out.Header.Set(ForwardedHeader, "1")
		},
		Transport: h.o.Transport,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			h.log.ErrorContext(r.Context(), "kuotahttp: forwarding to the active node failed", "active", active, "err", err)
			setSecurityHeaders(w)
			h.fail(c, ErrActiveUnreachable)
		},
	}
	c.r.Body = io.NopCloser(bytes.NewReader(c.body))
	c.r.ContentLength = int64(len(c.body))
	// The active node sets these again; two would confuse the client.
	for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		c.w.Header().Del(k)
	}
	proxy.ServeHTTP(c.w, c.r)
}

// joinPath joins a base path and a request path with one slash.
func joinPath(base, path string) string {
	switch {
	case base == "" || base == "/":
		return path
	case base[len(base)-1] == '/' && len(path) > 0 && path[0] == '/':
		return base + path[1:]
	}
	return base + path
}
