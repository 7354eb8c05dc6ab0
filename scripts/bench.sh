#!/usr/bin/env bash
# make bench: runs the Go benchmarks and prints each figure with its ratio to
# a baseline measured in the same run (machines here are noisy: medians of
# COUNT runs, and ratios, are what to compare).
#   BENCH_COUNT=5 BENCH_N=2000 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count=${BENCH_COUNT:-5}
n=${BENCH_N:-2000}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -run '^$' -bench 'Autosave|BareInsertCommit' -benchtime "${n}x" -count "$count" ./store | tee "$out" >&2

# median of column "p50-ns/op" / "p99-ns/op" per benchmark over the runs
med() { # $1 benchmark name, $2 metric unit
	awk -v b="$1" -v u="$2" '$1 ~ "^"b"(-[0-9]+)?$" { for (i = 2; i < NF; i++) if ($(i+1) == u) print $i }' "$out" |
		sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print 0 }'
}
printf '\n%-34s %12s %12s %8s\n' "figure (median of $count runs × $n ops)" "value" "baseline" "ratio"
for m in p50-ns/op p99-ns/op; do
	a=$(med BenchmarkAutosave "$m")
	base=$(med BenchmarkBareInsertCommit "$m")
	awk -v m="$m" -v a="$a" -v b="$base" 'BEGIN {
		printf "%-34s %10.3fms %10.3fms %7.2f×\n", "autosave (SetNote) " m, a / 1e6, b / 1e6, (b > 0 ? a / b : 0) }'
done
echo "baseline: a single-row INSERT committed alone, same pragmas (WAL, synchronous=FULL)"
