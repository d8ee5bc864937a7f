package booking_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// TestNIKIndexWhenHashesCollide gives every NIK the same hash, so that
// the NIK index keeps all its entries in one run and tells them apart by
// their bookings alone, and checks that each NIK leads to its own latest
// booking as a family's members go separate ways. A family's booking
// lists each of its NIKs, so an entry must name its NIK's place in it,
// not only the booking: when the second NIK of the first family books
// again, the first NIK's entry, earlier in the run and in a booking that
// lists both, must stay as it is.
func TestNIKIndexWhenHashesCollide(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	CollideHashes(e)
	first, second := kt.NIK(t, 1), kt.NIK(t, 2)

	family := kt.HoldRequest(t, 1)
	family.Applicants = []Applicant{{NIK: first}, {NIK: second}}
	b1, err := e.Hold(bg, family)
	require.NoError(t, err)
	_, err = e.Cancel(bg, b1.Code, Reason{})
	require.NoError(t, err)

	alone := kt.HoldRequest(t, 2)
	alone.Applicants = []Applicant{{NIK: second}}
	b2, err := e.Hold(bg, alone)
	require.NoError(t, err)

	niks, _, _ := e.Indexes()
	require.Equal(t, map[string]string{first.Digits(): b1.Code, second.Digits(): b2.Code}, niks)
	_, err = e.Hold(bg, HoldRequest{Account: "account-3", Office: kt.Office, Date: kt.Dec11, Slot: kt.Slot0, Pool: kt.Online,
		Applicants: []Applicant{{NIK: second}}})
	require.ErrorIs(t, err, ErrNIKBooked, "the second NIK's hold is live")
	b3, err := e.Hold(bg, HoldRequest{Account: "account-3", Office: kt.Office, Date: kt.Dec11, Slot: kt.Slot0, Pool: kt.Online,
		Applicants: []Applicant{{NIK: first}}})
	require.NoError(t, err, "the first NIK's booking was cancelled")

	niks, _, _ = e.Indexes()
	require.Equal(t, map[string]string{first.Digits(): b3.Code, second.Digits(): b2.Code}, niks)
	kt.RequireConsistent(t, e)
}

// TestNIKRefusalStandsAfterTheSeats: a NIK refused is judged again after
// commit has looked at the seats, so that the refusal and the seats are
// true of one instant. A booking can end while its NIK is held (a
// cancellation takes no NIK's lock): then the NIK is free after all, and
// commit is asked to make the booking.
func TestNIKRefusalStandsAfterTheSeats(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	held, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	apps := []Applicant{{NIK: kt.NIK(t, 2)}, {NIK: kt.NIK(t, 1)}}

	var asked []error
	err = ClaimNIKs(e, kt.Office, apps, func(refused error) (uint64, error) {
		asked = append(asked, refused)
		return 0, nil // the seats fit
	})
	var ae *ApplicantError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 1, ae.Index)
	require.ErrorIs(t, err, ErrNIKBooked, "still held after the look")
	require.Len(t, asked, 1)

	made := errors.New("asked to make the booking")
	asked = nil
	err = ClaimNIKs(e, kt.Office, apps, func(refused error) (uint64, error) {
		asked = append(asked, refused)
		if refused != nil {
			_, err := e.Cancel(bg, held.Code, Reason{}) // while the seats are looked at
			require.NoError(t, err)
			return 0, nil
		}
		return 0, made
	})
	require.ErrorIs(t, err, made, "the NIK's booking ended during the look")
	require.Len(t, asked, 2)
	require.ErrorIs(t, asked[0], ErrNIKBooked)
	require.Nil(t, asked[1])
}
