#!/usr/bin/env bash
# Start-up benchmark of the desktop app: time from exec to the first drawn
# frame of bin/jiayuan on a data file of 5,000 communities, against a blank
# Fyne window built and measured in the same run, on the same private Xvfb
# display. Also the time until the community list shows its data.
#
# Usage: scripts/startup_bench.sh [RUNS]   (default 7, after one warm-up each)
# Environment:
#   BENCH_DB           data file to use; made once with 5,000 demo
#                      communities if missing (about 4 minutes) and kept
#   BENCH_COMMUNITIES  communities in a new BENCH_DB (default 5000)
#   BENCH_BEFORE       another build of jiayuan (e.g. the commit before a
#                      change) measured in the same rounds, for before/after
# Needs xvfb and xdotool (make deps-test), bin/jiayuan and Go.
set -euo pipefail
source "$(dirname "$0")/lib_xvfb.sh"
runs=${1:-7}
n=${BENCH_COMMUNITIES:-5000}
db=${BENCH_DB:-/tmp/jiayuan-bench-$n.db}
start_xvfb

# The blank window: Fyne's default app with one window and nothing in it
# but the same 1×1 probe that tells when a frame is drawn.
blank_dir=$(mktemp -d "$root/.startup-blank.XXXXXX")
trap 'rm -rf "$blank_dir"; cleanup' EXIT
cat >"$blank_dir/main.go" <<'EOF'
package main

import (
	"fmt"
	"image"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
)

// trace prints what jiayuan's --trace-startup prints: the phase, the wall
// clock (ms since the epoch) and the CPU time used so far (ms).
func trace(phase string) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("startup: %s %d %d\n", phase, time.Now().UnixMilli(), (ru.Utime.Nano()+ru.Stime.Nano())/1e6)
}

func main() {
	trace("main")
	a := app.New()
	w := a.NewWindow("blank")
	trace("window")
	var once sync.Once
	w.SetContent(canvas.NewRaster(func(int, int) image.Image {
		once.Do(func() { trace("first-frame") })
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	}))
	w.Resize(fyne.NewSize(1180, 760))
	trace("show")
	w.ShowAndRun()
}
EOF
(cd "$root" && CGO_ENABLED=1 go build -o "$blank_dir/blank" "./$(basename "$blank_dir")")

if [ ! -s "$db" ]; then
	echo "making $db with $n demo communities (once; set BENCH_DB to keep it elsewhere)…" >&2
	if [ -x "$root/bin/jiayuanctl" ]; then
		"$root/bin/jiayuanctl" demo --db "$db" --communities "$n" >/dev/null
	else
		start_app "$work/prep.log" --db "$db" --demo-communities "$n"
		stop_app
	fi
fi
count=$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM communities")

# run_once WHO LOG CMD... prints "first-frame-ms ready-ms" (ready is - for
# the blank window) measured from just before exec, and adds the phases
# that CMD printed to $work/phases under WHO.
run_once() {
	local who=$1 log=$2
	shift 2
	local t0 ff rd
	: >"$log" # before the start: the wait below must not read the last run's log
	t0=$(date +%s%3N)
	"$@" >"$log" 2>&1 &
	app_pid=$!
	for _ in $(seq 600); do
		if grep -q '^startup: first-frame' "$log" && { [ "$who" = blank ] || grep -q '^startup: ready' "$log"; }; then
			break
		fi
		sleep 0.02
	done
	ff=$(awk '/^startup: first-frame/ { print $3 }' "$log")
	rd=$(awk '/^startup: ready/ { print $3 }' "$log")
	stop_app
	[ -n "$ff" ] || { echo "no frame drawn:" >&2; cat "$log" >&2; exit 1; }
	# Every phase --trace-startup printed: ms since exec, CPU ms.
	awk -v t0="$t0" -v who="$who" '/^startup: / { print who, $2, $3 - t0, $4 }' "$log" >>"$work/phases"
	echo "$((ff - t0)) $([ -n "$rd" ] && echo $((rd - t0)) || echo -)"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

run_once blank "$work/b.log" "$blank_dir/blank" >/dev/null # warm-up
run_once jiayuan "$work/a.log" "$bin" --trace-startup --db "$db" >/dev/null
progs="blank jiayuan"
if [ -n "${BENCH_BEFORE:-}" ]; then
	run_once before "$work/c.log" "$BENCH_BEFORE" --trace-startup --db "$db" >/dev/null
	progs="blank before jiayuan"
fi
: >"$work/phases"
for i in $(seq "$runs"); do
	line="run $i:"
	for who in $progs; do
		case $who in
		blank) cmd=("$blank_dir/blank") ;;
		before) cmd=("$BENCH_BEFORE" --trace-startup --db "$db") ;;
		jiayuan) cmd=("$bin" --trace-startup --db "$db") ;;
		esac
		read -r f r < <(run_once "$who" "$work/$who.log" "${cmd[@]}")
		line="$line $who first frame ${f} ms"
		[ "$r" = - ] || line="$line, list of $count shown ${r} ms"
		line="$line;"
	done
	echo "$line" >&2
done

# phase WHO NAME COLUMN: the median of a phase (column 3: ms since exec,
# 4: CPU ms).
# "-" when it was not printed (a build whose --trace-startup printed less).
phase() {
	local m
	m=$(awk -v w="$1" -v p="$2" -v c="$3" '$1 == w && $2 == p && $c != "" { print $c }' "$work/phases" | median)
	echo "${m:--}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
mb=$(phase blank first-frame 3)
cb=$(phase blank first-frame 4)
echo "| measure (median of $runs runs, Xvfb 1280×800, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)) | ms | × blank | CPU ms | CPU × blank |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| blank Fyne window: exec → first frame | $mb | 1.00 | $cb | 1.00 |"
for who in $progs; do
	[ "$who" = blank ] && continue
	name="jiayuan, $count communities"
	[ "$who" = before ] && name="BENCH_BEFORE, $count communities"
	ma=$(phase "$who" first-frame 3)
	ca=$(phase "$who" first-frame 4)
	mr=$(phase "$who" ready 3)
	cr=$(phase "$who" ready 4)
	echo "| $name: exec → first frame | $ma | $(ratio "$ma" "$mb") | $ca | $(ratio "$ca" "$cb") |"
	echo "| $name: exec → list filled (ready) | $mr | $(ratio "$mr" "$mb") | $cr | $(ratio "$cr" "$cb") |"
done

echo
echo "phases (--trace-startup; the blank window's: main, window, show, first-frame), medians since exec:"
printf '  %-8s %-14s %8s %8s\n' "" phase "wall ms" "CPU ms"
for who in $progs; do
	for p in $(awk -v w="$who" '$1 == w { print $2 }' "$work/phases" | sort -u); do
		echo "$(phase "$who" "$p" 3) $(phase "$who" "$p" 4) $p"
	done | sort -n | awk -v w="$who" '{ printf "  %-8s %-14s %8s %8s\n", w, $3, $1, $2 }'
done
