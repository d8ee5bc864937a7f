package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Three samples from two profiles: a function counts once a sample on
// the children's side however often it recurs, and on the self side only
// at the top; offsets are dropped.
const script = `
	  b46 __vdso_clock_gettime+0x6
	 8a6ed runtime.nanotime1.abi0
	1a0d16 github.com/kuota/kuota/bench.book+0x1f

	 82193 runtime.gopark
	1a0d16 github.com/kuota/kuota/bench.book
	1a0d16 github.com/kuota/kuota/bench.book

	ffff do_wp_page+0x10
	ffff exc_page_fault
	1a0d16 github.com/kuota/kuota/bench.book
`

func TestShares(t *testing.T) {
	var out, errs strings.Builder
	require.Equal(t, 0, run(nil, strings.NewReader(script+"\n"+script), &out, &errs), errs.String())
	got := out.String()
	require.Contains(t, got, "6 samples")
	require.Contains(t, got, "| 100.0% | 0.0% | github.com/kuota/kuota/bench.book |")
	require.Contains(t, got, "| 33.3% | 33.3% | runtime.gopark |")
	require.Contains(t, got, "| 33.3% | 0.0% | exc_page_fault |")
	require.Less(t, strings.Index(got, "bench.book"), strings.Index(got, "gopark"), "the most often on a stack first")

	out.Reset()
	require.Equal(t, 0, run([]string{"-match", "page_fault|wp", "-top", "1"}, strings.NewReader(script), &out, &errs))
	require.Contains(t, out.String(), "do_wp_page")
	require.NotContains(t, out.String(), "exc_page_fault", "-top 1 of the matches")
	require.NotContains(t, out.String(), "bench.book")
}

func TestRefuses(t *testing.T) {
	var out, errs strings.Builder
	require.Equal(t, 1, run(nil, strings.NewReader("\n\n"), &out, &errs))
	require.Contains(t, errs.String(), "no samples")
	for _, args := range [][]string{{"-match", "("}, {"-top", "0"}, {"-nope"}} {
		require.Equal(t, 2, run(args, strings.NewReader(script), &out, &errs), args)
	}
}
