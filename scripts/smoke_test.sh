#!/usr/bin/env bash
# Smoke test of the real desktop app, run by `make test`: starts bin/jiayuan
# under a private Xvfb display on a new data file (which it fills with the
# demo city), checks that the window appears and draws its first screen
# with data within a time limit, that the screenshot is not blank, and that
# the app logs no error. A font that makes Fyne panic, a broken
# translation, a failing store: each fails here, not on a user's laptop.
#
# Needs xvfb, xdotool and imagemagick (make deps-test) and bin/jiayuan.
set -euo pipefail
source "$(dirname "$0")/lib_xvfb.sh"
start_xvfb
db=$work/smoke.db
log=$work/app.log
shot=$work/first-screen.png

start=$(date +%s%N)
start_app "$log" --db "$db"
ready_ms=$((($(date +%s%N) - start) / 1000000))
sleep 1
import -window "$win" "$shot"
kill -0 "$app_pid" || { echo "smoke: the app died after its first screen" >&2; cat "$log" >&2; exit 1; }
stop_app

colours=$(convert "$shot" -format '%k' info:)
spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
errs=$(app_errors "$log")
fail=0
[ "$colours" -ge 50 ] || { echo "smoke: the first screen looks blank ($colours colours)" >&2; fail=1; }
awk -v s="$spread" 'BEGIN { exit !(s > 0.05) }' || { echo "smoke: the first screen looks blank (spread $spread)" >&2; fail=1; }
grep -q '^startup: first-frame' "$log" || { echo "smoke: no frame was drawn" >&2; fail=1; }
[ -z "$errs" ] || { echo "smoke: the app logged errors:" >&2; echo "$errs" >&2; fail=1; }
rows=$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM communities" 2>/dev/null || echo 0)
[ "$rows" -gt 0 ] || { echo "smoke: no demo data written" >&2; fail=1; }
if [ "$fail" -ne 0 ]; then
	cp "$shot" "${SMOKE_SHOT:-/tmp/jiayuan-smoke-failed.png}" 2>/dev/null || true
	echo "--- app output ---" >&2
	cat "$log" >&2
	exit 1
fi
echo "smoke: PASS — window drawn with data in ${ready_ms} ms (demo city of $rows communities written first), $colours colours, no errors logged"
