package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRunSmall(t *testing.T) {
	var out, errs strings.Builder
	code := run([]string{"-scenarios", "rush,steady", "-scale", "0.002", "-workers", "8", "-quiet", "-dir", t.TempDir()}, &out, &errs)
	require.Equal(t, 0, code, errs.String())
	require.Contains(t, out.String(), "| office rush | kuota-durable |")
	require.Contains(t, out.String(), "| steady day | bolt-update |")

	out.Reset()
	code = run([]string{"-scenarios", "rush", "-systems", "kuota-memory", "-scale", "0.002", "-json", "-quiet"}, &out, &errs)
	require.Equal(t, 0, code, errs.String())
	require.Contains(t, out.String(), `"system": "kuota-memory"`)
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-scale", "0"}, {"-durability", "maybe"}, {"-nope"}} {
		var out, errs strings.Builder
		require.Equal(t, 2, run(args, &out, &errs), args)
	}
	var out, errs strings.Builder
	require.Equal(t, 1, run([]string{"-scenarios", "party", "-quiet"}, &out, &errs))
	require.Contains(t, errs.String(), "unknown scenario")
}
