//go:build linux

package postgres_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The parent's side of the node processes: starting them, calling their
// API (see childServer), signalling them.

// procConfig is the nodes' configuration in these tests: a short lease
// so that a failover takes about two seconds, renewed often enough to
// survive a slow moment under -race, and the default FollowInterval.
func procConfig(dsn, schema string) childConfig {
	return childConfig{
		DSN:           dsn,
		Schema:        schema,
		LeaseDuration: 2 * time.Second,
		RenewInterval: 300 * time.Millisecond,
		TakeoverDelay: 100 * time.Millisecond,
		CommitTimeout: 5 * time.Second,
	}
}

// procStartTimeout bounds a node process's start: exec, connecting,
// creating the schema, reading the journal.
const procStartTimeout = 30 * time.Second

// nodeProc is one node process, killed when the test ends.
type nodeProc struct {
	name   string // "node1", …, for messages
	addr   string // its HTTP address, which it advertises while active
	cmd    *exec.Cmd
	stdin  *os.File      // the write end of its stdin, closed when the test ends
	exited chan struct{} // closed once it has exited
	client *http.Client
}

// startProcs starts n node processes with config c at once and returns
// them once each listens.
func startProcs(t *testing.T, n int, c childConfig) []*nodeProc {
	t.Helper()
	procs := make([]*nodeProc, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range procs {
		wg.Go(func() { procs[i], errs[i] = startProc(t, fmt.Sprintf("node%d", i+1), c) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	return procs
}

// startProc runs the test binary as one node (see childMain), its stderr
// in a file of the test's temporary directory: when the test fails, a
// SIGQUIT adds the child's goroutines, its end is shown and the whole is
// kept (keepLog); a data race or a panic in it fails the test. The process gets SIGKILL when the parent dies (Pdeathsig) and
// when the test ends.
func startProc(t *testing.T, name string, c childConfig) (*nodeProc, error) {
	cfg, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer stdinR.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		stdinW.Close()
		return nil, err
	}
	defer outW.Close()

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"="+string(cfg))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdinR, outW, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		stdinW.Close()
		outR.Close()
		return nil, err
	}
	p := &nodeProc{
		name:   name,
		cmd:    cmd,
		stdin:  stdinW,
		exited: make(chan struct{}),
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}},
	}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		if t.Failed() && p.signal(syscall.SIGQUIT) == nil {
			// Its goroutines, in its log.
			select {
			case <-p.exited:
			case <-time.After(5 * time.Second):
			}
		}
		p.signal(syscall.SIGKILL)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			t.Errorf("%s (pid %d) did not exit after SIGKILL", name, cmd.Process.Pid)
		}
		p.stdin.Close()
		p.client.CloseIdleConnections()
		log := readTail(logPath, 1<<20)
		if i := max(strings.Index(log, "WARNING: DATA RACE"), strings.Index(log, "panic:")); i >= 0 {
			t.Errorf("%s's log shows a race or a panic:\n%s", name, log[i:min(len(log), i+8192)])
		} else if t.Failed() {
			t.Logf("the end of %s's log (all of it, with its goroutines, kept in %s):\n%s", name, keepLog(logPath, name), readTail(logPath, 4096))
		}
	})

	line := make(chan string, 1)
	go func() {
		defer outR.Close()
		r := bufio.NewReader(outR)
		s, _ := r.ReadString('\n')
		line <- s
		io.Copy(io.Discard, r) // until the child exits
	}()
	select {
	case s := <-line:
		addr, ok := strings.CutPrefix(strings.TrimSpace(s), "listening ")
		if !ok {
			return nil, fmt.Errorf("%s did not start (%q); its log: %s", name, s, readTail(logPath, 4096))
		}
		p.addr = addr
		return p, nil
	case <-time.After(procStartTimeout):
		return nil, fmt.Errorf("%s did not listen within %v; its log: %s", name, procStartTimeout, readTail(logPath, 4096))
	}
}

// signal sends sig to the process, unless it has exited.
func (p *nodeProc) signal(sig syscall.Signal) error {
	select {
	case <-p.exited:
		return errors.New(p.name + " has exited")
	default:
	}
	return p.cmd.Process.Signal(sig)
}

