#!/usr/bin/env bash
# One app per data file, with two real processes (make test): while
# bin/jiayuan has a data file open, a second bin/jiayuan on the same file
# shows a window saying so (in Chinese, naming the process) and does not
# open the file — its audit log does not move — while jiayuanctl's reading
# commands (verify, list) still work. Once the first app has quit, the file
# opens again at once.
#
# Needs xvfb and xdotool (make deps-test), bin/jiayuan and bin/jiayuanctl.
set -euo pipefail
source "$(dirname "$0")/lib_xvfb.sh"
ctl=${JIAYUANCTL_BIN:-$root/bin/jiayuanctl}
start_xvfb
db=$work/shared.db
first=$work/first.log second=$work/second.log

"$ctl" demo --db "$db" --communities 8 >/dev/null # small: the app need not write the demo city
start_app "$first" --db "$db"
audit_before=$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM audit_log")

"$bin" --db "$db" >"$second" 2>&1 &
second_pid=$!
for _ in $(seq 200); do
	grep -q '数据文件正被另一个家园巡检程序使用' "$second" && break
	sleep 0.1
done
fail=0
grep -q "数据文件正被另一个家园巡检程序使用（进程 $app_pid）" "$second" ||
	{ echo "second-instance: the second app did not say the file is open in process $app_pid" >&2; fail=1; }
sleep 2
kill -0 "$second_pid" 2>/dev/null || { echo "second-instance: the second app did not stay to show the message" >&2; fail=1; }
windows=$(timeout 20 xdotool search --sync --limit 2 --onlyvisible --name '^(家园巡检|Jiayuan Inspect)$' | wc -l)
[ "$windows" -ge 2 ] || { echo "second-instance: no message window ($windows windows)" >&2; fail=1; }
kill "$second_pid" 2>/dev/null || true
wait "$second_pid" 2>/dev/null || true

"$ctl" verify --db "$db" >/dev/null || { echo "second-instance: jiayuanctl verify failed while the app runs" >&2; fail=1; }
"$ctl" list communities --db "$db" >/dev/null || { echo "second-instance: jiayuanctl list failed while the app runs" >&2; fail=1; }
kill -0 "$app_pid" 2>/dev/null || { echo "second-instance: the first app died" >&2; fail=1; }
audit_after=$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM audit_log")
[ "$audit_before" = "$audit_after" ] || { echo "second-instance: the data file changed ($audit_before → $audit_after audit entries)" >&2; fail=1; }
first_pid=$app_pid
stop_app

# The lock went with the first app: the file opens again.
start_app "$work/third.log" --db "$db"
stop_app
if [ "$fail" -ne 0 ]; then
	echo "--- first app ---" >&2; cat "$first" >&2
	echo "--- second app ---" >&2; cat "$second" >&2
	exit 1
fi
echo "second-instance: PASS — the second window said the file is open in process $first_pid and left it alone; jiayuanctl verify and list worked meanwhile; the file opened again after the first app quit"
