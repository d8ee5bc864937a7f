package quota

import (
	"math"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestParseClock(t *testing.T) {
	tests := []struct {
		give string
		want time.Duration
	}{
		{give: "00:00", want: 0},
		{give: "00:01", want: time.Minute},
		{give: "08:00", want: 8 * time.Hour},
		{give: "08:30", want: 8*time.Hour + 30*time.Minute},
		{give: "09:59", want: 9*time.Hour + 59*time.Minute},
		{give: "12:00", want: 12 * time.Hour},
		{give: "23:59", want: 23*time.Hour + 59*time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseClock(tt.give)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.give, FormatClock(got))
		})
	}
}

func TestParseClockRefusals(t *testing.T) {
	tests := map[string]string{
		"empty: a slot never set":  "",
		"no leading zero":          "8:00",
		"one minute digit":         "08:0",
		"24:00":                    "24:00",
		"hour 99":                  "99:00",
		"minute 60":                "08:60",
		"minute 99":                "08:99",
		"seconds":                  "08:00:00",
		"dot":                      "08.00",
		"no colon":                 "0800",
		"colon moved":              "080:0",
		"leading space":            " 8:00",
		"trailing space":           "8:00 ",
		"trailing newline":         "08:00\n",
		"sign":                     "+8:00",
		"negative":                 "-1:00",
		"letters":                  "ab:cd",
		"hex":                      "0a:00",
		"fullwidth digits":         "０８:００",
		"Arabic-Indic digit":       "0٨:00",
		"NUL":                      "08:\x000",
		"invalid UTF-8":            "\xff\xff:00",
		"AM/PM":                    "08:00 AM",
		"one MiB":                  advMiB,
		"one MiB of a clock twice": strings.Repeat("08:00", 1<<18),
	}
	for name, give := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseClock(give)
			require.ErrorIs(t, err, ErrBadClock)
			require.Zero(t, got)
			msg := err.Error()
			require.Less(t, len(msg), 100, "the message is bounded: %.100q", msg)
			require.True(t, utf8.ValidString(msg), msg)
			for _, r := range msg {
				require.False(t, unicode.IsControl(r), "control character %U in %q", r, msg)
			}
		})
	}
}

// ParseClock and FormatClock are inverses for every whole minute of a day.
func TestClockRoundTrip(t *testing.T) {
	for m := range 24 * 60 {
		d := time.Duration(m) * time.Minute
		s := FormatClock(d)
		got, err := ParseClock(s)
		require.NoError(t, err, s)
		require.Equal(t, d, got, s)
	}
}

func TestFormatClock(t *testing.T) {
	tests := []struct {
		give time.Duration
		want string
	}{
		{give: 0, want: "00:00"},
		{give: 8 * time.Hour, want: "08:00"},
		{give: 13*time.Hour + 5*time.Minute, want: "13:05"},
		{give: 8*time.Hour + 59*time.Second, want: "08:00"}, // seconds dropped
		{give: 24*time.Hour - time.Nanosecond, want: "23:59"},
		{give: 24 * time.Hour, want: "24:00"}, // the end of a slot that runs to midnight
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, FormatClock(tt.give), "%v", tt.give)
	}
	for _, d := range []time.Duration{-time.Minute, 48 * time.Hour, math.MinInt64, math.MaxInt64} {
		s := FormatClock(d)
		require.NotEmpty(t, s, "%v", d)
		_, err := ParseClock(s)
		require.ErrorIs(t, err, ErrBadClock, "%v formats as %q, which must not parse", d, s)
	}
	require.Equal(t, "08:00–09:30", span(8*time.Hour, 9*time.Hour+30*time.Minute), "Span uses FormatClock")
}

func TestLayoutSlotAt(t *testing.T) {
	l := testConfig(t).Layout
	tests := []struct {
		give   time.Duration
		want   int
		wantOK bool
	}{
		{give: 8 * time.Hour, want: 0, wantOK: true},
		{give: 9 * time.Hour, want: 1, wantOK: true},
		{give: 0, want: -1},
		{give: 8*time.Hour + time.Nanosecond, want: -1},
		{give: 8*time.Hour - time.Minute, want: -1},
		{give: 10 * time.Hour, want: -1, wantOK: false}, // slot 1's end is no start
		{give: -8 * time.Hour, want: -1},
		{give: math.MaxInt64, want: -1},
	}
	for _, tt := range tests {
		got, ok := l.SlotAt(tt.give)
		require.Equal(t, tt.wantOK, ok, "%v", tt.give)
		require.Equal(t, tt.want, got, "%v", tt.give)
	}
	_, ok := (&Layout{}).SlotAt(0)
	require.False(t, ok)
}

