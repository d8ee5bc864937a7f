package booking

// The record of every change kind, tested inside the package: the codec
// is unexported, and these tests cannot import kuotatest (it imports
// booking), so they build their own office and NIKs from literal digits.

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/internal/wire"
	"github.com/kuota/kuota/quota"
)

// The instants and dates of the internal tests, as kuotatest's T0, T1,
// Dec10 and Dec11: December's quota opens at rT0, engines start at rT1.
var (
	rT0    = time.Date(2026, time.November, 1, 8, 0, 0, 0, calendar.Jakarta())
	rT1    = time.Date(2026, time.November, 1, 9, 0, 0, 0, calendar.Jakarta())
	rDec10 = calendar.NewDate(2026, time.December, 10)
	rDec11 = calendar.NewDate(2026, time.December, 11)
)

// recordOffice is kuotatest's test office, built here: Jakarta, Christmas
// off, a closure, two slots of 5 online and 2 walk-in seats, 60 days from
// 1 December 2026, released monthly on the 1st at 08:00.
func recordOffice(t testing.TB) *OfficeConfig {
	t.Helper()
	holidays, err := calendar.NewHolidays(calendar.HolidayEntry{Date: calendar.NewDate(2026, 12, 25), Kind: calendar.National, Name: "Hari Raya Natal"})
	require.NoError(t, err)
	return &OfficeConfig{
		Code: "JKT",
		Name: "Kantor Imigrasi Jakarta Selatan",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: calendar.Jakarta(), Holidays: holidays,
				Closures: []calendar.Closure{{Date: calendar.NewDate(2026, 12, 17), Reason: "Renovasi"}}},
			Layout: quota.Layout{
				Pools: []string{"online", "walk-in"},
				Slots: []quota.Slot{
					{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{5, 2}},
					{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{5, 2}},
				},
			},
			Release: quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
			First:   calendar.NewDate(2026, time.December, 1),
			Days:    60,
		},
	}
}

// recordNIK returns the i-th NIK, the digits kuotatest.NIKDigits gives.
// It copies kuotatest's formula because these tests are package booking
// itself, and kuotatest imports booking: importing it here would be a
// cycle.
func recordNIK(t testing.TB, i int) NIK {
	t.Helper()
	n, err := ParseNIK(fmt.Sprintf("3171010101%02d%04d", (90+i/9999)%100, i%9999+1))
	require.NoError(t, err)
	return n
}

// recordFamilyCard returns a family card number: Jakarta Selatan,
// issued 15 March 2020, serial 0001.
func recordFamilyCard(t testing.TB) FamilyCard {
	t.Helper()
	c, err := ParseFamilyCard("3171011503200001")
	require.NoError(t, err)
	return c
}

// recordApplicants returns n applicants numbered from first, with
// metadata.
func recordApplicants(t testing.TB, first, n int) []Applicant {
	t.Helper()
	out := make([]Applicant, n)
	for i := range out {
		out[i] = Applicant{NIK: recordNIK(t, first+i), Meta: fmt.Appendf(nil, `{"name":"applicant %d"}`, first+i)}
	}
	return out
}

// rAt returns rT1 plus d, in Unix ns: the instant of a change.
func rAt(d time.Duration) int64 { return rT1.Add(d).UnixNano() }

