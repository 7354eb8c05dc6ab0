#!/usr/bin/env bash
# Builds the installable files into dist/ (run by `make dist`, which first
# installs the Debian packages this needs):
#
#   jiayuan-VERSION-linux-amd64.tar.xz    `fyne package` tarball: bin, .desktop
#                                         entry, icon and a Makefile (sudo make install)
#   jiayuan-VERSION-windows-amd64.exe     the app for Windows, cross-compiled with
#                                         mingw-w64: GUI subsystem, icon, version info
#   jiayuanctl-VERSION-linux-amd64        the headless tool, pure Go (CGO_ENABLED=0)
#   jiayuanctl-VERSION-windows-amd64.exe
#   SHA256SUMS
#
# VERSION comes from git: `git describe --tags` when the history has a v*
# tag, otherwise vX.Y.Z-N-gHASH with X.Y.Z from FyneApp.toml and N the
# commit count; "-dirty" when the working tree has changes. It is stamped
# into both programs with -ldflags -X main.version (设置 → 关于,
# jiayuanctl version).
#
# Tools are pinned and fetched through the Go module proxy:
# fyne.io/tools (fyne package) and github.com/tc-hib/go-winres (the .exe's
# icon, version and manifest as a .syso resource). Timings go to stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GO=${GO:-go}
FYNE_TOOL=fyne.io/tools/cmd/fyne@v1.7.4
WINRES_TOOL=github.com/tc-hib/go-winres@v0.3.3
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
out=$root/dist
build=$out/build

# Version from git and FyneApp.toml.
base=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' FyneApp.toml | head -1)
base=${base:-0.0.0}
if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
	version="v$base-nogit" build_no=0 # a source tree without its history
elif desc=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
	version=$desc build_no=$(git rev-list --count HEAD)
else
	build_no=$(git rev-list --count HEAD)
	version="v$base-$build_no-g$(git rev-parse --short=7 HEAD)"
	git diff --quiet HEAD -- 2>/dev/null || version="$version-dirty"
fi
# Windows version resources and `fyne package` want numbers only.
numver="$base.$build_no"
echo "dist: version $version (file version $numver)"

rm -rf "$out"
mkdir -p "$build/linux" "$build/windows"
ldflags="-s -w -X main.version=$version"
timed() { # LABEL CMD...
	local label=$1 s=$SECONDS
	shift
	"$@"
	echo "dist: $label: $(( SECONDS - s )) s"
}

# Linux: build the binary ourselves (go's build cache applies; `fyne package`
# would rebuild from scratch with its own flags), then let `fyne package
# --executable` lay out the tarball from FyneApp.toml.
timed "linux app build" env CGO_ENABLED=1 GOOS=linux GOARCH=amd64 \
	"$GO" build -trimpath -ldflags "$ldflags" -o "$build/linux/jiayuan" ./cmd/jiayuan
# fyne package rewrites FyneApp.toml (drops its comments, bumps Build):
# keep the committed one.
cp FyneApp.toml "$build/FyneApp.toml"
trap 'cp "$build/FyneApp.toml" "$root/FyneApp.toml"' EXIT
timed "linux fyne package" "$GO" run "$FYNE_TOOL" package -os linux --release \
	--executable "$build/linux/jiayuan" --icon assets/icon.png \
	--app-version "$base" --app-build "$build_no"
cp "$build/FyneApp.toml" "$root/FyneApp.toml"
trap - EXIT
mv "$root/家园巡检.tar.xz" "$out/jiayuan-$version-linux-amd64.tar.xz"

# Windows: the .syso resource (icon, version info, manifest asking for the
# common controls and per-monitor DPI awareness) goes next to main.go only
# for the build; the _windows_amd64 suffix keeps other builds from using it.
syso=$root/cmd/jiayuan/rsrc_windows_amd64.syso
trap 'rm -f "$syso"' EXIT
(cd "$build/windows" && timed "windows resource" "$GO" run "$WINRES_TOOL" simply \
	--arch amd64 --out rsrc --icon "$root/assets/icon.png" --manifest gui \
	--product-name "家园巡检" --file-description "家园巡检" \
	--product-version "$version" --file-version "$numver" \
	--original-filename jiayuan.exe --copyright "家园巡检")
mv "$build/windows/rsrc_windows_amd64.syso" "$syso"
timed "windows app build" env CC="$MINGW_CC" CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
	"$GO" build -trimpath -ldflags "$ldflags -H=windowsgui" \
	-o "$out/jiayuan-$version-windows-amd64.exe" ./cmd/jiayuan
rm -f "$syso"

# jiayuanctl: pure Go for both.
timed "jiayuanctl linux" env CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
	"$GO" build -trimpath -ldflags "$ldflags" -o "$out/jiayuanctl-$version-linux-amd64" ./cmd/jiayuanctl
timed "jiayuanctl windows" env CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
	"$GO" build -trimpath -ldflags "$ldflags" -o "$out/jiayuanctl-$version-windows-amd64.exe" ./cmd/jiayuanctl

rm -rf "$build"
(cd "$out" && sha256sum -- * >SHA256SUMS)
ls -l "$out"
