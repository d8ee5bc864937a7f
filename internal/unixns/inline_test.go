package unixns

import (
	"os/exec"
	"regexp"
	"testing"
)

// Of is inlined into quota's reservation path, and its cost sits at the
// inliner's budget: a change that tips it over makes quota's sold-out
// refusal 50% slower (see Of). The compiler says so when asked. A new Go
// release whose inliner weighs Of otherwise fails it with no change here;
// then Of is to be made cheaper again, not the test dropped.
func TestOfInlines(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command, to ask the compiler: %v", err)
	}
	out, err := exec.Command(gotool, "build", "-gcflags=-m", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`(?m)can inline Of( |$)`).Match(out) {
		t.Fatalf("Of no longer inlines; the compiler said:\n%s", out)
	}
}
