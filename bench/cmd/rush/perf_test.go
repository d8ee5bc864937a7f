//go:build unix

package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakePerf plays perf record's side of --control fifo:ctl,ack: it opens
// both FIFOs first, as perf does before it starts the command (read and
// write, so that neither open waits), then reads each command from ctl
// and answers as perf does, "ack\n" and a NUL, on ack, until it has
// answered acks commands or hangUp is called; then it closes both and
// sends what it read on got.
func fakePerf(t *testing.T, acks int) (spec string, hangUp func(), got <-chan []string) {
	dir := t.TempDir()
	ctlPath, ackPath := filepath.Join(dir, "ctl"), filepath.Join(dir, "ack")
	require.NoError(t, syscall.Mkfifo(ctlPath, 0o600))
	require.NoError(t, syscall.Mkfifo(ackPath, 0o600))
	ctl, err := os.OpenFile(ctlPath, os.O_RDWR, 0)
	require.NoError(t, err)
	ack, err := os.OpenFile(ackPath, os.O_RDWR, 0)
	require.NoError(t, err)
	out := make(chan []string, 1)
	var once sync.Once
	hangUp = func() { once.Do(func() { ctl.Close(); ack.Close() }) }
	t.Cleanup(hangUp)
	go func() {
		var cmds []string
		defer func() { out <- cmds }()
		defer hangUp()
		lines := bufio.NewScanner(ctl)
		for len(cmds) < acks && lines.Scan() {
			cmds = append(cmds, lines.Text())
			if _, err := ack.WriteString("ack\n\x00"); err != nil {
				return
			}
		}
	}()
	return ctlPath + "," + ackPath, hangUp, out
}

// -perf-control turns perf on at each rush's release and off at its
// sell-out: the office rush is one window, the national rush three waves.
func TestPerfControl(t *testing.T) {
	spec, hangUp, got := fakePerf(t, 100)
	var out, errs strings.Builder
	code := run([]string{"-scenarios", "rush,national", "-systems", "kuota-memory", "-scale", "0.002", "-workers", "4", "-quiet", "-perf-control", spec}, &out, &errs)
	require.Equal(t, 0, code, errs.String())
	hangUp()
	require.Equal(t, strings.Fields(strings.Repeat("enable disable ", 4)), <-got)
}

// A profiler that stops answering ends the run with an error; a flag that
// does not name two FIFOs, or names FIFOs no perf reads, is refused at
// once.
func TestPerfControlFails(t *testing.T) {
	spec, _, got := fakePerf(t, 1) // answers the first command, then hangs up
	var out, errs strings.Builder
	code := run([]string{"-scenarios", "rush", "-systems", "kuota-memory", "-scale", "0.002", "-workers", "4", "-quiet", "-perf-control", spec}, &out, &errs)
	require.Equal(t, 1, code)
	require.Contains(t, errs.String(), "perf control")
	require.Equal(t, []string{"enable"}, <-got)

	for _, bad := range []string{"ctl", ",ack", "ctl,"} {
		errs.Reset()
		require.Equal(t, 2, run([]string{"-quiet", "-perf-control", bad}, &out, &errs), bad)
		require.Contains(t, errs.String(), "two FIFOs")
	}

	dir := t.TempDir()
	ctl, ack := filepath.Join(dir, "ctl"), filepath.Join(dir, "ack")
	require.NoError(t, syscall.Mkfifo(ctl, 0o600))
	require.NoError(t, syscall.Mkfifo(ack, 0o600))
	errs.Reset()
	require.Equal(t, 2, run([]string{"-quiet", "-perf-control", ctl + "," + ack}, &out, &errs), "no perf reads ctl")
	require.Contains(t, errs.String(), "is perf record --control")
}
