package booking_test

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"

	kt "github.com/kuota/kuota/internal/kuotatest"
	. "github.com/kuota/kuota/booking"
)

func BenchmarkZZProf(t *testing.B) {
	runtime.MemProfileRate = 512
	const n = 300_000
	e := benchEngine(t, benchOffices, 1000, nil)
	defer e.Close()
	codes := e.Offices()
	billing := make([]uint64, n)
	apps := make([]Applicant, 1)
	for i := range uint64(n) {
		apps[0].NIK = benchNIK(i)
		bk, err := e.Hold(bg, HoldRequest{Account: strconv.FormatUint(i, 36), Office: codes[i%benchOffices],
			Date: benchFirst.AddDays(int(i/benchOffices) % benchDays), Slot: benchStarts[int(i/(benchOffices*benchDays))%benchSlots],
			Pool: kt.Online, Applicants: apps})
		if err != nil { t.Fatal(err) }
		billing[i], _ = strconv.ParseUint(bk.BillingCode, 10, 64)
	}
	for _, code := range billing {
		if _, err := e.Pay(bg, strconv.FormatUint(code, 10), "ref"); err != nil { t.Fatal(err) }
	}
	runtime.GC()
	f, _ := os.Create("/tmp/heap.out")
	pprof.Lookup("heap").WriteTo(f, 0)
	f.Close()
}
