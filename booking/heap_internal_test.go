package booking

// What the collector and the heap see of the engine's records, and of a
// caller's request.

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// The records a rush makes by the million, and the feed's ring, hold no
// pointer: the collector never reads them (a booking's office is its
// number, its texts are refs into its page's arena). A pointer added to
// one of them would put every booking back in each mark phase, and the
// ring's untouched pages in a new engine would be mapped to the zero
// page by the first mark and copied at their first write (feed.write).
func TestRecordsHoldNoPointers(t *testing.T) {
	for _, v := range []any{booking{}, snapshot{}, eventSlot{}} {
		typ := reflect.TypeOf(v)
		require.Empty(t, pointersIn(typ, typ.Name()), "%s holds pointers", typ.Name())
	}
	// The check finds them: in a field, an array, a nested struct.
	type inner struct{ p *int }
	type outer struct {
		n int
		a [2]inner
		s string
	}
	require.Equal(t, []string{"outer.a[].p", "outer.s"}, pointersIn(reflect.TypeOf(outer{}), "outer"))
}

// pointersIn returns the paths of the fields of typ, named path, that hold
// pointers the collector would follow.
func pointersIn(typ reflect.Type, path string) []string {
	switch typ.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return nil
	case reflect.Array:
		if typ.Len() == 0 {
			return nil
		}
		return pointersIn(typ.Elem(), path+"[]")
	case reflect.Struct:
		var out []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			out = append(out, pointersIn(f.Type, path+"."+f.Name)...)
		}
		return out
	}
	return []string{path} // pointers, strings, slices, maps, channels, functions, interfaces
}

// cloneRequest copies every field of a HoldRequest, and shares no byte
// with it: a draw's entrant keeps the copy while its caller may reuse the
// request. Every field is set here, so that a field added to HoldRequest
// and forgotten by cloneRequest fails the test.
func TestCloneRequestCopiesEveryField(t *testing.T) {
	nik, err := ParseNIK("3171010101900001")
	require.NoError(t, err)
	card, err := ParseFamilyCard("3171010101900002")
	require.NoError(t, err)
	in := HoldRequest{
		Account: "acc-1", Office: "JKT", Date: calendar.NewDate(2026, time.December, 1), Slot: "08:00", Pool: "online",
		Applicants: []Applicant{{NIK: nik, Meta: []byte(`{"name":"Siti"}`)}}, FamilyCard: card, IdempotencyKey: "key-1",
	}
	v := reflect.ValueOf(in)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "set HoldRequest.%s in this test", v.Type().Field(i).Name)
	}
	out := cloneRequest(&in)
	require.Equal(t, in, out)
	for _, s := range [][2]string{{in.Account, out.Account}, {in.Office, out.Office}, {in.Slot, out.Slot}, {in.Pool, out.Pool}, {in.IdempotencyKey, out.IdempotencyKey}} {
		require.NotSame(t, unsafe.StringData(s[0]), unsafe.StringData(s[1]), s[0])
	}
	require.NotSame(t, &in.Applicants[0], &out.Applicants[0])
	require.NotSame(t, &in.Applicants[0].Meta[0], &out.Applicants[0].Meta[0])
}

// TestViewSlicesAreExactAndApart checks that a view's applicants, history
// and text, whether they share an allocation or not, have the lengths
// asked, no room beyond them, and that appending to one leaves the others
// as they were.
func TestViewSlicesAreExactAndApart(t *testing.T) {
	for _, shape := range [][3]int{{1, 1, 30}, {1, 2, viewInlineText}, {1, 2, viewInlineText + 1}, {1, 3, 30}, {2, 1, 30}, {ApplicantsMax, 5, 300}} {
		apps, events, text := viewSlices(shape[0], shape[1], shape[2])
		require.Len(t, apps, shape[0])
		require.Len(t, events, shape[1])
		require.Empty(t, text)
		require.Equal(t, len(apps), cap(apps), "shape %v", shape)
		require.Equal(t, len(events), cap(events), "shape %v", shape)
		require.Equal(t, shape[2], cap(text), "shape %v", shape)
		events[len(events)-1].Note = "last"
		text = append(text, bytes.Repeat([]byte{'x'}, shape[2])...)
		_ = append(apps, Applicant{NIK: NIK{n: 1}, Meta: []byte("spill")})
		_ = append(text, "spill"...)
		require.Equal(t, "last", events[len(events)-1].Note, "shape %v", shape)
		for _, a := range apps {
			require.Zero(t, a)
		}
		require.Equal(t, strings.Repeat("x", shape[2]), string(text), "shape %v", shape)
	}
}

// TestFeedSlotsFillALine checks that a slot of the feed's ring is a cache
// line, and that the ring starts on a line: two slots never share one.
func TestFeedSlotsFillALine(t *testing.T) {
	require.Equal(t, uintptr(eventSlotBytes), unsafe.Sizeof(eventSlot{}))
	require.Equal(t, 64, eventSlotBytes)
	for _, n := range []int{1, 1000, DefaultFeedBuffered} {
		f := newFeed(n)
		require.Zero(t, uintptr(unsafe.Pointer(&f.ring[0]))%eventSlotBytes, "a ring of %d slots", len(f.ring))
	}
}

// The common shapes of a view fill the allocator's size classes (192 and
// 256 bytes), so the room left for their text costs nothing.
func TestViewSlicesFillTheirSizeClasses(t *testing.T) {
	require.Equal(t, uintptr(184), unsafe.Sizeof(viewHeld{}), "held: 192-byte class, 8 to spare")
	require.Equal(t, uintptr(256), unsafe.Sizeof(viewPaid{}))
}
