package quota

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// A day packs into 96 bytes, what Reserve reads in its first 48: the
// reservation path indexes days with a shift rather than a multiply (see
// day).
func TestDayPacks(t *testing.T) {
	require.EqualValues(t, 96, unsafe.Sizeof(day{}))
	require.Less(t, unsafe.Offsetof(day{}.cells)+unsafe.Sizeof(day{}.cells), uintptr(48)+1)
}
