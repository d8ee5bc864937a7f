package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kuota/kuota/kuotahttp"
)

// The limits of a call to a running service. Every call is bounded: a
// command run from cron must end even when the service hangs.
const (
	// remoteCallTimeout bounds a call that answers JSON: a check sweeps
	// every booking, which takes seconds for millions of them.
	remoteCallTimeout = 5 * time.Minute
	// remoteHeaderTimeout bounds the wait for a backup's first byte (the
	// service copies its records to a temporary file first); the
	// transfer itself may take as long as the file needs, as long as
	// bytes keep coming.
	remoteHeaderTimeout = 5 * time.Minute
	// remoteIdleTimeout bounds a backup transfer that stopped moving.
	remoteIdleTimeout = time.Minute
	// remoteBodyBytesMax bounds a JSON answer: a day's arrival list of a
	// large office, or a check's violations, is megabytes at most.
	remoteBodyBytesMax = 64 << 20
	// problemBytesMax bounds a refusal's body: a problem is a few hundred
	// bytes.
	problemBytesMax = 16 << 10
)

// operatorPrefix is where kuota serve mounts the operator API.
const operatorPrefix = "/operator"

// parseServiceURL checks -addr: the base URL of a kuota serve, http or
// https, with a host, and no query. A path is kept: a service behind a
// proxy may sit under one.
func parseServiceURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil, u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("want an http:// or https:// URL, such as http://127.0.0.1:8080")
	case u.Host == "":
		return nil, errors.New("the URL names no host")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, errors.New("want the service's base URL, without a query")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// remote is a running kuota serve, asked through its operator API with
// the operator token.
type remote struct {
	base   *url.URL
	token  string
	client *http.Client
}

func newRemote(base *url.URL, token string) *remote {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		ResponseHeaderTimeout: remoteHeaderTimeout,
		TLSHandshakeTimeout:   30 * time.Second,
		IdleConnTimeout:       remoteIdleTimeout,
	}
	// The token goes to the service named, and to no host a redirect
	// leads to.
	client := &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return &remote{base: base, token: token, client: client}
}

// String names the service, for messages.
func (r *remote) String() string { return r.base.String() }

// get asks for path of the operator API (with its query) and decodes the
// JSON answer into v.
func (r *remote) get(path string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), remoteCallTimeout)
	defer cancel()
	resp, err := r.do(ctx, path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, remoteBodyBytesMax+1))
	if err != nil {
		return fmt.Errorf("%s: reading the answer to %s: %w", r, path, err)
	}
	if len(body) > remoteBodyBytesMax {
		return fmt.Errorf("%s: the answer to %s is larger than %d bytes", r, path, remoteBodyBytesMax)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: the answer to %s is not what kuota serve sends: %w", r, path, err)
	}
	return nil
}

// stream asks for path and copies the answer's body to w, with no limit
// but the transport's idle timeout: a backup is as large as the file.
func (r *remote) stream(path string, w io.Writer) (int64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resp, err := r.do(ctx, path)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, &idleReader{r: resp.Body, idle: remoteIdleTimeout, cancel: cancel})
	if err != nil {
		return n, fmt.Errorf("%s: the transfer of %s broke off after %d bytes: %w", r, path, n, err)
	}
	return n, nil
}

// do sends GET path with the token, and turns an answer other than 200
// into an error that says what to do. path is escaped, and may end in a
// query: "/offices/JKT/months/2026-12?pool=online".
func (r *remote) do(ctx context.Context, path string) (*http.Response, error) {
	ref, err := url.Parse(path)
	if err != nil {
		return nil, err
	}
	u := *r.base
	u.Path = r.base.Path + operatorPrefix + ref.Path
	u.RawPath = r.base.EscapedPath() + operatorPrefix + ref.EscapedPath()
	u.RawQuery = ref.RawQuery
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach %s (is kuota serve running there?): %w", r, errors.Unwrap(err))
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, r.refusal(resp)
}

// refusal turns an answer other than 200 into an error: the problem the
// service sent, with what the person at the terminal can do about it.
func (r *remote) refusal(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, problemBytesMax))
	var p kuotahttp.Problem
	if json.Unmarshal(body, &p) != nil || !strings.HasPrefix(p.Type, kuotahttp.ProblemTypeBase) {
		return &remoteError{status: resp.StatusCode, msg: fmt.Sprintf("%s answered %s, not as kuota serve does", r, resp.Status)}
	}
	e := &remoteError{status: resp.StatusCode, name: strings.TrimPrefix(p.Type, kuotahttp.ProblemTypeBase)}
	words := p.Title
	if p.Detail != "" {
		words += ": " + p.Detail
	}
	switch e.name {
	case "unauthenticated":
		e.msg = fmt.Sprintf("%s refused the operator token (-token or $%s): %s", r, tokenEnv, words)
	case "forbidden":
		e.msg = fmt.Sprintf("%s lets no operator in (its configuration names no operator_token): %s", r, words)
	case "no-route":
		e.msg = fmt.Sprintf("%s has no such operator route (is it kuota serve, and is -addr its base URL?): %s", r, words)
	default:
		e.msg = fmt.Sprintf("%s: %s", r, words)
	}
	return e
}

// remoteError is a refusal of the service: its status and problem name
// for the caller to tell cases apart, and a message for people.
type remoteError struct {
	status int
	name   string // the problem's name, "unknown-office"; "" when not a problem
	msg    string
}

func (e *remoteError) Error() string { return e.msg }

// problemName returns the problem name of a refusal, or "".
func problemName(err error) string {
	var re *remoteError
	if errors.As(err, &re) {
		return re.name
	}
	return ""
}

// idleReader fails a read that waits longer than idle, by cancelling the
// request's context: a transfer that stopped moving must not hang the
// command.
type idleReader struct {
	r      io.Reader
	idle   time.Duration
	cancel func()
}

func (ir *idleReader) Read(p []byte) (int, error) {
	t := time.AfterFunc(ir.idle, ir.cancel)
	defer t.Stop()
	return ir.r.Read(p)
}
