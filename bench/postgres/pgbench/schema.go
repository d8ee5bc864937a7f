package pgbench

// The booking states as the SQL text spells them: literals rather than
// parameters, so that the planner matches the partial indexes on them
// under a prepared statement's generic plan as well. TestStateLiterals
// checks them against booking's.
const (
	sqlHeld      = "1" // booking.Held
	sqlPaid      = "2" // booking.Paid
	sqlCheckedIn = "3" // booking.CheckedIn
)

// schemaDDL creates the tables in the schema that the connection's
// search_path names, once it exists.
//
// cells holds one row per office, day, slot and pool: its capacity and
// the seats left, which the conditional UPDATE of a hold takes from and
// the CHECK keeps between 0 and the capacity. bookings holds one row per
// booking, with the instants its rules need precomputed in Go (the hold's
// deadline, the end of its day, when it becomes a no-show) so that SQL
// compares instants and never does calendar arithmetic. booking_niks
// lists each booking's applicants.
const schemaDDL = `
CREATE TABLE cells (
	office     text NOT NULL,
	day        date NOT NULL,
	slot       int  NOT NULL,
	pool       int  NOT NULL,
	capacity   int  NOT NULL CHECK (capacity >= 0),
	seats_left int  NOT NULL CHECK (seats_left BETWEEN 0 AND capacity),
	PRIMARY KEY (office, day, slot, pool)
);

CREATE SEQUENCE booking_ids;

CREATE TABLE bookings (
	id          bigint      PRIMARY KEY,
	billing     text        NOT NULL UNIQUE,
	account     text        NOT NULL,
	office      text        NOT NULL,
	day         date        NOT NULL,
	slot        int         NOT NULL,
	pool        int         NOT NULL,
	seats       int         NOT NULL CHECK (seats > 0),
	state       smallint    NOT NULL,
	deadline    timestamptz NOT NULL, -- a held booking's, for payment
	day_end     timestamptz NOT NULL, -- a paid booking keeps its NIKs until then
	no_show_at  timestamptz NOT NULL, -- the end of its slot
	payment_ref text,
	reschedules int         NOT NULL DEFAULT 0,
	changed_at  timestamptz NOT NULL,
	FOREIGN KEY (office, day, slot, pool) REFERENCES cells
);
CREATE INDEX bookings_held_by_account ON bookings (account) WHERE state = ` + sqlHeld + `;
CREATE INDEX bookings_held_by_deadline ON bookings (deadline) WHERE state = ` + sqlHeld + `;
CREATE INDEX bookings_paid_by_no_show ON bookings (no_show_at) WHERE state = ` + sqlPaid + `;

CREATE TABLE booking_niks (
	nik        text   NOT NULL,
	booking_id bigint NOT NULL REFERENCES bookings
);
CREATE INDEX booking_niks_by_nik ON booking_niks (nik);
`
