package booking

// The decoders of format 1 (legacy.go), which Open uses to convert a file
// written before the journal. Their records are the ones kuota's earlier
// version wrote, in testdata/v1/kuota.db; what they decode must become a
// change of today's journal that reads back the same.

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/internal/wire"
)

// v1Record is one key and value of a format-1 file.
type v1Record struct{ key, value []byte }

// v1Records returns the records of testdata/v1/kuota.db by bucket:
// "offices", "overrides" and "bookings".
func v1Records(t testing.TB) map[string][]v1Record {
	t.Helper()
	db, err := bolt.Open(filepath.Join("testdata", "v1", "kuota.db"), 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	defer db.Close()
	out := map[string][]v1Record{}
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		for _, name := range []string{"offices", "overrides", "bookings"} {
			err := tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				out[name] = append(out[name], v1Record{append([]byte(nil), k...), append([]byte(nil), v...)})
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	}))
	require.Len(t, out["bookings"], 13)
	return out
}

// Every record of the format-1 file decodes into a change that encodes
// and decodes back to itself, and every truncation of one fails with
// ErrCorrupt.
func TestV1RecordsBecomeChanges(t *testing.T) {
	recs := v1Records(t)
	decoders := map[string]func(key, value []byte) (change, error){
		"offices":   func(_, v []byte) (change, error) { c, _, err := decodeV1Office(v); return c, err },
		"overrides": decodeV1Override,
		"bookings":  func(k, v []byte) (change, error) { return decodeV1Booking(binary.BigEndian.Uint64(k), v) },
	}
	ops := map[string]op{"offices": opOffice, "overrides": opOverride, "bookings": opImport}
	for bucket, decode := range decoders {
		require.NotEmpty(t, recs[bucket], bucket)
		for _, r := range recs[bucket] {
			c, err := decode(r.key, r.value)
			require.NoError(t, err, "%s %q", bucket, r.key)
			require.Equal(t, ops[bucket], c.op)
			requireRoundTrip(t, c)
			for n := range len(r.value) {
				_, err := decode(r.key, r.value[:n])
				require.ErrorIs(t, err, wire.ErrCorrupt, "%s %q truncated to %d", bucket, r.key, n)
			}
		}
	}
	// Each office comes with its registration order: JKT first, then MKS.
	orders := map[string]uint64{}
	for _, r := range recs["offices"] {
		c, order, err := decodeV1Office(r.value)
		require.NoError(t, err)
		require.Equal(t, string(r.key), c.office.Code)
		orders[c.office.Code] = order
	}
	require.Equal(t, map[string]uint64{"JKT": 0, "MKS": 1}, orders)
}

// v1Snapshot is one entry of a format-1 booking's history.
type v1Snapshot struct {
	at    int64 // Unix ns
	state State
	date  calendar.Date
	slot  byte
	note  string
}

// appendV1Booking writes a booking record of format 1, as kuota wrote
// them before the journal: one applicant, booked by account, with the
// given history.
func appendV1Booking(t testing.TB, account string, history ...v1Snapshot) []byte {
	t.Helper()
	e := wire.NewEncoder(nil)
	e.Byte(1)
	e.String("JKT")
	e.String(account)
	e.Varint(rAt(2 * time.Hour))
	e.Byte(0)       // pool
	e.String("ref") // payment reference
	e.Byte(0)       // no idempotency key
	e.Uvarint(1)    // applicants
	e.Uvarint(recordNIK(t, 1).n)
	e.BytesField(nil)
	e.Uvarint(uint64(len(history)))
	prev := int64(0)
	for _, s := range history {
		e.Varint(s.at - prev)
		prev = s.at
		e.Byte(byte(s.state))
		e.Varint(s.date.EpochDays())
		e.Byte(s.slot)
		e.Byte(0) // reschedules
		e.String(s.note)
	}
	return e.Bytes()
}

