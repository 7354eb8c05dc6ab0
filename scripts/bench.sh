#!/usr/bin/env bash
# make bench: every figure of docs/PERFORMANCE.md with its ratio to a
# baseline measured in the same run, as ONE table. Machines here are
# noisy: each figure is the median of several runs, and the ratio to the
# same-run baseline is what to compare.
#
#   scripts/bench.sh                     the full run (scale 1, growth at 1 and 4)
#   BENCH_GROWTH="1 4 16" scripts/bench.sh
#   BENCH_SMOKE=1 scripts/bench.sh       CI: scale 0.01, one iteration each, no growth, no GUI
#
# Environment:
#   BENCH_SCALE   the generated city for the table (default 1: 5,000 communities)
#   BENCH_GROWTH  scales for the growth rows of merge, Excel and search (default "1 4"; "" for none)
#   BENCH_GROWTH_RUNS iterations of the merge and Excel growth figures (default 3)
#   BENCH_RUNS    iterations of the heavy figures (default 5); search does 20 per keystroke list
#   BENCH_COUNT   runs of the autosave benchmark (default 5), BENCH_N autosaves per run (default 2000)
#   BENCH_DIR     where generated cities are kept between runs (default ~/.cache/jiayuan-bench;
#                 a city is regenerated when the generator's source changes)
#   BENCH_STARTUP 0 to skip the start-up figure (needs Xvfb and bin/jiayuan; default 1)
#   BENCH_ONLY    "growth": only the growth rows, for every scale of BENCH_GROWTH (scale 1 included),
#                 e.g. BENCH_ONLY=growth BENCH_GROWTH="1 4 16" scripts/bench.sh
# Peak memory: "heap" is the peak Go heap in use while the measured operation
# ran (runtime.MemStats, sampled every 5 ms); "RSS" is the whole benchmark
# process's maximum resident set (GNU time -v), setup included.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
smoke=${BENCH_SMOKE:-0}
if [ "$smoke" = 1 ]; then
	scale=${BENCH_SCALE:-0.01} growth=${BENCH_GROWTH-} runs=${BENCH_RUNS:-1} count=${BENCH_COUNT:-1} n=${BENCH_N:-20}
	startup=${BENCH_STARTUP:-0} searchruns=${BENCH_RUNS:-1}
else
	scale=${BENCH_SCALE:-1} growth=${BENCH_GROWTH-1 4} runs=${BENCH_RUNS:-5} count=${BENCH_COUNT:-5} n=${BENCH_N:-2000}
	startup=${BENCH_STARTUP:-1} searchruns=$((${BENCH_RUNS:-5} * 4))
fi
gruns=${BENCH_GROWTH_RUNS:-3}
only=${BENCH_ONLY:-}
cache=${BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jiayuan-bench}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timev=()
if /usr/bin/time -v true >/dev/null 2>&1; then timev=(/usr/bin/time -v); fi
log() { echo "bench: $*" >&2; }

log "building jiayuanctl and the benchmark binaries…"
CGO_ENABLED=0 go build -o "$work/jiayuanctl" ./cmd/jiayuanctl
go test -c -o "$work/bench.test" ./scripts/bench
go test -c -o "$work/store.test" ./store
go test -c -o "$work/pdf.test" ./report/pdf
go test -c -o "$work/exchange.test" ./exchange

