package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
)

// perfControl drives a Linux perf record from inside the run, so that
// its profile holds the rushes' windows alone (Config.Window): perf is
// started around the command with its events off and two FIFOs,
//
//	mkfifo ctl ack
//	perf record -g -D -1 --control fifo:ctl,ack -- rush -perf-control ctl,ack …
//
// and each window's opening writes "enable" to ctl, its closing "disable",
// and both wait for perf's "ack" on ack: the events are on before the
// gate opens, and off before the next command. A ctl FIFO that nothing
// reads — no perf around the run — is refused at once.
type perfControl struct {
	ctl io.WriteCloser
	ack io.ReadCloser
}

// openPerfControl opens the FIFOs named by spec, "ctl,ack": ctl first, as
// perf opens them. ctl is opened without waiting, which fails when no
// process reads it; ack's open then waits for perf, which holds both.
func openPerfControl(spec string) (*perfControl, error) {
	ctlPath, ackPath, ok := strings.Cut(spec, ",")
	if !ok || ctlPath == "" || ackPath == "" {
		return nil, fmt.Errorf("-perf-control wants two FIFOs, ctl,ack (perf record --control fifo:ctl,ack); got %q", spec)
	}
	ctl, err := os.OpenFile(ctlPath, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("-perf-control: %w (is perf record --control fifo:%s,%s running around this command?)", err, ctlPath, ackPath)
	}
	ack, err := os.Open(ackPath)
	if err != nil {
		ctl.Close()
		return nil, err
	}
	return &perfControl{ctl: ctl, ack: ack}, nil
}

// window turns perf's events on (open) or off, once perf says so: a
// Config.Window.
func (p *perfControl) window(open bool) error {
	cmd := "disable\n"
	if open {
		cmd = "enable\n"
	}
	if _, err := io.WriteString(p.ctl, cmd); err != nil {
		return fmt.Errorf("perf control: %w", err)
	}
	// perf answers "ack\n" and a NUL byte; a short read may split it.
	var got []byte
	buf := make([]byte, 8)
	for !bytes.Contains(got, []byte("ack\n")) {
		if len(got) > 64 {
			return fmt.Errorf("perf control: want ack, got %q", got)
		}
		n, err := p.ack.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil && n == 0 {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("perf control: waiting for ack: %w", err)
		}
	}
	return nil
}

func (p *perfControl) Close() error { return errors.Join(p.ctl.Close(), p.ack.Close()) }
