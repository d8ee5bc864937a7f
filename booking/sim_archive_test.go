package booking_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// Retention in the simulation: ArchiveDue held against the model's own
// end instants, and ExportArchive against the bookings the model has
// archived. What an archived booking answers afterwards — ErrArchived to
// every call on it, no place in its account's list, its seats given back
// — the auditor checks with everything else (sim_audit_test.go), and the
// reopens decide archivings made without an answer as they decide any
// change (settle).

// simExportsMax bounds the ExportArchive calls of a run: each reads the
// whole journal back.
const simExportsMax = 3

// retention is the engine's Options.Retention.
func (s *sim) retention() time.Duration { return cmp.Or(s.knobs.retention, DefaultRetention) }

// dueArchive lists, in the model's order, the bookings ArchiveDue must
// archive at now: those the engine keeps whose end it has recorded (an
// overdue hold or a missed slot nobody recorded yet has not ended for the
// index of ends; the sweeper records those first) and came, by the
// model's own instant, at or before now less the retention.
func (s *sim) dueArchive(now time.Time) []*simBooking {
	var due []*simBooking
	for _, b := range s.model.bookings {
		if b.archived {
			continue
		}
		if st := s.recorded(b.code); st == Held || st == Paid {
			continue
		}
		if end, ok := s.model.end(b, now); ok && !now.Before(end.Add(s.retention())) {
			due = append(due, b)
		}
	}
	return due
}

// archiveDue archives what is due, as the background sweeper would. An
// acknowledged call archived exactly what the model has due, and says how
// many; a refused one (the journal refuses writes: ErrStorage) archived
// nothing; one without an answer archived, in memory, some of what was
// due, each a change the next reopen keeps or loses with its record.
func (s *sim) archiveDue() simOutcome {
	now := s.clock.Now()
	due := s.dueArchive(now)
	var n int
	out := s.call("archive due", nil, func(ctx context.Context) error {
		var err error
		n, err = s.e.ArchiveDue(ctx)
		return err
	})
	var gone []*simBooking // what the engine archived in the call
	for _, b := range s.model.bookings {
		if b.archived {
			continue
		}
		switch _, err := s.e.Recorded(b.code); {
		case errors.Is(err, ErrArchived):
			gone = append(gone, b)
		case err != nil:
			s.fail("archive due: Recorded %s: %v", b.code, err)
		}
	}
	switch {
	case out == simOK && (n != len(due) || !slices.Equal(gone, due)):
		s.fail("archive due archived %d: %s; the model has %d due: %s", n, simCodes(gone), len(due), simCodes(due))
	case out == simRefused && len(gone) > 0:
		s.fail("archive due was refused, yet archived %s", simCodes(gone))
	case out == simUnsure && slices.ContainsFunc(gone, func(b *simBooking) bool { return !slices.Contains(due, b) }):
		s.fail("archive due archived %s; the model has only %s due", simCodes(gone), simCodes(due))
	}
	for _, b := range gone {
		code := b.code
		s.change("archive "+code, code, out == simOK, func(m *simModel) { m.archive(code, now) })
	}
	for _, b := range gone {
		if simInTable(b.date) {
			s.checkCell("archive "+b.code, simCell{date: b.date, slot: b.slot, pool: b.pool}) // a check-in's seats came back
		}
	}
	if out == simOK {
		s.stats.archived += len(gone)
	} else {
		s.stats.archivedUnsure += len(gone)
	}
	if len(gone) > 0 {
		s.tracef("  archived: %s", simCodes(gone))
	}
	return out
}

// simCodes lists the codes of bs.
func simCodes(bs []*simBooking) string {
	codes := make([]string, len(bs))
	for i, b := range bs {
		codes[i] = b.code
	}
	return "[" + strings.Join(codes, " ") + "]"
}

// exportable says whether an export can be checked now: the run has some
// left, and the journal is healthy with nothing waiting for the disk (an
// export reads what the disk holds, not what is queued).
func (s *sim) exportable() bool {
	return s.stats.exports < simExportsMax && !s.broken() && s.j.Durable() == s.j.Last()
}

// exportArchive checks that ExportArchive lists exactly the bookings the
// model archived, each as it stood, with the instant of its archiving,
// oldest archiving first.
func (s *sim) exportArchive() simOutcome {
	var buf bytes.Buffer
	n, err := s.e.ExportArchive(bg, &buf)
	if err != nil {
		s.fail("ExportArchive: %v", err)
	}
	got := map[string]ArchivedBooking{}
	var last time.Time
	for dec := json.NewDecoder(&buf); dec.More(); {
		var a ArchivedBooking
		if err := dec.Decode(&a); err != nil {
			s.fail("ExportArchive: line %d: %v", len(got)+1, err)
		}
		if _, dup := got[a.Code]; dup || a.ArchivedAt.Before(last) {
			s.fail("ExportArchive: %s comes again, or out of order (archived at %s)", a.Code, a.ArchivedAt.In(kt.WIB).Format(time.DateTime))
		}
		got[a.Code], last = a, a.ArchivedAt
	}
	var want []*simBooking
	for _, b := range s.model.bookings {
		if b.archived {
			want = append(want, b)
		}
	}
	if n != len(got) || len(got) != len(want) {
		s.fail("ExportArchive: %d lines, says %d; the model archived %d: %s", len(got), n, len(want), simCodes(want))
	}
	for _, b := range want {
		a, ok := got[b.code]
		switch {
		case !ok:
			s.fail("ExportArchive: %s is missing", b.code)
		case !a.ArchivedAt.Equal(b.archivedAt):
			s.fail("ExportArchive: %s archived at %s, the model at %s", b.code, a.ArchivedAt, b.archivedAt)
		}
		v := a.Booking
		for _, ap := range a.Applicants {
			nik, err := ParseNIK(ap.NIK)
			if err != nil {
				s.fail("ExportArchive: %s: %v", b.code, err)
			}
			v.Applicants = append(v.Applicants, Applicant{NIK: nik, Meta: ap.Meta})
		}
		s.expect("ExportArchive", v, b)
	}
	s.stats.exports++
	s.stats.exported += n
	s.tracef("export archive: %d bookings: ok", n)
	return simOK
}
