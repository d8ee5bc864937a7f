package config

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// memFiles serves the files a configuration names from a map, so that no
// input can make the fuzz target read the disk.
type memFiles map[string]string

func (memFiles) path(p string) string { return p }

func (m memFiles) open(path string) (io.ReadCloser, error) {
	s, ok := m[path]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return io.NopCloser(strings.NewReader(s)), nil
}

// FuzzParse checks that no input panics; that every refusal is an *Error
// placed on a line of the input, whose message holds no control
// character (a newline in it would let a file forge a log line); and that
// every file accepted marshals and parses back to the same offices and
// policy.
func FuzzParse(f *testing.F) {
	files := memFiles{
		"holidays-2027.csv": "date,kind,name\n2027-01-01,national,Tahun Baru 2027 Masehi\n",
		"bad.csv":           "date,kind,name\n2027-01-01,libur,Tahun Baru\n",
	}
	testdata, err := os.ReadFile("testdata/kuota.json")
	require.NoError(f, err)
	// The seed corpus is testdata/kuota.json and testdata/fuzz/FuzzParse.
	f.Add(testdata)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parse("kuota.json", data, files)
		if err != nil {
			var e *Error
			require.True(t, errors.As(err, &e), "%T: %v", err, err)
			require.Equal(t, "kuota.json", e.File)
			require.GreaterOrEqual(t, e.Line, 1)
			require.LessOrEqual(t, e.Line, strings.Count(string(data), "\n")+1)
			require.GreaterOrEqual(t, e.Column, 1)
			for _, r := range err.Error() {
				require.False(t, unicode.IsControl(r), "control character %q in %q", r, err.Error())
			}
			return
		}
		// Accepted: a file without the holiday lists, which Marshal does
		// not write, reads back to the same values.
		offices := file.Offices
		for i := range offices {
			offices[i].Quota.Schedule.Holidays = calendar.Holidays{}
		}
		out, err := Marshal(offices, &file.Policy, "none")
		require.NoError(t, err)
		back, err := parse("dump.json", out, files)
		require.NoError(t, err, "%s", out)
		require.Equal(t, offices, back.Offices)
		require.Equal(t, file.Policy, back.Policy)
	})
}