// kill sends SIGKILL and waits until the process is gone; it returns the
// instant the signal was sent.
func (p *nodeProc) kill(t *testing.T) time.Time {
	t.Helper()
	at := time.Now()
	require.NoError(t, p.signal(syscall.SIGKILL))
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not exit after SIGKILL", p.name)
	}
	return at
}

func (p *nodeProc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// callError is an answer other than 200, or no answer.
type callError struct {
	status  int // 0: no answer (a refused or broken connection, a timeout)
	problem wireProblem
	err     error
}

func (e *callError) Error() string {
	if e.status == 0 {
		return e.err.Error()
	}
	return fmt.Sprintf("%d: %s", e.status, e.problem.Detail)
}

// call sends in as JSON (a GET when in is nil) and decodes a 200 answer
// into out; any other outcome is a *callError.
func (p *nodeProc) call(ctx context.Context, path string, in, out any) error {
	method, body := http.MethodGet, []byte(nil)
	if in != nil {
		method = http.MethodPost
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+p.addr+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return &callError{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, childBodyBytesMax))
	if err != nil {
		return &callError{err: err}
	}
	if resp.StatusCode != http.StatusOK {
		ce := &callError{status: resp.StatusCode}
		json.Unmarshal(data, &ce.problem)
		return ce
	}
	return json.Unmarshal(data, out)
}

// status asks p for its status, for statusTimeout at most.
func (p *nodeProc) status(ctx context.Context) (wireStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	var st wireStatus
	err := p.call(ctx, "/status", nil, &st)
	return st, err
}

func (p *nodeProc) hold(ctx context.Context, h wireHold) (wireBooking, error) {
	var b wireBooking
	err := p.call(ctx, "/hold", h, &b)
	return b, err
}

// register registers the test office on p, seats online seats a slot.
func (p *nodeProc) register(t *testing.T, seats int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, p.call(ctx, "/register", wireRegister{Seats: seats}, &struct{}{}))
}

func (p *nodeProc) check(t *testing.T) wireCheck {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var c wireCheck
	require.NoError(t, p.call(ctx, "/check", nil, &c))
	return c
}

// get returns the bookings of codes that p finds, by code.
func (p *nodeProc) get(ctx context.Context, codes []string) (map[string]wireBooking, error) {
	found := make(map[string]wireBooking, len(codes))
	for len(codes) > 0 {
		n := min(len(codes), childCodesMax)
		var got wireGot
		if err := p.call(ctx, "/get", wireGet{Codes: codes[:n]}, &got); err != nil {
			return nil, err
		}
		for _, b := range got.Bookings {
			found[b.Code] = b
		}
		codes = codes[n:]
	}
	return found, nil
}

// statusPollEvery is how often the tests look at a node's status, and
// statusTimeout how long one look may take: a stopped process never
// answers.
const (
	statusPollEvery = 10 * time.Millisecond
	statusTimeout   = 300 * time.Millisecond
)

// findActive returns the first of procs (the live ones) that says it is
// active, or nil.
func findActive(ctx context.Context, procs []*nodeProc) (*nodeProc, wireStatus) {
	for _, p := range procs {
		if !p.alive() {
			continue
		}
		if st, err := p.status(ctx); err == nil && st.Active {
			return p, st
		}
	}
	return nil, wireStatus{}
}

// waitForActive returns the first of procs to say it is active, and when
// it was seen so; the test fails if none does within d.
func waitForActive(t *testing.T, procs []*nodeProc, d time.Duration) (*nodeProc, wireStatus, time.Time) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if p, st := findActive(t.Context(), procs); p != nil {
			return p, st, time.Now()
		}
		time.Sleep(statusPollEvery)
	}
	t.Fatalf("no node of %d became active within %v", len(procs), d)
	return nil, wireStatus{}, time.Time{}
}

// others returns procs without p.
func others(procs []*nodeProc, p *nodeProc) []*nodeProc {
	var out []*nodeProc
	for _, q := range procs {
		if q != p {
			out = append(out, q)
		}
	}
	return out
}

// keepLog copies the log at path to a file of its own in the system's
// temporary directory, which outlives the test, and returns its name.
func keepLog(path, name string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	f, err := os.CreateTemp("", "kuota-"+name+"-*.log")
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return err.Error()
	}
	return f.Name()
}

// readTail returns the last n bytes of the file at path.
func readTail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(data[max(0, len(data)-n):])
}
