// Package term holds what kuota's programs share about the terminal they
// write to: whether an output is one, the -color flag that follows from
// it, and a progress bar. The kuota command, the examples and the
// benchmark use it; the library never does, for it writes to no terminal.
//
// # Terminals
//
// [IsTerminal] tells a terminal from a file, a pipe or a buffer by the
// character-device bit of [os.File.Stat]. golang.org/x/term asks the
// kernel instead, which is exact, but it would be a fifth direct
// dependency of the core module, which keeps to bbolt, btree, testify and
// rapid. The bit is wrong only for other character devices, such as
// /dev/null, where colours and a progress bar do no harm.
//
// # Colour
//
// The programs that draw calendar grids take -color with the values
// [ColorAuto], [ColorAlways] and [ColorNever]. [GridStyle] turns the value
// into a [grid.Style]: auto colours a terminal unless the NO_COLOR
// convention (https://no-color.org) is in force.
//
// # Progress
//
// [StartProgress] redraws one line in place, a label, a bar and counts,
// for work long enough to wonder about; its caller decides where it goes
// and when it is worth drawing at all.
package term
