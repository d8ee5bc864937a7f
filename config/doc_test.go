package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDocExample checks that the complete file the package documentation
// shows is testdata/kuota.json, which TestLoadTestdata loads, so that the
// documentation cannot drift from a file that loads.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(doc), "// A complete file, testdata/kuota.json:\n//\n")
	require.True(t, ok, "doc.go has no example file")
	var example strings.Builder
	for line := range strings.Lines(after) {
		code, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			break
		}
		example.WriteString(code)
	}
	want, err := os.ReadFile("testdata/kuota.json")
	require.NoError(t, err)
	require.Equal(t, string(want), example.String())
}
