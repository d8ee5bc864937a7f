package booking

import (
	"encoding/binary"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/wire"
)

// recordEngine returns an engine with a few bookings in different states,
// for records to encode.
func recordEngine(t testing.TB) (*Engine, []*booking) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	req := holdReq(t, 1)
	req.IdempotencyKey = "k"
	req.Applicants = applicants(t, 1, 3)
	a, err := e.Hold(bg, req)
	require.NoError(t, err)
	b, err := e.Hold(bg, holdReq(t, 5))
	require.NoError(t, err)
	_, err = e.Pay(bg, b.BillingCode, "ref")
	require.NoError(t, err)
	clk.Set(t2)
	_, err = e.Reschedule(bg, b.Code, dec11, 1)
	require.NoError(t, err)
	_, err = e.Reject(bg, b.Code, "ditolak")
	require.NoError(t, err)
	return e, []*booking{e.slab.get(e.codes.seqOfCode(mustCode(t, a.Code))), e.slab.get(e.codes.seqOfCode(mustCode(t, b.Code)))}
}

func TestBookingRecordRoundTrip(t *testing.T) {
	e, list := recordEngine(t)
	for _, b := range list {
		rec := appendBooking(nil, b, b.st.Load())
		got, err := e.decodeBooking(b.seq, rec)
		require.NoError(t, err)
		require.Equal(t, b.view(), got.view())
		require.Equal(t, b.idem, got.idem)
		// Any truncation is an error, not a panic.
		for n := range len(rec) {
			_, err := e.decodeBooking(b.seq, rec[:n])
			require.ErrorIs(t, err, wire.ErrCorrupt, "truncated to %d", n)
		}
	}
}

func TestBookingRecordRefusesImpossibleHistories(t *testing.T) {
	e, list := recordEngine(t)
	b := list[1]
	// Rewrite the history to one the engine never makes.
	bad := *b.st.Load()
	bad.prev = nil // a first snapshot that is not a hold
	var forged booking
	forged = booking{seq: b.seq, office: b.office, account: b.account, applicants: b.applicants}
	forged.st.Store(&bad)
	_, err := e.decodeBooking(b.seq, appendBooking(nil, &forged, forged.st.Load()))
	require.ErrorIs(t, err, wire.ErrCorrupt)

	held := &snapshot{state: Held, date: dec10}
	checked := held.next(CheckedIn, 1, "") // checked in without paying
	forged.st.Store(checked)
	_, err = e.decodeBooking(b.seq, appendBooking(nil, &forged, forged.st.Load()))
	require.ErrorIs(t, err, wire.ErrCorrupt)
}

func TestOfficeRecordRoundTrip(t *testing.T) {
	cfg := officeConfig(t)
	cfg.Quota.Schedule.Closures = []calendar.Closure{{Date: dec11, Reason: "Renovasi"}}
	rec := encodeOffice(&cfg, 7)
	got, order, err := decodeOffice(rec)
	require.NoError(t, err)
	require.Equal(t, uint32(7), order)
	require.Equal(t, cfg, got)
	for n := range len(rec) {
		_, _, err := decodeOffice(rec[:n])
		require.Error(t, err, "truncated to %d", n)
	}
}

func TestOverrideRecordRoundTrip(t *testing.T) {
	for _, ov := range []override{
		{office: "JKT", kind: overrideDayClosed, date: dec10, reason: "Banjir"},
		{office: "JKT", kind: overrideSlotClosed, date: dec10, slot: 3, reason: "Rapat"},
		{office: "A", kind: overrideCapacity, date: dec11, slot: 1, pool: 2, seats: 40},
		{office: "JKT", kind: overrideRelease, date: jan04, at: nanos(t0)},
	} {
		got, err := decodeOverride(overrideKey(&ov), encodeOverride(&ov))
		require.NoError(t, err)
		require.Equal(t, ov, got)
	}
	_, err := decodeOverride([]byte("JKT"), []byte{1})
	require.ErrorIs(t, err, wire.ErrCorrupt)
}

