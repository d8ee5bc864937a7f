package term

import (
	"io"
	"os"

	"github.com/kuota/kuota/internal/grid"
)

// The values of a -color flag.
const (
	ColorAuto   = "auto"   // colours on a terminal, letters in a file or pipe
	ColorAlways = "always" // colours even into a pipe, for less -R
	ColorNever  = "never"  // letters even on a terminal
)

// IsTerminal reports whether w is a terminal: an *os.File that is a
// character device. A file, a pipe or any other writer is not.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// GridStyle returns the grid style that the -color value mode asks for
// when drawing on w: colours for ColorAlways, letters for ColorNever, and
// for ColorAuto colours when w is a terminal and NO_COLOR is unset or
// empty. It returns ErrColorMode for any other mode.
func GridStyle(mode string, w io.Writer) (grid.Style, error) {
	switch mode {
	case ColorAlways:
		return grid.Colors, nil
	case ColorNever:
		return grid.Letters, nil
	case ColorAuto:
		if IsTerminal(w) && os.Getenv("NO_COLOR") == "" {
			return grid.Colors, nil
		}
		return grid.Letters, nil
	}
	return grid.Letters, ErrColorMode
}
