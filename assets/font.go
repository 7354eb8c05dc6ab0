package assets

import _ "embed"

// FontTTF is WenQuanYi Micro Hei (文泉驿微米黑) as a single TrueType font
// with glyf outlines, covering Chinese and Latin text. It is face 0 of the
// Debian wqy-microhei.ttc collection: Fyne cannot use a collection and the
// PDF writer cannot use CFF outlines. See fonts/README.md and fonts/LICENSE.
//
//go:embed fonts/wqy-microhei.ttf
var FontTTF []byte