# The generated city at a scale, made once per generator version.
genhash=$(cat $(ls store/demo/*.go store/bulk.go cmd/jiayuanctl/cmd_gen.go | grep -v _test.go) assets/templates/*.json |
	sha256sum | cut -c1-12)
district=鼓楼区
city() { # $1 scale → prints the directory holding city.db and pk/
	local dir="$cache/scale-$1-$genhash"
	if [ ! -s "$dir/done" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		log "generating the city at scale $1 into $dir (once)…"
		"${timev[@]}" "$work/jiayuanctl" gen --db "$dir/city.db" --scale "$1" --packages "$dir/pk" --package-district "$district" \
			>"$dir/gen.txt" 2>"$dir/gen.err" || { cat "$dir/gen.txt" "$dir/gen.err" >&2; exit 1; }
		echo ok >"$dir/done"
	fi
	echo "$dir"
}

# metric FILE BENCH UNIT: the value of UNIT on BENCH's result line.
metric() {
	awk -v b="$2" -v u="$3" '$1 ~ "^"b"(-[0-9]+)?$" { for (i = 3; i < NF; i++) if ($(i+1) == u) { print $i; exit } }' "$1"
}
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

# run BIN BENCH ITERS [ENV…]: runs one benchmark in its own process; leaves
# its output in $work/BENCH.out and its GNU time report in $work/BENCH.time.
run() {
	local bin=$1 b=$2 iters=$3
	shift 3
	local out="$work/$b.out" tv=()
	[ ${#timev[@]} -eq 0 ] || tv=("${timev[@]}" -o "$work/$b.time")
	if ! env "$@" "${tv[@]}" "$bin" -test.run '^$' -test.bench "^$b\$" -test.benchtime "${iters}x" \
		>"$out" 2>&1; then
		cat "$out" >&2
		failure=$(grep -A1 -- '--- FAIL' "$out" | tail -1 | sed 's/^ *//; s/|/¦/g')
		[ -e "$work/$b.time" ] || : >"$work/$b.time"
		return 1 # the table goes on; the row says what failed
	fi
	[ -e "$work/$b.time" ] || : >"$work/$b.time"
	if grep -q -- '--- SKIP' "$out"; then log "$b skipped: $(grep -A1 -- '--- SKIP' "$out" | tail -1)"; fi
}

rows=()
# row LABEL VALUE BASE UNIT GOAL HEAP_FIG HEAP_BASE RSS_FIG RSS_BASE [CPU_FIG CPU_BASE]
row() {
	rows+=("$(awk -v l="$1" -v a="$2" -v b="$3" -v u="$4" -v g="$5" -v hf="$6" -v hb="$7" -v rf="$8" -v rb="$9" -v cf="${10-}" -v cb="${11-}" 'BEGIN {
		fmt = (a + 0 >= 100) ? "%.0f %s" : "%.2f %s"
		va = (a == "") ? "—" : sprintf(fmt, a, u)
		fmtb = (b + 0 >= 100) ? "%.0f %s" : "%.2f %s"
		vb = (b == "") ? "—" : sprintf(fmtb, b, u)
		r = (a != "" && b != "" && b + 0 > 0) ? sprintf("%.2f×", a / b) : "—"
		h = (hf == "" && hb == "") ? "—" : sprintf("%s / %s", (hf == "" ? "—" : sprintf("%.0f", hf)), (hb == "" ? "—" : sprintf("%.0f", hb)))
		m = (rf == "" && rb == "") ? "—" : sprintf("%s / %s", (rf == "" ? "—" : rf), (rb == "" ? "—" : rb))
		c = (cf == "" && cb == "") ? "—" : sprintf("%s / %s", (cf == "" ? "—" : sprintf(cf + 0 >= 100 ? "%.0f" : "%.1f", cf)), (cb == "" ? "—" : sprintf(cb + 0 >= 100 ? "%.0f" : "%.1f", cb)))
		cr = (cf != "" && cb != "" && cb + 0 > 0) ? sprintf("%.2f×", cf / cb) : "—"
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |", l, va, vb, r, g, c, cr, h, m }')")
}
note() { rows+=("| $1 | — | — | — | $2 | — | — | — | — |"); }

if [ "$only" != growth ]; then
# --- autosave (store) ---------------------------------------------------
log "autosave: $count runs × $n autosaves…"
for b in BenchmarkAutosave BenchmarkBareInsertCommit; do
	: >"$work/$b.all"
	for i in $(seq "$count"); do
		run "$work/store.test" "$b" "$n" || true
		cat "$work/$b.out" >>"$work/$b.all"
		cp "$work/$b.time" "$work/$b.time.$i"
	done
done
med() { # FILE BENCH UNIT → median over the runs in FILE
	awk -v b="$2" -v u="$3" '$1 ~ "^"b"(-[0-9]+)?$" { for (i = 3; i < NF; i++) if ($(i+1) == u) print $i }' "$1" |
		sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'
}
for m in p50 p99; do
	a=$(med "$work/BenchmarkAutosave.all" BenchmarkAutosave "$m-ns/op")
	base=$(med "$work/BenchmarkBareInsertCommit.all" BenchmarkBareInsertCommit "$m-ns/op")
	row "autosave of one answer (SetNote), $m, vs a bare one-row INSERT commit" "$(awk -v x="$a" 'BEGIN { print x / 1e6 }')" \
		"$(awk -v x="$base" 'BEGIN { print x / 1e6 }')" ms "" "" "" "$(rss "$work/BenchmarkAutosave.time.1")" "$(rss "$work/BenchmarkBareInsertCommit.time.1")"
done

fi

# --- the generated city ---------------------------------------------------
dir=$(city "$scale")
db=$dir/city.db pkg="$dir/pk/区-$district.jypkg" pkgdb="$dir/pk/区-$district.db"
communities=$(grep -o '小区 [0-9]* 个' "$dir/gen.txt" | head -1 | tr -dc 0-9)
inspections=$(grep -o '检查记录 [0-9]* 份' "$dir/gen.txt" | head -1 | tr -dc 0-9)
photos=$(grep -o '照片 [0-9]* 张' "$dir/gen.txt" | head -1 | tr -dc 0-9)
envs=(JIAYUAN_BENCH_DB="$db" JIAYUAN_BENCH_PKG="$pkg" JIAYUAN_BENCH_PKGDB="$pkgdb")
gen_s=$(awk -F'): ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$dir/gen.err")
row "generate the city (scale $scale: $communities communities, $inspections inspections, $photos photos; made once, cached)" \
	"$gen_s" "" s "" "" "" "$(rss "$dir/gen.err")" ""

# figure LABEL UNIT GOAL FIG BASE ITERS [SCALE_SUFFIX]: runs both benchmarks, adds a row.
figure() {
	local label=$1 unit=$2 goal=$3 fig=$4 base=$5 iters=$6
	log "$fig vs $base ($iters runs)…"
	if ! run "$work/bench.test" "$fig" "$iters" "${envs[@]}" || { [ -n "$base" ] && ! run "$work/bench.test" "$base" "$iters" "${envs[@]}"; }; then
		note "$label" "failed: $failure"
		return 0
	fi
	local a ha ra ca b="" hb="" rb="" cb=""
	a=$(metric "$work/$fig.out" "$fig" med-ms/op) ha=$(metric "$work/$fig.out" "$fig" peak-heap-MB) ra=$(rss "$work/$fig.time")
	ca=$(metric "$work/$fig.out" "$fig" cpu-ms/op)
	if [ -n "$base" ]; then
		b=$(metric "$work/$base.out" "$base" med-ms/op) hb=$(metric "$work/$base.out" "$base" peak-heap-MB) rb=$(rss "$work/$base.time")
		cb=$(metric "$work/$base.out" "$base" cpu-ms/op)
	fi
	row "$label" "$a" "$b" ms "$goal" "$ha" "$hb" "$ra" "$rb" "$ca" "$cb"
}

if [ "$only" != growth ]; then
# --- merge ------------------------------------------------------------------
pkgrows=$(grep -F "区-$district.jypkg" "$dir/gen.txt" | grep -o '检查记录 [0-9]* 份' | tr -dc 0-9)
figure "import of a district's package ($district, $pkgrows inspections) into an empty office file vs raw INSERT…SELECT of the same rows" \
	ms "≤ 2×" BenchmarkMergeImport BenchmarkMergeBaseline "$runs"
log "exchange's BenchmarkMergeDistrictPackage (synthetic 100-inspection package)…"
run "$work/exchange.test" BenchmarkMergeDistrictPackage "$([ "$smoke" = 1 ] && echo 1 || echo 3)" || true
f="$work/BenchmarkMergeDistrictPackage.out"
row "store.MergePackage alone (exchange/bench_test.go, synthetic 100 inspections) vs raw INSERT…SELECT" \
	"$(metric "$f" BenchmarkMergeDistrictPackage merge-ms/op)" "$(metric "$f" BenchmarkMergeDistrictPackage raw-ms/op)" ms "≤ 2×" "" "" \
	"$(rss "$work/BenchmarkMergeDistrictPackage.time")" ""
if [ "$smoke" != 1 ]; then
	# The package issue 4 names: the same benchmark at full size.
	log "exchange's BenchmarkMergeDistrictPackage at full size (JIAYUAN_BENCH_FULL=1)…"
	run "$work/exchange.test" BenchmarkMergeDistrictPackage 3 JIAYUAN_BENCH_FULL=1 || true
	row "import of issue 4's synthetic package (exchange/bench_test.go, JIAYUAN_BENCH_FULL=1: 1,000 inspections, 20,000 small photos) vs raw INSERT…SELECT of its rows, same process" \
		"$(metric "$f" BenchmarkMergeDistrictPackage import-ms/op)" "$(metric "$f" BenchmarkMergeDistrictPackage raw-ms/op)" ms "≤ 2×" "" "" \
		"$(rss "$work/BenchmarkMergeDistrictPackage.time")" "" \
		"$(metric "$f" BenchmarkMergeDistrictPackage import-cpu-ms/op)" "$(metric "$f" BenchmarkMergeDistrictPackage raw-cpu-ms/op)"
fi

# --- Excel ------------------------------------------------------------------
figure "Excel 汇总表 of the whole city ($communities rows × 46 items) vs StreamWriter, same cells" ms "≤ 1.5×, ≤ 5 s, ≤ 300 MB" \
	BenchmarkExcelSummary BenchmarkExcelSummaryBaseline "$runs"
figure "Excel 汇总表 vs StreamWriter deflating at our workbooks' level (2, not excelize's default 6), same cells" ms "" \
	BenchmarkExcelSummary BenchmarkExcelSummaryBaselineSameZip "$runs"
figure "Excel 汇总表, the first after the upgrade (report cache emptied before each run, filled on the way) vs StreamWriter" ms "" \
	BenchmarkExcelSummaryCold BenchmarkExcelSummaryBaseline "$runs"
figure "Excel 汇总表, writing only (results read before timing) vs StreamWriter, same cells" ms "≤ 1.5×" \
	BenchmarkExcelSummaryWrite BenchmarkExcelSummaryBaseline "$runs"
figure "Excel 整改清单, every action of the city (read and written as jiayuanctl does, each row as it is read) vs StreamWriter, same cells" ms \
	"≤ 1.5×, ≤ 5 s, ≤ 300 MB" BenchmarkExcelActions BenchmarkExcelActionsBaseline "$runs"
figure "Excel 整改清单 vs StreamWriter deflating at our workbooks' level (2), same cells" ms "" \
	BenchmarkExcelActions BenchmarkExcelActionsBaselineSameZip "$runs"
actrows=$(metric "$work/BenchmarkExcelActionsBaseline.out" BenchmarkExcelActionsBaseline rows)
figure "Excel 整改清单, writing only ($actrows rows) vs StreamWriter, same cells" ms "≤ 1.5×" \
	BenchmarkExcelActionsWrite BenchmarkExcelActionsBaseline "$runs"
figure "Excel 答题明细, 50,000 answers (the first communities' latest records, read and written as jiayuanctl xlsx answers does) vs StreamWriter, same cells" ms \
	"≤ 1.5×, ≤ 5 s, ≤ 300 MB" BenchmarkExcelAnswers BenchmarkExcelAnswersBaseline "$runs"
ansrows=$(metric "$work/BenchmarkExcelAnswersBaseline.out" BenchmarkExcelAnswersBaseline rows)
figure "Excel 答题明细, writing only ($ansrows rows) vs StreamWriter, same cells" ms "≤ 1.5×" \
	BenchmarkExcelAnswersWrite BenchmarkExcelAnswersBaseline "$runs"

# --- PDF --------------------------------------------------------------------
log "report/pdf's BenchmarkRecord10Photos vs BenchmarkPlainGofpdf…"
pdfiters=$([ "$smoke" = 1 ] && echo 1 || echo 20)
run "$work/pdf.test" BenchmarkRecord10Photos "$pdfiters" || true
run "$work/pdf.test" BenchmarkPlainGofpdf "$pdfiters" || true
row "PDF of one record with 10 photos (report/pdf/bench_test.go) vs plain gofpdf, same texts and photos" \
	"$(awk -v x="$(metric "$work/BenchmarkRecord10Photos.out" BenchmarkRecord10Photos ns/op)" 'BEGIN { print x / 1e6 }')" \
	"$(awk -v x="$(metric "$work/BenchmarkPlainGofpdf.out" BenchmarkPlainGofpdf ns/op)" 'BEGIN { print x / 1e6 }')" ms "≤ 150 ms" "" "" \
	"$(rss "$work/BenchmarkRecord10Photos.time")" "$(rss "$work/BenchmarkPlainGofpdf.time")"
figure "PDF batch of 500 records into a folder, per record vs plain gofpdf, same records loaded the same way" ms "≤ 150 ms" \
	BenchmarkPDFBatch BenchmarkPDFBatchBaseline "$([ "$smoke" = 1 ] && echo 1 || echo 3)"

# --- search -------------------------------------------------------------------
figure "search, one keystroke: the 小区列表 filtering its rows in memory (FilterCommunityRows) vs a plain scan of the communities" ms "≤ 20 ms" \
	BenchmarkSearchFilter BenchmarkSearchBaseline "$((searchruns * 14))"
row "search, one keystroke, 99th percentile (FilterCommunityRows)" "$(metric "$work/BenchmarkSearchFilter.out" BenchmarkSearchFilter p99-ms/op)" \
	"$(metric "$work/BenchmarkSearchBaseline.out" BenchmarkSearchBaseline p99-ms/op)" ms "≤ 20 ms" "" "" "" ""
figure "search, after a keystroke in the background: has the file changed? (ChangeMark) vs a plain scan" ms "" \
	BenchmarkSearchChangeMark BenchmarkSearchBaseline "$((searchruns * 14))"
figure "search, the query behind it (read again when data change): ListCommunityRows with a search vs a plain scan" ms "" \
	BenchmarkSearchList BenchmarkSearchBaseline "$((searchruns * 14))"
searchp99=$(metric "$work/BenchmarkSearchList.out" BenchmarkSearchList p99-ms/op)
row "search, the query behind it, 99th percentile (ListCommunityRows)" "$searchp99" "$(metric "$work/BenchmarkSearchBaseline.out" BenchmarkSearchBaseline p99-ms/op)" \
	ms "" "" "" "" ""
figure "search, empty box: the whole 小区列表 (ListCommunityRows, every community; what start-up shows) vs a plain scan" ms "≤ 20 ms" \
	BenchmarkSearchWholeList BenchmarkSearchBaseline "$((searchruns * 2))"
figure "search, one keystroke: store.ListCommunities vs a plain scan" ms "≤ 20 ms" BenchmarkSearchCommunities BenchmarkSearchBaseline \
	"$((searchruns * 14))"

# --- start-up -----------------------------------------------------------------
if [ "$startup" = 1 ] && [ -x scripts/startup_bench.sh ] && command -v xvfb-run >/dev/null; then
	log "start-up (scripts/startup_bench.sh on the generated city)…"
	CGO_ENABLED=1 go build -o "$work/jiayuan" ./cmd/jiayuan # this tree's app: the data file has its schema now
	if JIAYUAN_BIN="$work/jiayuan" BENCH_DB="$db" scripts/startup_bench.sh "$runs" >"$work/startup.out" 2>"$work/startup.err"; then
		blank=$(awk -F'|' '/blank Fyne window/ { gsub(/ /, "", $3); print $3 }' "$work/startup.out")
		first=$(awk -F'|' '/exec → first frame/ && !/blank/ { gsub(/ /, "", $3); print $3 }' "$work/startup.out")
		ready=$(awk -F'|' '/list filled/ { gsub(/ /, "", $3); print $3 }' "$work/startup.out")
		row "app start to first frame, $communities communities (scripts/startup_bench.sh, Xvfb) vs a blank Fyne window" "$first" "$blank" ms "≤ 1.2×" "" "" "" ""
		row "app start to the community list filled vs a blank window's first frame" "$ready" "$blank" ms "" "" "" "" ""
	else
		note "app start to first frame" "failed: $(tail -1 "$work/startup.err")"
	fi
elif [ "$startup" = 1 ]; then
	note "app start to first frame" "not measured: scripts/startup_bench.sh or xvfb-run missing"
fi

fi

# --- growth -------------------------------------------------------------------
for s in $growth; do
	[ "$only" != growth ] && [ "$s" = "$scale" ] && continue
	gdir=$(city "$s")
	envs=(JIAYUAN_BENCH_DB="$gdir/city.db" JIAYUAN_BENCH_PKG="$gdir/pk/区-$district.jypkg" JIAYUAN_BENCH_PKGDB="$gdir/pk/区-$district.db")
	gc=$(grep -o '小区 [0-9]* 个' "$gdir/gen.txt" | head -1 | tr -dc 0-9)
	gp=$(grep -F "区-$district.jypkg" "$gdir/gen.txt" | grep -o '检查记录 [0-9]* 份' | tr -dc 0-9)
	figure "growth, scale $s: import of $district's package ($gp inspections) vs raw INSERT…SELECT" ms "≈ $s× scale 1" \
		BenchmarkMergeImport BenchmarkMergeBaseline "$gruns"
	figure "growth, scale $s: Excel 汇总表 ($gc rows) vs StreamWriter" ms "≈ $s× scale 1" BenchmarkExcelSummary BenchmarkExcelSummaryBaseline "$gruns"
	figure "growth, scale $s: search keystroke in memory ($gc communities) vs plain scan" ms "≈ $s× scale 1" BenchmarkSearchFilter \
		BenchmarkSearchBaseline $((14 * 5))
	figure "growth, scale $s: the query behind it, ListCommunityRows ($gc communities) vs plain scan" ms "≈ $s× scale 1" BenchmarkSearchList \
		BenchmarkSearchBaseline $((14 * 5))
	figure "growth, scale $s: the whole 小区列表 ($gc communities) vs plain scan" ms "≈ $s× scale 1" BenchmarkSearchWholeList BenchmarkSearchBaseline 10
done

cat <<EOF

make bench — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), scale $scale, $runs runs (medians)

| figure | value | baseline | ratio | goal | CPU ms (fig / base) | CPU ratio | peak heap MB (fig / base) | max RSS MB (fig / base) |
| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |
EOF
printf '%s\n' "${rows[@]}"
