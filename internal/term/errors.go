package term

import "errors"

// ErrColorMode is returned by GridStyle when a -color value is none of
// ColorAuto, ColorAlways and ColorNever. Its text completes a message that
// names the value: `-color "red": want auto, always or never`.
var ErrColorMode = errors.New("want " + ColorAuto + ", " + ColorAlways + " or " + ColorNever)