func TestLedgerSlotAt(t *testing.T) {
	l, id := newTestLedger(t)
	var zero Ledger
	tests := []struct {
		name    string
		ledger  *Ledger
		id      OfficeID
		give    time.Duration
		want    int
		wantErr error
	}{
		{name: "08:00", ledger: l, id: id, give: 8 * time.Hour, want: 0},
		{name: "09:00", ledger: l, id: id, give: 9 * time.Hour, want: 1},
		{name: "00:00, the zero Duration", ledger: l, id: id, give: 0, want: -1, wantErr: ErrUnknownSlot},
		{name: "10:00, an end", ledger: l, id: id, give: 10 * time.Hour, want: -1, wantErr: ErrUnknownSlot},
		{name: "08:00 and a nanosecond", ledger: l, id: id, give: 8*time.Hour + 1, want: -1, wantErr: ErrUnknownSlot},
		{name: "MinInt64", ledger: l, id: id, give: math.MinInt64, want: -1, wantErr: ErrUnknownSlot},
		{name: "unknown office", ledger: l, id: id + 1, give: 8 * time.Hour, want: -1, wantErr: ErrUnknownOffice},
		{name: "office OfficesMax", ledger: l, id: OfficesMax, give: 8 * time.Hour, want: -1, wantErr: ErrUnknownOffice},
		{name: "office MaxUint32", ledger: l, id: math.MaxUint32, give: 8 * time.Hour, want: -1, wantErr: ErrUnknownOffice},
		{name: "zero Ledger", ledger: &zero, give: 8 * time.Hour, want: -1, wantErr: ErrUnknownOffice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ledger.SlotAt(tt.id, tt.give)
			if tt.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.wantErr)
			}
			require.Equal(t, tt.want, got, "no index to misuse on error")
		})
	}

	// A request whose slot was never set is refused before it can name
	// the day's first slot.
	_, err := ParseClock("")
	require.ErrorIs(t, err, ErrBadClock)

	require.Zero(t, testing.AllocsPerRun(100, func() {
		_, _ = l.SlotAt(id, 9*time.Hour)
		_, _ = l.SlotAt(id, 7*time.Hour)
		_, _ = l.SlotAt(id+1, 8*time.Hour)
	}))
}

// SlotAt answers from the current table, so it follows Reconfigure, and
// scans at most SlotsPerDayMax starts.
func TestLedgerSlotAtFollowsReconfigure(t *testing.T) {
	l, id := newTestLedger(t)
	cfg := testConfig(t)
	for i := len(cfg.Layout.Slots); i < SlotsPerDayMax; i++ {
		start := 10*time.Hour + time.Duration(i)*10*time.Minute
		cfg.Layout.Slots = append(cfg.Layout.Slots, Slot{Start: start, End: start + 10*time.Minute, Seats: []int{1, 1}})
	}
	require.NoError(t, l.Reconfigure(id, cfg, nil))
	last := cfg.Layout.Slots[SlotsPerDayMax-1].Start
	got, err := l.SlotAt(id, last)
	require.NoError(t, err)
	require.Equal(t, SlotsPerDayMax-1, got)
	clock, err := ParseClock(FormatClock(last))
	require.NoError(t, err)
	got, err = l.SlotAt(id, clock)
	require.NoError(t, err)
	require.Equal(t, SlotsPerDayMax-1, got, "the slot named by its clock time %s", FormatClock(last))
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = l.SlotAt(id, 0) }))
}

// A slot is named by its start as "HH:MM", so starts must be unique and
// whole minutes, and ends whole minutes too.
func TestLayoutValidateSlotTimes(t *testing.T) {
	tests := []struct {
		name  string
		slots [2][2]time.Duration // start, end of slots 0 and 1
		want  error
	}{
		{name: "apart", slots: [2][2]time.Duration{{8 * time.Hour, 9 * time.Hour}, {9 * time.Hour, 10 * time.Hour}}},
		{name: "same end, starts apart", slots: [2][2]time.Duration{{8 * time.Hour, 10 * time.Hour}, {9 * time.Hour, 10 * time.Hour}}},
		{name: "overlapping, starts apart", slots: [2][2]time.Duration{{8 * time.Hour, 10 * time.Hour}, {9 * time.Hour, 11 * time.Hour}}},
		{name: "to midnight", slots: [2][2]time.Duration{{0, time.Hour}, {23 * time.Hour, 24 * time.Hour}}},
		{name: "same start and end", slots: [2][2]time.Duration{{8 * time.Hour, 9 * time.Hour}, {8 * time.Hour, 9 * time.Hour}}, want: ErrBadConfig},
		{name: "same start, ends apart", slots: [2][2]time.Duration{{8 * time.Hour, 9 * time.Hour}, {8 * time.Hour, 10 * time.Hour}}, want: ErrBadConfig},
		{name: "same start at midnight", slots: [2][2]time.Duration{{0, time.Hour}, {0, 2 * time.Hour}}, want: ErrBadConfig},
		{name: "start with seconds", slots: [2][2]time.Duration{{8 * time.Hour, 9 * time.Hour}, {9*time.Hour + 30*time.Second, 10 * time.Hour}}, want: ErrBadConfig},
		{name: "start a nanosecond late", slots: [2][2]time.Duration{{8*time.Hour + 1, 9 * time.Hour}, {9 * time.Hour, 10 * time.Hour}}, want: ErrBadConfig},
		{name: "end with seconds", slots: [2][2]time.Duration{{8 * time.Hour, 9*time.Hour + time.Second}, {10 * time.Hour, 11 * time.Hour}}, want: ErrBadConfig},
		{name: "end a nanosecond short of midnight", slots: [2][2]time.Duration{{8 * time.Hour, 9 * time.Hour}, {23 * time.Hour, 24*time.Hour - 1}}, want: ErrBadConfig},
		{name: "starts a second apart", slots: [2][2]time.Duration{{8 * time.Hour, 9 * time.Hour}, {8*time.Hour + time.Second, 9 * time.Hour}}, want: ErrBadConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			for i, se := range tt.slots {
				cfg.Layout.Slots[i].Start, cfg.Layout.Slots[i].End = se[0], se[1]
			}
			err := cfg.Layout.Validate()
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			_, err = NewLedger().AddOffice(cfg)
			require.ErrorIs(t, err, tt.want)
		})
	}
}