// everyChange returns a change of every kind the state machine applies,
// with every optional part present in at least one, by name.
func everyChange(t testing.TB) []struct {
	name string
	give change
} {
	t.Helper()
	var keys codeKeys
	for i := range keys.booking {
		keys.booking[i], keys.billing[i] = byte(i+1), byte(0xf0-i)
	}
	hold := change{op: opHold, seq: 1, at: rAt(0), officeCode: "JKT", account: "account-1",
		date: rDec10, slot: 0, pool: 1, deadline: rAt(2 * time.Hour),
		idem: &idempotency{key: "k-1", hash: 0xdeadbeefcafef00d}, applicants: recordApplicants(t, 1, 3),
		familyCard: recordFamilyCard(t)}
	plain := change{op: opHold, seq: 2, at: rAt(time.Minute), officeCode: "JKT", account: "account-2",
		date: rDec11, slot: 1, deadline: rAt(time.Minute + 2*time.Hour), applicants: []Applicant{{NIK: recordNIK(t, 2)}}}
	imported := hold
	imported.op, imported.seq = opImport, 9
	imported.steps = []step{
		{op: opPay, at: rAt(time.Hour), text: "ref-9"},
		{op: opReschedule, at: rAt(2 * time.Hour), date: rDec11, slot: 1},
		{op: opReject, at: rAt(3 * time.Hour), reason: ReasonPreventionList, text: "daftar cekal"},
	}
	return []struct {
		name string
		give change
	}{
		{"keys", change{op: opKeys, keys: keys}},
		{"office", change{op: opOffice, office: recordOffice(t)}},
		{"office with a declared year and an opening window", change{op: opOffice, office: recordOfficeWithTrailer(t)}},
		{"close day", change{op: opOverride, officeCode: "JKT", override: quota.Override{Kind: quota.CloseDay, Date: rDec10, Reason: "Banjir"}}},
		{"open day", change{op: opOverride, officeCode: "JKT", override: quota.Override{Kind: quota.OpenDay, Date: rDec10}}},
		{"close slot", change{op: opOverride, officeCode: "JKT", override: quota.Override{Kind: quota.CloseSlot, Date: rDec10, Slot: 1, Reason: "Rapat"}}},
		{"capacity", change{op: opOverride, officeCode: "A", override: quota.Override{Kind: quota.SetCapacity, Date: rDec11, Slot: 1, Pool: 1, Seats: 40}}},
		{"release", change{op: opOverride, officeCode: "JKT", override: quota.Override{Kind: quota.SetRelease, Date: rDec11, At: time.Unix(0, rT0.UnixNano())}}},
		{"hold", hold},
		{"hold without key", plain},
		{"pay", change{op: opPay, seq: 1, at: rAt(time.Hour), text: "ref-1"}},
		{"reschedule", change{op: opReschedule, seq: 1, at: rAt(2 * time.Hour), date: rDec11, slot: 1}},
		{"check in", change{op: opCheckIn, seq: 1, at: rAt(3 * time.Hour)}},
		{"cancel", change{op: opCancel, seq: 2, at: rAt(4 * time.Hour)}},
		{"cancel with a reason", change{op: opCancel, seq: 2, at: rAt(4 * time.Hour), reason: ReasonOther, text: "pindah tugas"}},
		{"reject", change{op: opReject, seq: 1, at: rAt(5 * time.Hour), reason: ReasonPreventionList, text: "daftar cekal"}},
		{"reject without words", change{op: opReject, seq: 1, at: rAt(5 * time.Hour), reason: ReasonInvalidData}},
		{"expire", change{op: opExpire, seq: 2, at: rAt(2 * time.Hour)}},
		{"no-show", change{op: opNoShow, seq: 1, at: rAt(6 * time.Hour)}},
		{"import", imported},
		{"archive", change{op: opArchive, seq: 9, at: rAt(400 * 24 * time.Hour), archived: &imported}},
		{"proof key", change{op: opProofKey, proofKey: recordProofKey(t)}},
		{"import without history", change{op: opImport, seq: 10, at: rAt(0), officeCode: "JKT", account: "account-10",
			date: rDec10, deadline: rAt(time.Hour), applicants: []Applicant{{NIK: recordNIK(t, 10)}}, steps: []step{}}},
	}
}

// Every change kind encodes and decodes back to itself, and encodes again
// to the same bytes; every truncation of its record fails with ErrCorrupt,
// and none panics. The changes carry every field of the layout: a family
// card on a hold and an import, a reason's kind and text on a cancellation,
// a rejection and an import's step.
func TestChangeRecordRoundTrip(t *testing.T) {
	tests := everyChange(t)
	seen := map[op]bool{}
	var familyCards, reasons, stepReasons int
	for _, tt := range tests {
		if !tt.give.familyCard.IsZero() {
			familyCards++
		}
		if tt.give.reason != ReasonNone {
			reasons++
		}
		for _, st := range tt.give.steps {
			if st.reason != ReasonNone {
				stepReasons++
			}
		}
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.give.encode()
			got, err := decodeChange(rec)
			require.NoError(t, err)
			require.Equal(t, tt.give, got)
			require.Equal(t, rec, got.encode())
			for n := range len(rec) {
				_, err := decodeChange(rec[:n])
				require.ErrorIs(t, err, wire.ErrCorrupt, "truncated to %d of %d bytes", n, len(rec))
			}
		})
		seen[tt.give.op] = true
	}
	for o := opKeys; o <= opMax; o++ {
		require.True(t, seen[o], "no record of change %d", o)
	}
	require.Equal(t, 2, familyCards, "a hold and an import with a family card")
	require.Equal(t, 3, reasons, "a cancellation and two rejections with a reason")
	require.Equal(t, 1, stepReasons, "an import's rejection with a reason")
}

