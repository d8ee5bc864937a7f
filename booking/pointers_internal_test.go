package booking

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
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
