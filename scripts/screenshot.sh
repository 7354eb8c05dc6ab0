#!/usr/bin/env bash
# Takes a screenshot of the desktop app on a private Xvfb display.
#
# Usage: scripts/screenshot.sh OUT.png [jiayuan args...]
#   e.g. scripts/screenshot.sh /tmp/shot.png --db /tmp/demo.db
#
# Needs xvfb, xdotool and imagemagick (make deps-test) and bin/jiayuan
# (make build). Environment:
#   JIAYUAN_BIN     binary to run (default bin/jiayuan)
#   SHOT_LANGUAGE   UI language, as $LANGUAGE (default zh_CN; "en" for English)
#   SHOT_DELAY      seconds to wait after the window appears (default 2)
set -euo pipefail

if [ $# -lt 1 ]; then
	echo "usage: $0 OUT.png [jiayuan args...]" >&2
	exit 2
fi
out=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${JIAYUAN_BIN:-$root/bin/jiayuan}
[ -x "$bin" ] || { echo "$bin not found: run make build" >&2; exit 1; }

export LANG=en_US.UTF-8 LC_CTYPE=C.UTF-8 LANGUAGE=${SHOT_LANGUAGE:-zh_CN}
unset LC_ALL

# First free display from :99 up.
d=99
while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do d=$((d + 1)); done

log=$(mktemp -t jiayuan-shot.XXXXXX)
xvfb_pid="" app_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
	rm -f "$log"
}
trap cleanup EXIT

Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=":$d"
for _ in $(seq 100); do
	xdotool getdisplaygeometry >/dev/null 2>&1 && break
	kill -0 "$xvfb_pid" 2>/dev/null || { echo "Xvfb :$d failed to start" >&2; exit 1; }
	sleep 0.1
done

"$bin" "$@" >"$log" 2>&1 &
app_pid=$!
if ! timeout 60 xdotool search --sync --onlyvisible --name '^(家园巡检|Jiayuan Inspect)$' >/dev/null; then
	echo "no window appeared; app output:" >&2
	cat "$log" >&2
	exit 1
fi
sleep "${SHOT_DELAY:-2}"
import -window root "$out"
echo "screenshot: $out"
