package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// archive writes each archived booking, NIKs and all, to a new file of
// mode 0600, and says on the terminal only how many.
func TestArchive(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, &booking.Options{Retention: booking.RetentionMin, NoSweeper: true})
	require.NoError(t, e.RegisterOffice(ctx, kt.OfficeConfig(t)))
	b, err := e.Hold(ctx, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Cancel(ctx, b.Code, booking.Reason{})
	require.NoError(t, err)
	kept, err := e.Hold(ctx, kt.HoldRequest(t, 2))
	require.NoError(t, err)
	_, err = e.Pay(ctx, kept.BillingCode, "ref")
	require.NoError(t, err)
	clk.Set(kt.T1.Add(booking.RetentionMin + time.Minute))
	n, err := e.ArchiveDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the cancelled booking, not the paid one")
	require.NoError(t, e.Close())

	out := filepath.Join(dir, "archive.jsonl")
	status, stdout, errOut := kuota(t, "archive", "-db", path, "-out", out)
	require.Equal(t, exitOK, status, errOut)
	require.Regexp(t, `^archived: 1 booking from `+regexp.QuoteMeta(path)+` written to `+regexp.QuoteMeta(out)+`\n$`, stdout)
	fi, err := os.Stat(out)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "it holds NIKs")
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	require.True(t, sc.Scan())
	var a booking.ArchivedBooking
	require.NoError(t, json.Unmarshal(sc.Bytes(), &a))
	require.Equal(t, b.Code, a.Code)
	require.Equal(t, booking.Cancelled, a.State)
	require.Equal(t, kt.NIKDigits(1), a.Applicants[0].NIK)
	require.False(t, sc.Scan(), "one booking")

	status, _, errOut = kuota(t, "archive", "-db", path, "-out", out)
	require.Equal(t, exitTrouble, status)
	require.Contains(t, errOut, "exists: archive writes a new file")
	status, _, errOut = kuota(t, "archive", "-db", path)
	require.Equal(t, exitTrouble, status)
	require.Contains(t, errOut, "missing -out")
	missing := filepath.Join(dir, "missing.jsonl")
	status, _, errOut = kuota(t, "archive", "-db", filepath.Join(dir, "no.db"), "-out", missing)
	require.Equal(t, exitTrouble, status)
	require.Contains(t, errOut, "does not exist")
	require.NoFileExists(t, missing, "no partial archive is left")
}
