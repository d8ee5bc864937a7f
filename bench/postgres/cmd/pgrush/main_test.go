package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Bad flags are refused before anything connects: no test here needs
// PostgreSQL.
func TestRunRefusesBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		dsn  string
		want string // on stderr
	}{
		{"no DSN", nil, "", "no DSN"},
		{"recovery", []string{"-scenarios", "rush,recovery"}, "host=127.0.0.1", "recovery scenario does not run"},
		{"workers", []string{"-workers", "0"}, "host=127.0.0.1", "-workers positive"},
		{"pool", []string{"-max-conns", "100000"}, "host=127.0.0.1", "MaxConns out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			require.Equal(t, 2, run(tt.args, tt.dsn, &stdout, &stderr))
			require.Contains(t, stderr.String(), tt.want)
			require.Empty(t, stdout.String())
		})
	}
}
