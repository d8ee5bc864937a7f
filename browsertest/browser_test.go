package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// Bounds on the browser: every wait ends.
const (
	// browserTimeout bounds a whole test's use of one browser: its start,
	// every step and its screenshots.
	browserTimeout = 3 * time.Minute
	// stepTimeout bounds one action or one wait for the page to show
	// something: the page answers in milliseconds, Chromium under -race
	// on a busy machine in a few seconds.
	stepTimeout = 20 * time.Second
	// pollInterval is how often a wait looks again.
	pollInterval = 50 * time.Millisecond
	// browserZone is the zone the browser believes it is in: not an
	// Indonesian one, so a page that used it would show wrong times.
	browserZone = "America/New_York"
)

// chromiumNames are the names the browser goes by on PATH.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "headless-shell"}

// chromiumPath returns the browser to drive: KUOTA_CHROMIUM, or the first
// of chromiumNames on PATH. Without one the test skips, or fails under
// KUOTA_CI=1, where .ci/run has installed it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("KUOTA_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium: set KUOTA_CHROMIUM, or install one with browsertest/scripts/chromium.sh ensure"
	if os.Getenv("KUOTA_CI") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// viewport is a screen the page is tested on.
type viewport struct {
	name          string
	width, height int64
	phone         bool
}

var (
	desktop = viewport{name: "1280x900", width: 1280, height: 900}
	phone   = viewport{name: "390x844", width: 390, height: 844, phone: true}
)

// browser is one headless Chromium showing the page, with what the test
// saw of it: every request's address, and every script error.
type browser struct {
	t     *testing.T
	ctx   context.Context
	vp    viewport
	shots string // the screenshots' directory
	shot  int    // screenshots taken

	mu       sync.Mutex // guards requests and errors, which Chromium's events fill
	requests []string
	errors   []string
}

// newBrowser starts the Chromium at path at vp's size in browserZone;
// the test's cleanup stops it, on every path, and checks its process is
// gone.
func newBrowser(t *testing.T, path string, vp viewport, shots string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.WindowSize(int(vp.width), int(vp.height)),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"),
	)
	if os.Geteuid() == 0 {
		// Chromium's sandbox refuses to run as root; CI runs as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	timeout, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(timeout, opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	b := &browser{t: t, ctx: ctx, vp: vp, shots: shots}

	var pid int
	t.Cleanup(func() {
		if t.Failed() && chromedp.FromContext(ctx).Browser != nil {
			b.screenshot("failed")
		}
		// Close the browser gracefully, then make sure: the allocator's
		// cancel kills the process if it is still there, waits for it,
		// and removes its profile directory.
		closeCtx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		_ = chromedp.Cancel(closeCtx)
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
		if pid != 0 {
			err := syscall.Kill(pid, 0)
			require.True(t, errors.Is(err, syscall.ESRCH), "Chromium (pid %d) still running after the test: %v", pid, err)
		}
	})

	// Listen starts the browser, bound to ctx, whose deadline is
	// browserTimeout: the first run's context is the browser's life.
	require.NoError(t, chromedp.Listen(ctx, b.listen), "start Chromium")
	if p := chromedp.FromContext(ctx).Browser.Process(); p != nil {
		pid = p.Pid
	}
	emulate := []chromedp.EmulateViewportOption{}
	if vp.phone {
		emulate = append(emulate, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	b.do(
		chromedp.EmulateViewport(vp.width, vp.height, emulate...),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: browserZone})
			return err
		}),
	)
	return b
}

// listen records what the page asks of the network and the script errors
// it throws; it runs on chromedp's event goroutine.
func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, e.Request.URL)
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.errors = append(b.errors, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			b.errors = append(b.errors, fmt.Sprintf("console.error: %d arguments", len(e.Args)))
		}
	}
}

// checkQuiet fails the test for a script error, or a request anywhere but
// the service on 127.0.0.1: the page loads nothing from elsewhere.
func (b *browser) checkQuiet() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Empty(b.t, b.errors, "script errors")
	require.NotEmpty(b.t, b.requests)
	for _, r := range b.requests {
		u, err := url.Parse(r)
		require.NoError(b.t, err)
		if u.Scheme == "data" || u.Scheme == "about" {
			continue
		}
		if u.Scheme == "blob" {
			// An image the page fetched itself (a proof's QR code), named
			// by a URL of the page's own origin.
			if u, err = url.Parse(u.Opaque); err != nil {
				require.NoError(b.t, err)
			}
		}
		require.Equal(b.t, "127.0.0.1", u.Hostname(), "the page asked %s", r)
	}
}

// do runs actions within stepTimeout.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...))
}

// eval evaluates a JavaScript expression within stepTimeout, decoding its
// value into a T.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	require.NoError(b.t, err, "evaluate %s", js)
	return v
}

// waitFor waits, within stepTimeout, until the JavaScript expression is
// true; what says what the test waited for, should it not come.
func (b *browser) waitFor(js, what string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool]("!!("+js+")", chromedp.WithPollingInterval(pollInterval)))
	require.NoError(b.t, err, "waiting for %s", what)
}

// click clicks the element sel names, as a person would: scrolled into
// view, at its centre.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// screenshot saves what the screen shows now, numbered in order.
func (b *browser) screenshot(label string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", label, err)
		return
	}
	b.shot++
	name := filepath.Join(b.shots, fmt.Sprintf("%s-%02d-%s.png", b.vp.name, b.shot, strings.ReplaceAll(label, " ", "-")))
	if err := os.WriteFile(name, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", label, err)
	}
}

// screenshotDir makes the directory the test's screenshots go to and
// names it in the log. A test that fails keeps it, for a person to look
// at; one that passes removes it unless KUOTA_KEEP_SCREENSHOTS=1.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "kuota-browser-"+strings.ReplaceAll(t.Name(), "/", "-")+"-")
	require.NoError(t, err)
	t.Logf("screenshots: %s", dir)
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("KUOTA_KEEP_SCREENSHOTS") == "1" {
			t.Logf("screenshots kept in %s", dir)
			return
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Logf("remove %s: %v", dir, err)
		}
	})
	return dir
}
