# Shared by the GUI scripts (screenshots, typing test, smoke test, start-up
# benchmark): a private Xvfb display, a private HOME (so Fyne preferences
# of the person running the script are neither read nor changed), and
# helpers to start bin/jiayuan and wait for it. Source it; it sets
# DISPLAY, HOME and the cleanup trap.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${JIAYUAN_BIN:-$root/bin/jiayuan}
[ -x "$bin" ] || { echo "$bin not found: run make build" >&2; exit 1; }

export LANG=en_US.UTF-8 LC_CTYPE=C.UTF-8
unset LC_ALL LANGUAGE
work=$(mktemp -d -t jiayuan-gui.XXXXXX)
# Keep Go's caches where they are before HOME moves (scripts that build).
if command -v go >/dev/null; then
	GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE) GOPATH=$(go env GOPATH)
	export GOMODCACHE GOCACHE GOPATH
fi
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config
mkdir -p "$HOME"

xvfb_pid="" app_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
	[ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# start_xvfb starts a 1280x800 display on the first free number from :99.
start_xvfb() {
	local d=99
	while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do d=$((d + 1)); done
	Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
	xvfb_pid=$!
	export DISPLAY=":$d"
	for _ in $(seq 100); do
		xdotool getdisplaygeometry >/dev/null 2>&1 && return 0
		kill -0 "$xvfb_pid" 2>/dev/null || { echo "Xvfb :$d failed to start" >&2; exit 1; }
		sleep 0.1
	done
	echo "Xvfb :$d did not answer" >&2
	exit 1
}

# set_language zh-CN|en writes the UI language into the private Fyne
# preferences, as 设置 would.
set_language() {
	local dir=$XDG_CONFIG_HOME/fyne/cn.gov.jiayuan.inspect
	mkdir -p "$dir"
	printf '{"ui.language":"%s"}\n' "$1" >"$dir/preferences.json"
}

# start_app LOG ARGS... starts bin/jiayuan with --trace-startup and waits
# until its first screen shows its data; it sets app_pid and win (the
# window id).
start_app() {
	local log=$1
	shift
	"$bin" --trace-startup "$@" >"$log" 2>&1 &
	app_pid=$!
	for _ in $(seq 1200); do
		grep -q '^startup: ready' "$log" 2>/dev/null && break
		kill -0 "$app_pid" 2>/dev/null || { echo "jiayuan exited; output:" >&2; cat "$log" >&2; exit 1; }
		sleep 0.1
	done
	grep -q '^startup: ready' "$log" || { echo "jiayuan did not get ready; output:" >&2; cat "$log" >&2; exit 1; }
	win=$(timeout 30 xdotool search --sync --onlyvisible --name '^(家园巡检|Jiayuan Inspect)$' | head -1)
	[ -n "$win" ] || { echo "no window; output:" >&2; cat "$log" >&2; exit 1; }
}

# stop_app ends the app started by start_app.
stop_app() {
	if [ -n "$app_pid" ]; then
		kill "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
		app_pid=""
	fi
}

# app_errors prints the lines of a log that report an error (Fyne's
# "Fyne error", panics, our "jiayuan:" errors). Left out: Fyne's
# "Preferences load error", a race inside Fyne 2.7 (app/preferences.go
# truncates and rewrites preferences.json while its own file watcher may
# read it back half written); it loses nothing, the values are in memory.
app_errors() {
	grep -E 'Fyne error|panic|jiayuan: |fatal|SIGSEGV' "$1" | grep -v 'Preferences load error' || true
}
