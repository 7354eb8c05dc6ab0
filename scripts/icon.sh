#!/usr/bin/env bash
# Redraws assets/icon.png (512×512, a green house with a white check mark)
# with ImageMagick 6. Usage: scripts/icon.sh [OUT.png]
set -euo pipefail
out=${1:-"$(dirname "$0")/../assets/icon.png"}
convert -size 512x512 xc:none \
  -fill '#2e7d32' -stroke '#2e7d32' -strokewidth 24 \
  -draw "stroke-linejoin round polygon 256,44 476,236 36,236" \
  -draw "roundrectangle 92,206 420,472 28,28" \
  -draw "rectangle 352,70 402,170" \
  -fill none -stroke white -strokewidth 46 \
  -draw "stroke-linecap round stroke-linejoin round polyline 166,342 232,406 352,270" \
  -strip "PNG32:$out"
