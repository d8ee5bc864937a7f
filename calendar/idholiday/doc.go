// Package idholiday ships Indonesia's national holidays and collective
// leave ("cuti bersama") as [calendar.Holidays], one list per decreed
// year, and lets an operator add a year decreed after the release, or
// replace an amended one, from a CSV file.
//
// # Concepts
//
// Each year's holidays are set by a joint decree (Surat Keputusan
// Bersama, SKB) of the Minister of Religious Affairs, the Minister of
// Manpower and the Minister of Administrative and Bureaucratic Reform,
// published some months before the year begins and sometimes amended
// during it: 2025 gained 18 August (collective leave for Independence
// Day) in August 2025. The package embeds the lists of the years it
// ships, each in the file named for it ("id-holidays-2025.csv"), and
// names each year's decree, amendments included:
//
//	year  decree ([Decree])
//	2024  SKB No. 855 Tahun 2023, No. 3 Tahun 2023, No. 4 Tahun 2023
//	2025  SKB No. 1017 Tahun 2024, No. 2 Tahun 2024, No. 2 Tahun 2024;
//	      amended by No. 933 Tahun 2025, No. 1 Tahun 2025, No. 3 Tahun 2025
//	      (adds 18 August 2025)
//	2026  SKB No. 1497 Tahun 2025, No. 2 Tahun 2025, No. 5 Tahun 2025
//
// [Years] lists them, [Year] returns one, and [All] returns all of them
// as one list, which covers exactly those years.
//
// # Coverage
//
// A [calendar.Schedule] whose holidays cover some years shows every
// service day of any other year as NotOpened, with the reason "no holiday
// data for the year yet", until that year's data is loaded: a day must not be
// sold before anyone knows whether it is a holiday. So an office
// configured with [All] opens no day of 2027 until the 2027 decree is
// loaded, and its booking engine reports the gap
// ([calendar.Schedule.UncoveredYears]).
//
// # Loading a newer or an amended year
//
// The decree for a new year, or an amendment, need not wait for a new
// release of kuota. The operator writes the year's holidays as a CSV file
// in the format of [calendar.ParseHolidays] — the header
// "date,kind,name", then one line per day:
//
//	date,kind,name
//	2027-01-01,national,Tahun Baru 2027 Masehi
//	…
//
// and [Load] combines it with the shipped years. The file replaces every
// year it has lines in, whole: an amended year must be written out in
// full, every holiday of the amended decree, not only the days the
// amendment adds, because a day the file leaves out is no longer a
// holiday. [Load] refuses a year without 1 January and 17 August, the two
// national holidays every Indonesian year has, as the likely sign of a
// partial file ([ErrPartialYear]). Years the file does not mention keep
// the shipped data. For several files, merge them in order with
// [calendar.MergeHolidays]:
//
//	h, err := calendar.MergeHolidays(idholiday.All(), amended2025, new2027)
//
// # Concurrency
//
// Every function is safe for concurrent use, and every list returned is an
// immutable value of its caller's own.
//
// # Errors
//
// [Year] returns an error matching [ErrUnknownYear] for a year the package
// does not ship. [Load] returns [ErrPartialYear] for a year that is not
// whole, and otherwise what [calendar.ParseHolidays] and
// [calendar.MergeHolidays] return: errors matching the calendar package's
// sentinels, a [*calendar.LineError] naming the line of the file at fault.
package idholiday
