package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses, as grep and diff use them: 1 is an answer ("something is
// broken": a violation, changes a salvage could not copy), 2 is trouble
// ("could not tell"), so a script can tell a failed check from a check
// that never ran.
const (
	exitOK         = 0
	exitViolations = 1
	exitTrouble    = 2
)

var (
	// errUsage is returned by a command whose command line was wrong,
	// once the message and the command's usage have been printed.
	errUsage = errors.New("usage")
	// errHelp is returned by a command asked for its usage with -h.
	errHelp = errors.New("help")
	// errViolations is returned by check once it has listed what is
	// broken.
	errViolations = errors.New("violations")
	// errLost is returned by salvage once it has listed what it could not
	// copy.
	errLost = errors.New("changes lost")
)

// command is one subcommand of kuota.
type command struct {
	name     string
	synopsis string // the flags, for the usage line
	summary  string // one line, for kuota's own usage
	// run parses args with fs, which has the command's name and usage,
	// and writes its result to stdout.
	run func(stdout io.Writer, fs *flag.FlagSet, args []string) error
}

// commands lists the subcommands in the order usage shows them.
func commands() []command {
	const src = "-db FILE | -addr URL"
	return []command{
		{"serve", "-config FILE [-db FILE | -postgres DSN] [-listen ADDR] [-advertise URL]",
			"run the booking service: the public and operator APIs over HTTP, /healthz, /readyz and /metrics", runServe},
		{"calendar", src + " -office CODE [-month YYYY-MM] [-pool NAME] [-color auto|always|never]",
			"an office's month, coloured green, red, yellow and grey", runCalendar},
		{"arrivals", src + " -office CODE [-date YYYY-MM-DD] [-format table|csv]",
			"an office's arrival list for one day, slot by slot", runArrivals},
		{"stats", src, "bookings by state, the offices, holiday gaps, and the file's size or the service's commits", runStats},
		{"check", src, "every invariant; exit status 1 when one is broken", runCheck},
		{"backup", src + " -out NEW", "a consistent copy of the bookings, from a file or a running service, to a new file", runBackup},
		{"archive", "-db FILE -out NEW", "write the archived bookings (ended more than the retention ago) to a new file of JSON lines", runArchive},
		{"salvage", "-db FILE -out NEW", "copy the intact changes of a damaged file into a new one; exit status 1 when some are lost", runSalvage},
	}
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole program: it runs the command named by args[0] and
// returns the exit status. Tests drive kuota through it.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitTrouble
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(rest, stdout, stderr)
	}
	cmd, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "kuota: unknown command %q\n\n", name)
		usage(stderr)
		return exitTrouble
	}
	err := cmd.run(stdout, newFlagSet(cmd, stderr), rest)
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, errViolations), errors.Is(err, errLost):
		return exitViolations
	case errors.Is(err, errUsage):
		return exitTrouble // already explained
	}
	fmt.Fprintf(stderr, "kuota %s: %v\n", cmd.name, err)
	return exitTrouble
}

// help writes kuota's usage, or with a command's name that command's, to
// stdout: the user asked for it, so it is output, not an error.
func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return exitOK
	}
	cmd, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "kuota help: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitTrouble
	}
	// A command asked for -h prints its usage and does nothing else.
	if err := cmd.run(stdout, newFlagSet(cmd, stdout), []string{"-h"}); !errors.Is(err, errHelp) {
		fmt.Fprintf(stderr, "kuota help: %v\n", err)
		return exitTrouble
	}
	return exitOK
}

// lookup finds the command called name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage writes kuota's own usage: the commands and where to learn more.
func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("kuota runs a booking service, and inspects one: a running service through its operator API (-addr URL),\n")
	b.WriteString("or a booking file no process holds (-db FILE), read-only; it salvages a damaged file into a new one.\n\n")
	b.WriteString("usage: kuota <command> [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("  help       this text, or one command's flags: kuota help arrivals\n")
	b.WriteString("\nexit status: 0 done, 1 check found a violation or salvage lost changes, 2 kuota could not do what was asked\n")
	io.WriteString(w, b.String())
}

// newFlagSet returns an empty flag set for cmd whose usage names the
// command and its flags; parse errors and -h print it to w.
func newFlagSet(cmd command, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kuota "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "usage: kuota %s %s\n\n%s.\n\nflags:\n", cmd.name, cmd.synopsis, cmd.summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args into fs's flags. The flag package has already printed
// the reason and the usage when it fails; parse turns that into errUsage,
// and -h into errHelp. Arguments left after the flags are a mistake: every
// input is a named flag, so a stray word is most likely a forgotten dash.
func parse(fs *flag.FlagSet, args []string) error {
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return errHelp
	case err != nil:
		return errUsage
	}
	if fs.NArg() > 0 {
		return usagef(fs, "unexpected argument %q (flags start with -)", fs.Arg(0))
	}
	return nil
}

// usagef prints a command-line mistake and the command's usage, as the flag
// package does for its own, and returns errUsage.
func usagef(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return errUsage
}

// plural returns n and noun, adding an s unless n is one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