// A file whose bookings take more seats than a cell has is refused, and
// the error names the cell.
func TestOpenRefusesInconsistentFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := &clock{t: t1}
	e := openTestEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
	_, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	require.NoError(t, e.Close())

	// Copy the booking under a new sequence number six times: seven
	// bookings on a cell of five seats.
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketBookings)
		v := bk.Get(binary.BigEndian.AppendUint64(nil, 1))
		for seq := uint64(2); seq <= 7; seq++ {
			if err := bk.Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.Close())

	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrInconsistent)
	require.ErrorContains(t, err, "2026-12-10 slot 0")
}

// Two live bookings of one NIK are an inconsistency Check finds.
func TestOpenRefusesDuplicateLiveNIK(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := &clock{t: t1}
	e := openTestEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
	_, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	require.NoError(t, e.Close())

	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketBookings)
		return bk.Put(binary.BigEndian.AppendUint64(nil, 2), bk.Get(binary.BigEndian.AppendUint64(nil, 1)))
	}))
	require.NoError(t, db.Close())
	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrInconsistent)
	require.ErrorContains(t, err, "NIK")
}

// FuzzDecodeBooking feeds arbitrary bytes to the booking decoder: it must
// return an error or a booking that encodes back to the same bytes, and
// never panic.
func FuzzDecodeBooking(f *testing.F) {
	e, list := recordEngine(f)
	for _, b := range list {
		f.Add(appendBooking(nil, b, b.st.Load()))
	}
	f.Add([]byte{bookingVersion})
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := e.decodeBooking(1, data)
		if err != nil {
			return
		}
		// Whatever decodes is a booking the engine could have written:
		// it encodes and decodes back to itself.
		again, err := e.decodeBooking(1, appendBooking(nil, b, b.st.Load()))
		if err != nil {
			t.Fatalf("re-encoding a decoded booking fails: %v", err)
		}
		if !reflect.DeepEqual(again.view(), b.view()) {
			t.Fatalf("re-encoding changed the booking:\n%+v\n%+v", b.view(), again.view())
		}
	})
}

func FuzzDecodeOffice(f *testing.F) {
	cfg := officeConfig(f)
	f.Add(encodeOffice(&cfg, 0))
	f.Add([]byte{officeVersion})
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, order, err := decodeOffice(data)
		if err != nil {
			return
		}
		if _, _, err := decodeOffice(encodeOffice(&cfg, order)); err != nil {
			t.Fatalf("re-encoding a decoded office fails: %v", err)
		}
	})
}

func FuzzDecodeOverride(f *testing.F) {
	ov := override{office: "JKT", kind: overrideCapacity, date: dec10, slot: 1, pool: 1, seats: 9}
	f.Add(overrideKey(&ov), encodeOverride(&ov))
	f.Fuzz(func(t *testing.T, key, value []byte) {
		ov, err := decodeOverride(key, value)
		if err != nil {
			return
		}
		if _, err := decodeOverride(overrideKey(&ov), encodeOverride(&ov)); err != nil {
			t.Fatalf("re-encoding a decoded override fails: %v", err)
		}
	})
}

// A file that fails part way through a load of many chunks is refused
// cleanly: the loader stops, drains its decoders, and reports the first
// problem in order.
func TestOpenStopsAtFirstBadRecord(t *testing.T) {
	for _, tt := range []struct {
		name    string
		badFrom uint64 // records from here on are garbage
		want    error
	}{
		{name: "garbage in a later chunk", badFrom: 9000, want: ErrInconsistent}, // seat 6 overflows first
		{name: "garbage first", badFrom: 2, want: wire.ErrCorrupt},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kuota.db")
			clk := &clock{t: t1}
			e := openTestEngine(t, path, clk, nil)
			require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
			_, err := e.Hold(bg, holdReq(t, 1))
			require.NoError(t, err)
			require.NoError(t, e.Close())

			db, err := bolt.Open(path, 0o600, nil)
			require.NoError(t, err)
			require.NoError(t, db.Update(func(tx *bolt.Tx) error {
				bk := tx.Bucket(bucketBookings)
				v := bk.Get(binary.BigEndian.AppendUint64(nil, 1))
				for seq := uint64(2); seq <= 20_000; seq++ {
					val := v
					if seq >= tt.badFrom {
						val = []byte("not a booking")
					}
					if err := bk.Put(binary.BigEndian.AppendUint64(nil, seq), val); err != nil {
						return err
					}
				}
				return nil
			}))
			require.NoError(t, db.Close())
			_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true})
			require.ErrorIs(t, err, tt.want)
		})
	}
}
