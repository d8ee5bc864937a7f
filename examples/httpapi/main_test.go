package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// listeningLine is what run prints once it serves.
var listeningLine = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:\d+)\n$`)

// startRun runs the whole program with args and -addr localhost:0, waits
// for its "listening on" line and returns the base URL, and a stop
// function that cancels its context and returns run's error.
func startRun(t *testing.T, args ...string) (url string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "localhost:0"}, args...), stdoutW)
		stdoutW.Close() // unblocks the reader should run fail before printing
		done <- err
	}()

	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		cancel()
		require.NoError(t, <-done)
		require.NoError(t, err)
	}
	m := listeningLine.FindStringSubmatch(line)
	require.NotNil(t, m, "got %q", line)
	return m[1], func() error {
		cancel()
		return <-done
	}
}

// office is what the tests read of an office.
type office struct {
	Code string `json:"code"`
	Zone string `json:"zone"`
}

// getOffices asks a running program for its offices, as a demo account.
func getOffices(t *testing.T, url string) []office {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/offices", nil)
	require.NoError(t, err)
	req.Header.Set(accountHeader, "budi@example.com")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var got struct{ Offices []office }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	return got.Offices
}

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		give []string
	}{
		{"in memory", []string{"-mem"}},
		{"temporary file", nil},
		{"file", []string{"-db", "DB"}}, // DB: replaced by a path in t.TempDir
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The default database goes to os.TempDir: point it at a
			// directory of the test's own, to see it cleaned up.
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			db := filepath.Join(t.TempDir(), "kuota.db")
			args := append([]string(nil), tt.give...)
			for i := range args {
				if args[i] == "DB" {
					args[i] = db
				}
			}

			url, stop := startRun(t, args...)
			require.Len(t, getOffices(t, url), 3)
			require.NoError(t, stop())

			_, err := http.Get(url + "/offices")
			require.Error(t, err, "still serving after shutdown")
			left, err := os.ReadDir(tmp)
			require.NoError(t, err)
			require.Empty(t, left, "temporary database left behind")
		})
	}
}

// TestRunReopen starts the program twice on one file: the second start
// registers the offices again over the stored ones.
func TestRunReopen(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kuota.db")
	for range 2 {
		url, stop := startRun(t, "-db", db)
		require.Len(t, getOffices(t, url), 3)
		require.NoError(t, stop())
		require.FileExists(t, db)
	}
}

func TestRunBadArgs(t *testing.T) {
	tests := []struct {
		name string
		give []string
	}{
		{"unknown flag", []string{"-nope"}},
		{"stray argument", []string{"serve"}},
		{"both -mem and -db", []string{"-mem", "-db", "x.db"}},
		{"bad address", []string{"-mem", "-addr", "localhost:99999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Error(t, run(t.Context(), tt.give, io.Discard))
		})
	}
}