// A format-1 booking whose history the engine never makes is refused:
// each entry after the first must be a legal move from the one before.
func TestV1BookingRefusesImpossibleHistories(t *testing.T) {
	held := v1Snapshot{at: rAt(0), state: Held, date: rDec10}
	paid := v1Snapshot{at: rAt(time.Hour), state: Paid, date: rDec10}
	tests := []struct {
		name string
		give []v1Snapshot
		want string // "" when it decodes
	}{
		{"held, then paid", []v1Snapshot{held, paid}, ""},
		{"no history", nil, "no history"},
		{"begins paid", []v1Snapshot{paid}, "history begins paid"},
		{"checked in without paying", []v1Snapshot{held, {at: rAt(1), state: CheckedIn, date: rDec10}}, "checked in after held"},
		{"held twice", []v1Snapshot{held, held}, "held after held"},
		{"paid after expired", []v1Snapshot{held, {at: rAt(1), state: Expired, date: rDec10}, paid}, "paid after expired"},
		{"a state past the last", []v1Snapshot{held, {at: rAt(1), state: NoShow + 1}}, "after held"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := decodeV1Booking(1, appendV1Booking(t, "account-1", tt.give...))
			if tt.want == "" {
				require.NoError(t, err)
				requireRoundTrip(t, c)
				return
			}
			require.ErrorIs(t, err, wire.ErrCorrupt)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// What a format-1 decoder accepts, today's journal must take: each row
// is a record the format-1 decoder should refuse with ErrCorrupt, or else
// convert into a change that decodes back to itself. Otherwise Open
// refuses the file only after converting it, naming a journal record the
// file does not have.
func TestV1DecodersCheckWhatTheJournalChecks(t *testing.T) {
	held := v1Snapshot{at: rAt(0), state: Held, date: rDec10}
	paid := v1Snapshot{at: rAt(1), state: Paid, date: rDec10}
	rejected := v1Snapshot{at: rAt(2), state: Rejected, date: rDec10, note: strings.Repeat("x", ReasonBytesMax+1)}
	override := func(office string, slot, pool byte) []byte {
		k := append([]byte(office), 0, 3)
		k = binary.BigEndian.AppendUint32(k, uint32(rDec10.EpochDays()))
		return append(k, slot, pool)
	}
	tests := []struct {
		name   string
		decode func() (change, error)
	}{
		{"a booking whose account is not a label", func() (change, error) {
			return decodeV1Booking(1, appendV1Booking(t, "account\n1", held))
		}},
		{"a rejection whose reason is too long", func() (change, error) {
			return decodeV1Booking(1, appendV1Booking(t, "account-1", held, paid, rejected))
		}},
		{"an override of slot 65", func() (change, error) { return decodeV1Override(override("JKT", 65, 0), []byte{1, 7}) }},
		{"an override of pool 9", func() (change, error) { return decodeV1Override(override("JKT", 0, 9), []byte{1, 7}) }},
		{"an override of an office code too long", func() (change, error) {
			return decodeV1Override(override(strings.Repeat("J", OfficeCodeBytesMax+1), 0, 0), []byte{1, 7})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.decode()
			if err != nil {
				require.ErrorIs(t, err, wire.ErrCorrupt)
				return
			}
			_, err = decodeChange(c.encode())
			require.NoError(t, err, "decodes in format 1, but its change does not")
		})
	}
}

// An override key must be an office code, a NUL and seven bytes; its kind
// and its value's version must be known.
func TestV1OverrideRefusals(t *testing.T) {
	key := func(kind byte) []byte {
		k := append([]byte("JKT\x00"), kind)
		k = binary.BigEndian.AppendUint32(k, uint32(rDec10.EpochDays()))
		return append(k, 0, 0)
	}
	tests := []struct {
		name       string
		key, value []byte
		want       string
	}{
		{"no NUL", []byte("JKT"), []byte{1}, "override key of 3 bytes"},
		{"no office", key(1)[3:], []byte{1, 0}, "override key"},
		{"key too short", key(1)[:10], []byte{1, 0}, "override key"},
		{"kind 0", key(0), []byte{1}, "override kind 0"},
		{"kind 5", key(5), []byte{1}, "override kind 5"},
		{"version 2", key(3), []byte{2, 7}, "override version 2"},
		{"trailing bytes", key(3), []byte{1, 7, 7}, "trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeV1Override(tt.key, tt.value)
			require.ErrorIs(t, err, wire.ErrCorrupt)
			require.ErrorContains(t, err, tt.want)
		})
	}
	c, err := decodeV1Override(key(3), []byte{1, 7})
	require.NoError(t, err)
	require.Equal(t, 7, c.override.Seats)
	require.Equal(t, rDec10, c.override.Date)
}

// A release instant comes back to the nanosecond anywhere in int64, at
// its ends too, from either format: each varint decodes to the instant it
// names, and format 2 encodes it again to the same bytes (long ago is the
// zero time, which encodes as long ago). CI's fuzzing found format 1's
// decoder giving back a release in 2262's last second 63 ns late, which
// format 2 refused instead.
func TestReleaseInstantsKeepTheirNanosecond(t *testing.T) {
	key := append([]byte("JKT\x00\x04"), binary.BigEndian.AppendUint32(nil, uint32(rDec10.EpochDays()))...)
	key = append(key, 0, 0)
	release := changeNamed(t, "release")
	rec := release.encode() // ends with the release instant, rT0
	head := rec[:len(rec)-len(binary.AppendVarint(nil, rT0.UnixNano()))]
	for _, ns := range []int64{unixns.LongAgo, unixns.LongAgo + 1, -1, 0, rT0.UnixNano(), unixns.Last - 63, unixns.Last} {
		v1, err := decodeV1Override(key, binary.AppendVarint([]byte{1}, ns))
		require.NoError(t, err, "format 1, ns %d", ns)
		require.Equal(t, ns, unixns.Of(v1.override.At), "format 1, ns %d", ns)

		give := binary.AppendVarint(slices.Clone(head), ns)
		v2, err := decodeChange(give)
		require.NoError(t, err, "format 2, ns %d", ns)
		require.Equal(t, ns, unixns.Of(v2.override.At), "format 2, ns %d", ns)
		require.Equal(t, give, v2.encode(), "format 2, ns %d", ns)
	}
}

// The format-1 decoders must never panic on any bytes, and whatever they
// decode must become a change that encodes and decodes back to itself:
// the conversion of a file that decodes always replays. Their seeds are
// the records of testdata/v1/kuota.db and the corpora in testdata/fuzz.

func FuzzDecodeBooking(f *testing.F) {
	for _, r := range v1Records(f)["bookings"] {
		f.Add(r.value)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeV1Booking(1, data)
		if err != nil {
			requireCorrupt(t, err)
			return
		}
		requireRoundTrip(t, c)
	})
}

func FuzzDecodeOffice(f *testing.F) {
	for _, r := range v1Records(f)["offices"] {
		f.Add(r.value)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := decodeV1Office(data)
		if err != nil {
			requireCorrupt(t, err)
			return
		}
		requireRoundTrip(t, c)
	})
}

func FuzzDecodeOverride(f *testing.F) {
	for _, r := range v1Records(f)["overrides"] {
		f.Add(r.key, r.value)
	}
	f.Fuzz(func(t *testing.T, key, value []byte) {
		c, err := decodeV1Override(key, value)
		if err != nil {
			requireCorrupt(t, err)
			return
		}
		requireRoundTrip(t, c)
	})
}

// requireCorrupt fails unless err is ErrCorrupt: a decoder refuses bad
// bytes with nothing else.
func requireCorrupt(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, wire.ErrCorrupt) {
		t.Fatalf("an error that is not ErrCorrupt: %v", err)
	}
}
