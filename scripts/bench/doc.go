// Package bench holds the city-scale benchmarks that make bench
// (scripts/bench.sh) runs on data made by jiayuanctl gen: community search,
// the Excel exports, batch PDF printing and the import of a district's
// package, each against a baseline measured in the same run — the same
// output made with no logic (excelize's StreamWriter with the same cells,
// gofpdf with the same texts and photos, a plain table scan, a raw
// INSERT … SELECT of the same rows). docs/PERFORMANCE.md explains each.
//
// The benchmarks skip unless the environment names the data:
//
//	JIAYUAN_BENCH_DB      a generated city (jiayuanctl gen --scale N)
//	JIAYUAN_BENCH_PKG     a district's package (jiayuanctl gen --packages)
//	JIAYUAN_BENCH_PKGDB   the data file that package was exported from
//
// Each reports the median and 99th percentile of its operations
// (med-ms/op, p99-ms/op) and the peak Go heap while they ran
// (peak-heap-MB: runtime.MemStats.HeapInuse sampled every 5 ms).
package bench
