// Package inspection is the domain of 家园巡检: communities (小区), inspection
// templates made of sections and items, inspections with their answers,
// signatures and amendments, corrective actions (整改), scoring and the
// sentinel errors the rest of the program checks with errors.Is.
//
// It imports neither fyne nor database/sql: the store, the exchange
// packages, the reports and the screens all depend on it, never the other
// way round.
package inspection
