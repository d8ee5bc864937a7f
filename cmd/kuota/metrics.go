package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/kuotahttp"
)

// metrics are serve's Prometheus metrics, in a registry of their own.
// What the engine counts (bookings by state, commits, holiday gaps, a
// node's journal) is read from it at each scrape; what it does not count
// is counted here: holds and state changes from the event feed, refusals
// from the problems the handlers answer.
type metrics struct {
	reg      *prometheus.Registry
	holds    prometheus.Counter
	changes  *prometheus.CounterVec
	lost     prometheus.Counter
	refusals *prometheus.CounterVec

	mu      sync.Mutex          // guards reasons
	reasons map[string]struct{} // the refusal reasons counted so far
}

// refusalReasonsMax bounds the distinct reasons refusals are counted
// under: kuotahttp's problem table has some seventy, and a label must not
// grow with whatever a forwarding peer answers. Beyond it, "other".
const refusalReasonsMax = 128

// problemBodyBytesMax bounds the part of a refusal's body read for its
// type: the type is the problem's first member, and a problem is a few
// hundred bytes.
const problemBodyBytesMax = 4 << 10

func newMetrics(st store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		holds: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kuota_holds_total",
			Help: "Holds made (new bookings), from the engine's event feed, since serve started.",
		}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kuota_booking_changes_total",
			Help: "Changes of a booking's state, by the state it went to, from the event feed, since serve started.",
		}, []string{"state"}),
		lost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kuota_feed_lost_total",
			Help: "Journal records whose events the feed no longer kept when the metrics reached them: holds and changes not counted.",
		}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kuota_refusals_total",
			Help: "Requests refused, by API (public, operator) and reason (the problem type's name, such as cell-full).",
		}, []string{"api", "reason"}),
		reasons: map[string]struct{}{},
	}
	m.reg.MustRegister(m.holds, m.changes, m.lost, m.refusals, &engineCollector{st: st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves /metrics.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// feedRetryDelay is how long the feed's reader waits after an error
// before it asks again: the engine closed while a node steps down, and
// its successor is built from the journal in about that time.
const feedRetryDelay = 100 * time.Millisecond

// followFeed counts holds and state changes from the event feed of the
// store's engine, from the latest change on, until ctx ends. When the
// engine changes (a node steps down) it goes on at the same cursor: LSNs
// are the journal's, whichever engine reads it.
func (m *metrics) followFeed(ctx context.Context, st store, log *slog.Logger) {
	cursor := st.engine().LatestLSN()
	buf := make([]booking.FeedEvent, 0, booking.FeedBatchMax)
	for ctx.Err() == nil {
		evs, next, err := st.engine().Feed(ctx, cursor, buf[:0])
		var lost *booking.FeedLostError
		switch {
		case err == nil:
			for _, ev := range evs {
				if ev.From == 0 && ev.To == booking.Held {
					m.holds.Inc()
				}
				m.changes.WithLabelValues(kuotahttp.BookingStateName(ev.To)).Inc()
			}
			cursor = next
			continue
		case errors.As(err, &lost):
			m.lost.Add(float64(lost.Resume - lost.After))
			cursor = lost.Resume
			continue
		case ctx.Err() != nil:
			return
		case !errors.Is(err, booking.ErrEngineClosed):
			log.Warn("kuota serve: reading the event feed for the metrics", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(feedRetryDelay):
		}
	}
}

// countRefusals wraps h so that each refusal it answers, a problem of
// kuotahttp's, is counted under api and the problem's name.
func (m *metrics) countRefusals(api string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pw := &problemWriter{ResponseWriter: w}
		h.ServeHTTP(pw, r)
		if pw.problem {
			m.refusals.WithLabelValues(api, m.reason(pw.body)).Inc()
		}
	})
}

// reason returns the name of the problem whose body begins with body:
// the type without kuotahttp.ProblemTypeBase, when it has the names'
// form and the reasons are not full; else "other".
func (m *metrics) reason(body []byte) string {
	var p struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(body, &p) != nil {
		return "other"
	}
	name, ok := strings.CutPrefix(p.Type, kuotahttp.ProblemTypeBase)
	if !ok || !problemNameForm(name) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, seen := m.reasons[name]; !seen {
		if len(m.reasons) >= refusalReasonsMax {
			return "other"
		}
		m.reasons[name] = struct{}{}
	}
	return name
}

// problemNameForm reports whether name has the form of kuotahttp's
// problem names: lower-case words joined by hyphens, at most 40 bytes.
func problemNameForm(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('a' <= c && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// problemWriter passes a response through, noting whether it is a
// problem and keeping the start of its body.
type problemWriter struct {
	http.ResponseWriter
	wrote   bool
	problem bool
	body    []byte // at most problemBodyBytesMax
}

func (pw *problemWriter) WriteHeader(status int) {
	if !pw.wrote {
		pw.wrote = true
		pw.problem = status >= 400 && strings.HasPrefix(pw.Header().Get("Content-Type"), kuotahttp.ProblemContentType)
	}
	pw.ResponseWriter.WriteHeader(status)
}

func (pw *problemWriter) Write(b []byte) (int, error) {
	if !pw.wrote {
		pw.WriteHeader(http.StatusOK)
	}
	if pw.problem && len(pw.body) < problemBodyBytesMax {
		pw.body = append(pw.body, b[:min(len(b), problemBodyBytesMax-len(pw.body))]...)
	}
	return pw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer: a
// backup flushes, a forwarded change may.
func (pw *problemWriter) Unwrap() http.ResponseWriter { return pw.ResponseWriter }

// engineCollector reads, at each scrape, what the store's engine counts.
type engineCollector struct {
	st store
}

var (
	bookingsDesc = prometheus.NewDesc("kuota_bookings",
		"Bookings by state, as recorded (a lapsed hold counts as held until its expiry is recorded).", []string{"state"}, nil)
	commitsDesc = prometheus.NewDesc("kuota_commits_total",
		"Journal commits since the engine opened.", nil, nil)
	committedDesc = prometheus.NewDesc("kuota_committed_changes_total",
		"Changes the journal's commits carried since the engine opened.", nil, nil)
	lastCommitDesc = prometheus.NewDesc("kuota_last_commit_seconds",
		"How long the latest commit took, from taking its batch to its fsync (the commit latency).", nil, nil)
	lastSyncDesc = prometheus.NewDesc("kuota_last_sync_seconds",
		"The part of the latest commit spent writing and syncing the file: the disk's latency.", nil, nil)
	pendingDesc = prometheus.NewDesc("kuota_pending_writes",
		"Changes waiting for their commit.", nil, nil)
	failingDesc = prometheus.NewDesc("kuota_storage_failing",
		"1 while the journal cannot write and changes are refused, else 0.", nil, nil)
	standbyDesc = prometheus.NewDesc("kuota_standby",
		"1 on a standby node, which serves reads and forwards changes, else 0.", nil, nil)
	followedDesc = prometheus.NewDesc("kuota_journal_followed_lsn",
		"The LSN of the node's last journal record: committed when active, applied on a standby (PostgreSQL only).", nil, nil)
	lagDesc = prometheus.NewDesc("kuota_journal_lag_seconds",
		"How long ago a standby last read the journal to its end; 0 on the active node (PostgreSQL only).", nil, nil)
	gapDesc = prometheus.NewDesc("kuota_holiday_gap_years",
		"Years of the office's booking window without holiday data, whose service days stay not opened; 0 when covered.", []string{"office"}, nil)
)

func (c *engineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{bookingsDesc, commitsDesc, committedDesc, lastCommitDesc, lastSyncDesc,
		pendingDesc, failingDesc, standbyDesc, followedDesc, lagDesc, gapDesc} {
		ch <- d
	}
}

func (c *engineCollector) Collect(ch chan<- prometheus.Metric) {
	e := c.st.engine()
	st := e.Stats()
	for s := booking.Held; s <= booking.NoShow; s++ {
		ch <- prometheus.MustNewConstMetric(bookingsDesc, prometheus.GaugeValue, float64(st.Bookings[s]), kuotahttp.BookingStateName(s))
	}
	ch <- prometheus.MustNewConstMetric(commitsDesc, prometheus.CounterValue, float64(st.Commits))
	ch <- prometheus.MustNewConstMetric(committedDesc, prometheus.CounterValue, float64(st.Changes))
	ch <- prometheus.MustNewConstMetric(lastCommitDesc, prometheus.GaugeValue, st.LastCommit.Seconds())
	ch <- prometheus.MustNewConstMetric(lastSyncDesc, prometheus.GaugeValue, st.LastSync.Seconds())
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(st.PendingWrites))
	ch <- prometheus.MustNewConstMetric(failingDesc, prometheus.GaugeValue, boolValue(st.Failing))
	ch <- prometheus.MustNewConstMetric(standbyDesc, prometheus.GaugeValue, boolValue(st.Standby))
	if status := c.st.status(time.Now()); status.Role != "file" {
		ch <- prometheus.MustNewConstMetric(followedDesc, prometheus.GaugeValue, float64(status.Followed))
		if status.Role == "active" {
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, 0)
		} else if status.LagSeconds != nil {
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, *status.LagSeconds)
		}
	}
	// A collection has no context of its own; the scan is of the
	// offices in memory, and fails only on an engine being closed (a
	// node changing roles): then the gaps are left out of this scrape
	// rather than failing all of it.
	found, err := e.HolidayGaps(context.Background())
	if err != nil {
		return
	}
	gaps := map[string]int{}
	for _, g := range found {
		gaps[g.Office] = len(g.Years)
	}
	for _, code := range e.Offices() {
		ch <- prometheus.MustNewConstMetric(gapDesc, prometheus.GaugeValue, float64(gaps[code]), code)
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
