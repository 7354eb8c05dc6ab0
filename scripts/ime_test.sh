#!/usr/bin/env bash
# Real input method test (optional, not in make test): under a private Xvfb
# display, starts fcitx5 with its pinyin engine and XIM frontend, starts
# the real app with XMODIFIERS=@im=fcitx, types pinyin into the note of
# the first checklist item with xdotool (e.g. "loudao" then space picks
# the first candidate, 楼道), and reads the note back from the data file.
#
# Usage: scripts/ime_test.sh [PINYIN [EXPECTED]]   (default: loudao 楼道)
# Needs, besides what typing_test.sh needs: fcitx5 and fcitx5-chinese-addons
# (Debian packages: apt-get install --no-install-recommends fcitx5
# fcitx5-chinese-addons; dbus-daemon comes with them). SHOT=FILE.png saves
# the screen while the pinyin is being typed.
set -euo pipefail
source "$(dirname "$0")/lib_xvfb.sh"
pinyin=${1:-loudao}
want=${2:-楼道}
for tool in fcitx5 dbus-daemon; do
	command -v "$tool" >/dev/null || { echo "ime_test: $tool not found: apt-get install fcitx5 fcitx5-chinese-addons" >&2; exit 2; }
done
start_xvfb
db=$work/ime.db
log=$work/app.log

# fcitx5's profile: one group, the US keyboard and pinyin; the input
# method is active in every new input context (ActiveByDefault), so no
# trigger key is needed.
mkdir -p "$XDG_CONFIG_HOME/fcitx5"
cat >"$XDG_CONFIG_HOME/fcitx5/profile" <<'PROFILE'
[Groups/0]
Name=Default
Default Layout=us
DefaultIM=pinyin

[Groups/0/Items/0]
Name=keyboard-us
Layout=

[Groups/0/Items/1]
Name=pinyin
Layout=

[GroupOrder]
0=Default
PROFILE
cat >"$XDG_CONFIG_HOME/fcitx5/config" <<'CONFIG'
[Behavior]
ActiveByDefault=True
ShareInputState=All
CONFIG

# A private D-Bus session for fcitx5 and the app (dbus-daemon, not
# dbus-launch: the dbus-x11 package that brings dbus-launch also makes
# every X program without a session bus start one of its own that stays).
{ read -r DBUS_SESSION_BUS_ADDRESS && read -r dbus_pid; } < <(dbus-daemon --session --fork --print-address=1 --print-pid=1)
export DBUS_SESSION_BUS_ADDRESS
fcitx_pid=""
stop_fcitx() {
	[ -n "$fcitx_pid" ] && kill "$fcitx_pid" 2>/dev/null && wait "$fcitx_pid" 2>/dev/null
	[ -n "${dbus_pid:-}" ] && kill "$dbus_pid" 2>/dev/null
	cleanup
}
trap stop_fcitx EXIT
fcitx5 --disable=wayland,waylandim,kimpanel,notificationitem,notifications >"$work/fcitx5.log" 2>&1 &
fcitx_pid=$!
sleep 3
kill -0 "$fcitx_pid" 2>/dev/null || { echo "ime_test: fcitx5 did not start:" >&2; cat "$work/fcitx5.log" >&2; exit 1; }
export XMODIFIERS=@im=fcitx

"$root/bin/jiayuanctl" demo --db "$db" --communities 20 >/dev/null
draft=$(sqlite3 -readonly "$db" "SELECT id FROM inspections WHERE status = 'draft' ORDER BY started_at DESC LIMIT 1")
start_app "$log" --db "$db" --screen=inspect --inspection="$draft"
sleep 1
xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus --sync "$win"
xdotool key --window "$win" Return # to the note of item 1.1
sleep 0.3
xdotool key ctrl+a
sleep 0.3
xdotool type --delay "${TYPE_DELAY:-150}" "$pinyin"
sleep 0.5
[ -n "${SHOT:-}" ] && import -window root "$SHOT"
xdotool key space # the first candidate
sleep 0.5
xdotool key Return # leaves the note: saved
sleep 1
stop_app
got=$(sqlite3 -readonly "$db" "SELECT note FROM answers WHERE inspection_id = '$draft' AND item_code = '1.1'")
errs=$(app_errors "$log")
if [ "$got" = "$want" ] && [ -z "$errs" ]; then
	echo "ime_test: PASS — typed \"$pinyin\" + space through fcitx5 (pinyin, XIM); the data file holds 「$got」"
	exit 0
fi
echo "ime_test: FAIL — typed \"$pinyin\" + space through fcitx5; the data file holds 「$got」 (want 「$want」)" >&2
[ -z "$errs" ] || { echo "app errors:" >&2; echo "$errs" >&2; }
[ -n "${KEEP_WORK:-}" ] && { echo "fcitx5 log:" >&2; cat "$work/fcitx5.log" >&2; }
exit 1
