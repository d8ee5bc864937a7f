// Command perfshare sums profiles of Linux perf: it reads the output of
// `perf script -F ip,sym` on stdin — any number of profiles, one after
// another — and prints, for each function, the share of all the samples
// whose stack it was on (children) and at the top of (self), the two
// columns of `perf report --children`, over every profile at once. The
// rush's sell-out is a few milliseconds, so one profile of it holds a few
// hundred samples; bench/README.md sums thirty:
//
//	for f in rush.*.data; do perf script -i $f -F ip,sym; done | go run ./bench/cmd/perfshare -top 40
//	… | go run ./bench/cmd/perfshare -match 'page_fault|flush_tlb'
//
// A function counts once per sample however often it recurs on the
// stack; symbols are taken without their offsets.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("perfshare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	top := fs.Int("top", 40, "functions to print, by children's share")
	match := fs.String("match", "", "print only the functions this regular expression matches")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	re, err := regexp.Compile(*match)
	if err != nil || *top < 1 {
		fmt.Fprintln(stderr, "perfshare: -match must be a regular expression, -top positive")
		return 2
	}
	s, err := read(stdin)
	if err != nil {
		fmt.Fprintln(stderr, "perfshare:", err)
		return 1
	}
	if s.samples == 0 {
		fmt.Fprintln(stderr, "perfshare: no samples on stdin (want perf script -F ip,sym)")
		return 1
	}
	fmt.Fprintf(stdout, "%d samples\n\n| children | self | function |\n|--:|--:|---|\n", s.samples)
	printed := 0
	for _, f := range s.byChildren() {
		if printed == *top {
			break
		}
		if re.MatchString(f) {
			fmt.Fprintf(stdout, "| %.1f%% | %.1f%% | %s |\n", s.share(s.children[f]), s.share(s.self[f]), f)
			printed++
		}
	}
	return 0
}

// shares counts, over every sample read, the samples each function was
// on the stack of and at the top of.
type shares struct {
	samples        int
	children, self map[string]int
}

// read reads perf script's samples: blank lines between them, one frame a
// line, the innermost first, each "address symbol+offset".
func read(r io.Reader) (*shares, error) {
	s := &shares{children: map[string]int{}, self: map[string]int{}}
	var stack []string
	end := func() {
		if len(stack) == 0 {
			return
		}
		s.samples++
		s.self[stack[0]]++
		slices.Sort(stack)
		for _, f := range slices.Compact(stack) {
			s.children[f]++
		}
		stack = stack[:0]
	}
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		if len(fields) == 0 {
			end()
			continue
		}
		sym := "[unknown]"
		if len(fields) > 1 {
			sym = strings.Join(fields[1:], " ")
			if i := strings.LastIndex(sym, "+0x"); i > 0 {
				sym = sym[:i]
			}
		}
		stack = append(stack, sym)
	}
	end()
	return s, lines.Err()
}

func (s *shares) share(n int) float64 { return 100 * float64(n) / float64(s.samples) }

// byChildren returns the functions, the most often on a stack first (ties
// by name).
func (s *shares) byChildren() []string {
	out := make([]string, 0, len(s.children))
	for f := range s.children {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b string) int {
		if d := s.children[b] - s.children[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return out
}