// A record the codec never writes is refused: an unknown version or
// change, trailing bytes, and values beyond the limits the decoder checks.
func TestChangeRecordRefusals(t *testing.T) {
	hold := changeNamed(t, "hold")
	rec := hold.encode()
	withByte := func(i int, b byte) []byte { r := bytes.Clone(rec); r[i] = b; return r }
	tests := []struct {
		name string
		give []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"version 2", withByte(0, 2), "record version 2"},
		{"change 0", withByte(1, 0), "change 0"},
		{"change past the last", withByte(1, byte(opMax+1)), fmt.Sprintf("change %d", opMax+1)},
		{"trailing byte", append(bytes.Clone(rec), 0), "trailing"},
		{"booking number 0", cancelOf(0), "booking number 0"},
		{"booking number past the limit", cancelOf(bookingNumbersMax + 1), "booking number"},
		{"idempotency flag 2", idemFlag(t, hold, 2), "idempotency flag 2"},
		{"no applicants", withApplicants(t, hold, nil), "no applicants"},
		{"NIK repeated", withApplicants(t, hold, []Applicant{{NIK: recordNIK(t, 1)}, {NIK: recordNIK(t, 1)}}), "NIK repeated"},
		{"bad account", withAccount(hold, "a\nb"), "bad account"},
		{"family card of 3 digits", withFamilyCard(hold, 123), "bad family card"},
		{"family card of an unlisted province", withFamilyCard(hold, 4071011503200001), "bad family card"},
		{"reason kind past the last", reasonOf(opReject, reasonKindMax+1), fmt.Sprintf("reason kind %d", reasonKindMax+1)},
		{"step reason kind past the last", withStepReason(t, reasonKindMax+1), fmt.Sprintf("reason kind %d", reasonKindMax+1)},
		{"reason text past the limit", (&change{op: opCancel, seq: 1, at: rAt(0), reason: ReasonOther,
			text: strings.Repeat("r", max(PaymentRefBytesMax, ReasonBytesMax)+1)}).encode(), "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeChange(tt.give)
			require.ErrorIs(t, err, wire.ErrCorrupt)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// changeNamed returns the change of everyChange called name.
func changeNamed(t testing.TB, name string) change {
	t.Helper()
	for _, tt := range everyChange(t) {
		if tt.name == name {
			return tt.give
		}
	}
	t.Fatalf("no change %q", name)
	return change{}
}

// cancelOf returns the record of a cancellation of booking seq, which
// encode writes for any number.
func cancelOf(seq uint64) []byte {
	return (&change{op: opCancel, seq: seq, at: rAt(0)}).encode()
}

// reasonOf returns the record of change o (a cancellation or rejection) of
// booking 1 giving a reason of kind k, which encode writes for any kind.
func reasonOf(o op, k ReasonKind) []byte {
	return (&change{op: o, seq: 1, at: rAt(0), reason: k, text: "x"}).encode()
}

// withFamilyCard returns the record of hold c with family card number n,
// which encode writes whatever it is.
func withFamilyCard(c change, n uint64) []byte {
	c.familyCard = FamilyCard{n: n}
	return c.encode()
}

// withStepReason returns the record of the import of everyChange whose
// last step gives a reason of kind k.
func withStepReason(t testing.TB, k ReasonKind) []byte {
	t.Helper()
	c := changeNamed(t, "import")
	c.steps = slices.Clone(c.steps)
	c.steps[len(c.steps)-1].reason = k
	return c.encode()
}

// A record decodes to one change only: whatever decodes encodes again to
// the same bytes, so that a change has one record and "every value
// checked" holds. Each row is a record of a kind the codec never writes
// that decodeChange should refuse with ErrCorrupt, or else read exactly.
func TestChangeRecordsAreCanonical(t *testing.T) {
	reschedule := wire.NewEncoder(nil)
	for _, b := range []byte{recordVersion, byte(opReschedule), 1} {
		reschedule.Byte(b)
	}
	reschedule.Varint(rAt(0))
	reschedule.Varint(1 << 40) // an epoch day far past the calendar's last
	reschedule.Byte(0)
	office := changeNamed(t, "office")
	leave := office.encode()
	leave[leaveFlagAt(office.office)] = 2 // ObserveCollectiveLeave is 0 or 1
	tests := []struct {
		name string
		give []byte
	}{
		{"a varint of more bytes than its value needs", []byte{recordVersion, byte(opCancel), 0x81, 0x00, 2}},
		{"a date outside the calendar", reschedule.Bytes()},
		{"a flag byte of 2", leave},
		{"a family card of fewer than 16 digits", withFamilyCard(changeNamed(t, "hold"), 1)},
		{"a family card of more than 16 digits", withFamilyCard(changeNamed(t, "hold"), math.MaxUint64)},
		{"a reason kind past the last", reasonOf(opCancel, reasonKindMax+1)},
		{"a reason of no kind with words", reasonOf(opCancel, ReasonNone)},
		{"an import step's reason kind past the last", withStepReason(t, reasonKindMax+1)},
		{"an office's record with a wide tail", append(office.encode(), 0, 2)},
		{"a wide office record of nothing wide", wideOffice(office.encode(), 0, 0)},
		{"a wide office record's declared years twice", wideOffice(office.encode(), 2, 0x8e, 0x0f, 0x8e, 0x0f, 2)},
		{"a wide office record's year that has holidays", wideOffice(office.encode(), 1, 0x8a, 0x0f, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := decodeChange(tt.give)
			if err != nil {
				require.ErrorIs(t, err, wire.ErrCorrupt)
				return
			}
			require.Equal(t, tt.give, c.encode(), "decodes to a change whose record is other bytes")
		})
	}
}

// leaveFlagAt returns the index of the ObserveCollectiveLeave byte in the
// record of an office change: after version, op, code, name, zone and
// week.
func leaveFlagAt(cfg *OfficeConfig) int {
	e := wire.NewEncoder(nil)
	e.Byte(recordVersion)
	e.Byte(byte(opOffice))
	e.String(cfg.Code)
	e.String(cfg.Name)
	e.String(cfg.Quota.Schedule.Location.String())
	e.Byte(byte(cfg.Quota.Schedule.Week))
	return len(e.Bytes())
}

func withApplicants(t testing.TB, c change, list []Applicant) []byte {
	t.Helper()
	c.applicants = list
	return c.encode()
}

func withAccount(c change, account string) []byte {
	c.account = account
	return c.encode()
}

// idemFlag returns the record of hold c, which has an idempotency key,
// with the flag byte before the key set to flag.
func idemFlag(t testing.TB, c change, flag byte) []byte {
	t.Helper()
	rec := c.encode()
	c.idem = nil
	without := c.encode()
	// The records agree up to the flag: 1 with the key, 0 without.
	i := 0
	for rec[i] == without[i] {
		i++
	}
	require.Equal(t, byte(1), rec[i])
	rec[i] = flag
	return rec
}

// FuzzDecodeChange feeds arbitrary bytes to the record decoder. It must
// never panic, and whatever decodes is a record the codec writes: it
// encodes again to the same bytes. The seed corpus in
// testdata/fuzz/FuzzDecodeChange is the journal of an engine that made
// every kind of change, and the imports testdata/v1/kuota.db becomes
// (TestFuzzDecodeChangeCorpus keeps it current).
func FuzzDecodeChange(f *testing.F) {
	for _, tt := range everyChange(f) {
		f.Add(tt.give.encode())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeChange(data)
		if err != nil {
			if !errors.Is(err, wire.ErrCorrupt) {
				t.Fatalf("an error that is not ErrCorrupt: %v", err)
			}
			return
		}
		if again := c.encode(); !bytes.Equal(again, data) {
			t.Fatalf("change %d re-encodes to other bytes:\n%x\n%x", c.op, data, again)
		}
	})
}

// The seed corpus of FuzzDecodeChange holds records of today's layout:
// each decodes and encodes again to its own bytes, so that the fuzzer
// starts from records the decoder reads through rather than ones it
// refuses at the first changed field, and together they carry every change
// and every optional field — a family card, a reason's kind and text, an
// import's steps with a reason. After a change of the layout, regenerate
// it from a real engine's journal.
func TestFuzzDecodeChangeCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecodeChange", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	seen := map[op]bool{}
	var familyCard, reason, stepReason bool
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		head, arg, ok := strings.Cut(strings.TrimSpace(string(data)), "\n")
		require.True(t, ok && head == "go test fuzz v1", "%s: not a corpus file", name)
		quoted, ok := strings.CutPrefix(arg, "[]byte(")
		require.True(t, ok, "%s: not one []byte", name)
		rec, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
		require.NoError(t, err, name)
		c, err := decodeChange([]byte(rec))
		require.NoError(t, err, "%s: a record of another layout", name)
		require.Equal(t, []byte(rec), c.encode(), name)
		seen[c.op] = true
		familyCard = familyCard || !c.familyCard.IsZero()
		reason = reason || c.reason != ReasonNone
		for _, st := range c.steps {
			stepReason = stepReason || st.reason != ReasonNone
		}
	}
	for o := opKeys; o <= opMax; o++ {
		require.True(t, seen[o], "no record of change %d", o)
	}
	require.True(t, familyCard, "no record with a family card")
	require.True(t, reason, "no cancellation or rejection with a reason")
	require.True(t, stepReason, "no import step with a reason")
}

