package journal

import (
	"fmt"
	"runtime/debug"
)

// guard runs fn, a call into bbolt that reads the file, so that damage
// bbolt did not expect is an error instead of a crash: a panic inside
// bbolt (an assertion on a page, an index out of range) and a fault on a
// mapped page (a file truncated under the map: SIGBUS; a page number
// beyond it: SIGSEGV), which debug.SetPanicOnFault turns into a panic for
// this goroutine while fn runs. Either becomes ErrCorrupt naming the file
// and what was being done (what).
//
// A panic of the caller's own code that fn runs (the function given to
// Read) is not the file's fault: fn marks where that code runs with the
// flag it is given, and guard lets such a panic go on, unless it is a
// memory fault, which only the mapped file can cause there.
//
// guard cannot help with a panic in a goroutine bbolt starts itself (its
// scan of the free pages when a file opens for writing): OpenBolt checks
// every page that scan reads before bbolt opens the file.
func guard(path, what string, fn func(inCaller *bool) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	inCaller := false
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if _, fault := r.(interface{ Addr() uintptr }); inCaller && !fault {
			panic(r)
		}
		err = fmt.Errorf("%w: %s: %s: %v", ErrCorrupt, path, what, r)
	}()
	return fn(&inCaller)
}
