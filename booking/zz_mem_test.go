package booking_test

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

func BenchmarkZZMem(t *testing.B) {
	if os.Getenv("ZZMEM") == "" {
		t.Skip()
	}
	runtime.MemProfileRate = 256
	const n = 1_000_000
	e := benchEngine(t, benchOffices, 1000, nil)
	codes := e.Offices()
	billing := make([]string, n)
	apps := make([]Applicant, 1)
	for i := range uint64(n) {
		apps[0].NIK = benchNIK(i)
		bk, err := e.Hold(bg, HoldRequest{
			Account: strconv.FormatUint(i, 36), Office: codes[i%benchOffices],
			Date: benchFirst.AddDays(int(i/benchOffices) % benchDays), Slot: benchStarts[int(i/(benchOffices*benchDays))%benchSlots],
			Pool: kt.Online, Applicants: apps,
		})
		if err != nil {
			t.Fatal(err)
		}
		billing[i] = bk.BillingCode
	}
	for _, code := range billing {
		if _, err := e.Pay(bg, code, "ref"); err != nil {
			t.Fatal(err)
		}
	}
	billing = nil
	runtime.GC()
	f, _ := os.Create("/tmp/heap.prof")
	pprof.Lookup("heap").WriteTo(f, 0)
	f.Close()
	runtime.KeepAlive(e)
}