// requireRoundTrip fails unless change c encodes to a record that decodes
// back to c. An empty list of steps and none are the same history.
func requireRoundTrip(t testing.TB, c change) {
	t.Helper()
	got, err := decodeChange(c.encode())
	if err != nil {
		t.Fatalf("the record of change %d does not decode: %v", c.op, err)
	}
	if len(c.steps) == 0 {
		c.steps, got.steps = nil, nil
	}
	if !reflect.DeepEqual(c, got) {
		t.Fatalf("change %d comes back other:\n%+v\n%+v", c.op, c, got)
	}
}

// replayRecords starts an engine over an in-memory journal holding recs,
// as Open does over a file, and returns it or what replay refused.
func replayRecords(t testing.TB, recs [][]byte) (*Engine, error) {
	t.Helper()
	j := &journal.Memory{Keep: true}
	for _, r := range recs {
		_, err := j.Append(r)
		require.NoError(t, err)
	}
	o, err := (&Options{Now: func() time.Time { return rT1 }, NoSweeper: true}).resolve()
	require.NoError(t, err)
	e, err := start(o, j)
	if err == nil {
		t.Cleanup(func() { e.Close() })
	}
	return e, err
}

// encodeAll returns the records of changes, in order.
func encodeAll(changes ...change) [][]byte {
	out := make([][]byte, len(changes))
	for i := range changes {
		out[i] = changes[i].encode()
	}
	return out
}

// recordProofKey is a proof key drawn from fixed bytes.
func recordProofKey(t testing.TB) *proofKey {
	k, err := newProofKey(bytes.NewReader(bytes.Repeat([]byte{7}, 64)), 1, rAt(time.Hour))
	require.NoError(t, err)
	return k
}

// recordOfficeWithTrailer is recordOffice with what an office record
// carries after its table: a year declared with no holiday, and an
// opening window.
func recordOfficeWithTrailer(t testing.TB) *OfficeConfig {
	cfg := recordOffice(t)
	h, err := cfg.Quota.Schedule.Holidays.WithYears(2027)
	require.NoError(t, err)
	cfg.Quota.Schedule.Holidays = h
	cfg.OpeningWindow = time.Minute
	return cfg
}

// wideOffice returns an office record as the wide kind, with tail after
// the table.
func wideOffice(rec []byte, tail ...byte) []byte {
	out := append([]byte(nil), rec...)
	out[1] = byte(opOfficeWide)
	return append(out, tail...)
}
