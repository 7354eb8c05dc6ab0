#!/usr/bin/env bash
# Saves a PNG of each main screen of the real app, running on demo data
# under a private Xvfb display, into docs/screenshots/ (or $1), and the
# checklist screen as docs/screenshot.png for the README.
#
# Usage: scripts/screenshots.sh [OUT_DIR]
# Needs xvfb, xdotool, imagemagick and sqlite3 (make deps-test) and
# bin/jiayuan (make build).
set -euo pipefail
# Go's caches, before lib_xvfb.sh gives the app a private HOME.
gocache=$(go env GOCACHE) gomodcache=$(go env GOMODCACHE)
source "$(dirname "$0")/lib_xvfb.sh"
out=${1:-$root/docs/screenshots}
mkdir -p "$out"
start_xvfb

db=$work/demo.db
log=$work/app.log

# The first start fills the demo city.
start_app "$log" --db "$db"
stop_app
q() { sqlite3 -readonly "$db" "$1"; }
# A community with a finalized inspection and open corrective actions; a
# finalized inspection with a veto; the newest draft with most answers.
community=$(q "SELECT community_id FROM corrective_actions GROUP BY community_id ORDER BY COUNT(*) DESC, community_id LIMIT 1")
vetoed=$(q "SELECT i.id FROM inspections i JOIN inspection_scores s ON s.inspection_id = i.id
	WHERE i.status = 'finalized' AND s.vetoes > 0 ORDER BY i.started_at DESC LIMIT 1")
draft=$(q "SELECT i.id FROM inspections i JOIN inspection_scores s ON s.inspection_id = i.id
	WHERE i.status = 'draft' ORDER BY s.judged DESC, i.started_at DESC LIMIT 1")

# sign_pads types the representative's name and signs both pads with the
# mouse, as a person would (coordinates are the finalize screen's at the
# default window size).
sign_pads() {
	xdotool mousemove --window "$win" 950 280 click 1
	xdotool type --delay 80 "王经理"
	local y
	for y in 410 595; do
		xdotool mousemove --window "$win" 760 "$y" mousedown 1
		for p in "790 $((y - 30))" "815 $((y + 10))" "840 $((y - 35))" "870 $((y + 5))" "900 $((y - 20))" "935 $((y + 8))" "980 $((y - 10))"; do
			xdotool mousemove --window "$win" $p
			sleep 0.05
		done
		xdotool mouseup 1
	done
}

shot() { # NAME ARGS...
	local name=$1
	shift
	start_app "$log" --db "$db" "$@"
	sleep "${SHOT_DELAY:-1.5}"
	[ "$name" != finalize ] || { sign_pads; sleep 0.5; }
	# 开始导入 (the button's place at the default window size), then wait
	# for the results.
	[ "$name" != exchange-import ] || { xdotool mousemove --window "$win" 498 186 click 1; sleep 3; }
	import -window "$win" "$out/$name.png"
	local errs
	errs=$(app_errors "$log")
	[ -z "$errs" ] || { echo "$name: the app logged errors:" >&2; echo "$errs" >&2; exit 1; }
	stop_app
	echo "$out/$name.png"
}

shot communities --screen=communities
shot community --screen=community --community="$community"
shot inspect --screen=inspect --inspection="$draft" --item=8.1
veto_item=$(q "SELECT a.item_code FROM answers a WHERE a.inspection_id = '$vetoed' AND a.result = 'fail' ORDER BY a.item_code LIMIT 1")
shot inspect-veto --screen=inspect --inspection="$vetoed" --item="${veto_item:-1.1}"
shot finalize --screen=finalize --inspection="$draft"
shot actions --screen=actions
shot settings --screen=settings
# 第一次启动 (the first-run dialog over the list; the manual shows it)
shot welcome --screen=welcome

# 导入导出: two inspectors' data files next to the demo (one trusted, one
# not; the trusted one edited two communities the office edited too), their
# packages and a damaged copy; importing them makes the conflicts.
mapfile -t packages < <(cd "$root" && GOCACHE=$gocache GOMODCACHE=$gomodcache go run ./scripts/exchangefixture --db "$db" --out "$work")
shot exchange-export --screen=export
shot exchange-import --screen=import "${packages[@]}"
shot exchange-conflicts --screen=conflicts
shot exchange-devices --screen=devices
shot exchange-history --screen=history
# 检查任务: assignments in every state (scripts/assignfixture).
(cd "$root" && GOCACHE=$gocache GOMODCACHE=$gomodcache go run ./scripts/assignfixture --db "$db" >/dev/null)
shot assignments --screen=assignments
# 报表: exports, batch printing and the Excel imports.
shot reports --screen=reports
set_language en
shot inspect-en --screen=inspect --inspection="$draft" --item=11.1
shot reports-en --screen=reports
set_language zh-CN

if [ -z "${1:-}" ]; then
	cp "$out/inspect.png" "$root/docs/screenshot.png"
	echo "$root/docs/screenshot.png"
fi
