//go:build unix

package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakePerf plays perf record's side of --control fifo:ctl,ack: it reads
// each command from ctl and answers as perf does, "ack\n" and a NUL, on
// ack, until ctl closes or it has answered acks commands.
func fakePerf(t *testing.T, acks int) (spec string, got <-chan []string) {
	dir := t.TempDir()
	ctl, ack := filepath.Join(dir, "ctl"), filepath.Join(dir, "ack")
	require.NoError(t, syscall.Mkfifo(ctl, 0o600))
	require.NoError(t, syscall.Mkfifo(ack, 0o600))
	out := make(chan []string, 1)
	go func() {
		var cmds []string
		defer func() { out <- cmds }()
		r, err := os.Open(ctl) // waits for the run, as perf's ends wait for each other
		if err != nil {
			return
		}
		defer r.Close()
		w, err := os.OpenFile(ack, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		lines := bufio.NewScanner(r)
		for len(cmds) < acks && lines.Scan() {
			cmds = append(cmds, lines.Text())
			if _, err := w.WriteString("ack\n\x00"); err != nil {
				return
			}
		}
	}()
	return ctl + "," + ack, out
}

// -perf-control turns perf on at each rush's release and off at its
// sell-out: the office rush is one window, the national rush three waves.
func TestPerfControl(t *testing.T) {
	spec, got := fakePerf(t, 100)
	var out, errs strings.Builder
	code := run([]string{"-scenarios", "rush,national", "-systems", "kuota-memory", "-scale", "0.002", "-workers", "4", "-quiet", "-perf-control", spec}, &out, &errs)
	require.Equal(t, 0, code, errs.String())
	require.Equal(t, strings.Fields(strings.Repeat("enable disable ", 4)), <-got)
}

// A profiler that stops answering ends the run with an error; a flag that
// does not name two FIFOs is refused.
func TestPerfControlFails(t *testing.T) {
	spec, got := fakePerf(t, 1) // answers the first command, then hangs up
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
}
