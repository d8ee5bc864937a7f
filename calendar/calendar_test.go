package calendar

import (
	"time"
	_ "time/tzdata" // tests must not depend on the host's zone database
)

// Fixed zones and instants shared by the tests.
var (
	wib  = Jakarta()
	wita = Makassar()
	wit  = Jayapura()
)

func d(y int, m time.Month, day int) Date { return NewDate(y, m, day) }
