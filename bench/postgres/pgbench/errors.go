package pgbench

import "errors"

// Errors of Open and Register, about their options.
var (
	// ErrNoDSN is returned when Options.DSN is empty: the systems need a
	// PostgreSQL server and have no default one.
	ErrNoDSN = errors.New("pgbench: no DSN: set Options.DSN (the commands read $" + DSNEnv + ")")
	// ErrMaxConns is returned when Options.MaxConns is negative or above
	// MaxConnsLimit.
	ErrMaxConns = errors.New("pgbench: MaxConns out of range")
)
