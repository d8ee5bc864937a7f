package term

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/internal/grid"
)

// Only a real terminal is one, and a test has none to hand: these are the
// writers a program meets when it is not on one.
func TestIsTerminal(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer file.Close()
	pipeR, pipeW, err := os.Pipe()
	require.NoError(t, err)
	defer pipeR.Close()
	defer pipeW.Close()

	tests := []struct {
		name string
		give io.Writer
	}{
		{"a buffer", &strings.Builder{}},
		{"a regular file", file},
		{"a pipe", pipeW},
		{"nil", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.False(t, IsTerminal(tt.give))
		})
	}
}

func TestGridStyle(t *testing.T) {
	tests := []struct {
		give    string
		want    grid.Style
		wantErr error
	}{
		// A strings.Builder is no terminal: auto means letters.
		{ColorAuto, grid.Letters, nil},
		{ColorAlways, grid.Colors, nil},
		{ColorNever, grid.Letters, nil},
		{"red", grid.Letters, ErrColorMode},
		{"", grid.Letters, ErrColorMode},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := GridStyle(tt.give, &strings.Builder{})
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, tt.want, got)
		})
	}
	require.EqualError(t, ErrColorMode, "want auto, always or never")
}
