package booking_test

import (
	"errors"
	"slices"

	. "github.com/kuota/kuota/booking"
)

// A standby in the simulation, the path of a cluster's node (package
// postgres) under the simulation's faults. In the seeds with
// knobs.standby a standby engine follows what the disk holds durably, as
// a cluster's standby follows what PostgreSQL committed; every audit with
// nothing waiting for the disk first compares its reads with the engine's;
// and half the deaths fail over to it — caught up on what the disk kept,
// promoted over the new journal — in place of a reopen, so that settle
// holds the promoted engine to everything it holds a reopened one to.

// errSimFollowed ends a standby's read at the records not yet durable.
var errSimFollowed = errors.New("sim: followed what is durable")

// newStandby starts a standby that has followed nothing yet.
func (s *sim) newStandby() {
	if s.sb != nil {
		s.sb.Close()
	}
	sb, err := NewStandby(&s.opts)
	if err != nil {
		s.fail("NewStandby: %v", err)
	}
	s.sb = sb
	s.stats.standbys = 1
}

// follow hands the standby the records of the current log up to LSN upTo.
func (s *sim) follow(upTo uint64) {
	from := s.sb.Followed()
	err := s.sb.Follow(func(yield func(uint64, []byte) error) error {
		return s.log.Read(from+1, func(lsn uint64, rec []byte) error {
			if lsn > upTo {
				return errSimFollowed
			}
			return yield(lsn, rec)
		})
	})
	if err != nil && !errors.Is(err, errSimFollowed) {
		s.fail("the standby refused a record (it followed %d of %d): %v", s.sb.Followed(), upTo, err)
	}
	s.stats.followed += int(s.sb.Followed() - from)
}

// compareStandby brings the standby up to what the disk holds durably and,
// when that is everything the engine made, fails the run unless the
// standby shows every booking as the engine does, and the same counts.
func (s *sim) compareStandby(why string) {
	if s.sb == nil || s.dead || s.disk.Down() {
		return
	}
	durable := s.disk.Durable()
	s.follow(durable)
	if s.broken() || s.j.Durable() != s.j.Last() || s.sb.Followed() != s.j.Last() {
		return // the engine holds changes the disk does not yet
	}
	for _, b := range s.model.bookings {
		want, werr := s.e.Get(bg, b.code)
		got, gerr := s.sb.Get(bg, b.code)
		if !errors.Is(gerr, werr) || (werr == nil && !simSame(want, got)) {
			s.fail("%s: the standby shows %s as %+v (%v), the engine as %+v (%v)", why, b.code, got, gerr, want, werr)
		}
	}
	if w, g := s.e.Stats().Bookings, s.sb.Stats().Bookings; !mapsEqual(w, g) {
		s.fail("%s: the standby counts %v, the engine %v", why, g, w)
	}
	s.stats.standbyChecks++
}

// failover ends a death by promoting the standby over the new journal,
// once it has followed every record the disk kept, and starts a new
// standby following the new engine.
func (s *sim) failover(kept uint64) {
	s.follow(kept)
	if got := s.sb.Followed(); got != kept {
		s.fail("failover: the standby followed %d records, the disk kept %d", got, kept)
	}
	if err := PromoteWith(s.sb, s.j); err != nil {
		s.fail("failover: promote: %v", err)
	}
	s.e, s.sb = s.sb, nil
	s.dead, s.failLeft = false, -1
	s.stats.reopens++
	s.stats.failovers++
	s.newStandby()
}

// simSame compares two views of a booking.
func simSame(a, b Booking) bool {
	return a.Code == b.Code && a.State == b.State && a.Date == b.Date && a.Slot == b.Slot && a.PaymentRef == b.PaymentRef &&
		a.Reschedules == b.Reschedules && a.PayBy.Equal(b.PayBy) && slices.EqualFunc(a.History, b.History, func(x, y Event) bool {
		return x.At.Equal(y.At) && x.State == y.State && x.Note == y.Note && x.Reason == y.Reason
	})
}

func mapsEqual(a, b map[State]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}
