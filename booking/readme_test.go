package booking_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeQuickStart keeps the README's quick start compiled and run:
// its Go block must be the body of quickStart in example_test.go, which
// Example runs and checks against its output.
func TestReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	example, err := os.ReadFile("example_test.go")
	require.NoError(t, err)

	_, section, ok := strings.Cut(string(readme), "## Quick start")
	require.True(t, ok, "README has no Quick start section")
	_, block, ok := strings.Cut(section, "```go\n")
	require.True(t, ok, "the Quick start has no Go block")
	block, _, ok = strings.Cut(block, "```")
	require.True(t, ok, "the Quick start's Go block is not closed")

	_, body, ok := strings.Cut(string(example), "\nfunc quickStart(")
	require.True(t, ok, "example_test.go has no quickStart")
	_, body, _ = strings.Cut(body, "{\n")
	body, _, ok = strings.Cut(body, "\n}\n")
	require.True(t, ok)

	require.Equal(t, dedent(body), strings.TrimSpace(block),
		"README.md's quick start differs from quickStart in booking/example_test.go")
}

// dedent removes one tab from every line of a function body.
func dedent(body string) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
