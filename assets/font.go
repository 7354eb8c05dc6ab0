package assets

import _ "embed"

// FontTTF is WenQuanYi Micro Hei (文泉驿微米黑) as a single TrueType font
// with glyf outlines, covering Chinese and Latin text. It is face 0 of the
// Debian wqy-microhei.ttc collection: Fyne cannot use a collection and the
// PDF writer cannot use CFF outlines. The PDF writer uses this file; the
// screen uses FontScreen. See fonts/README.md and fonts/LICENSE.
//
//go:embed fonts/wqy-microhei.ttf
var FontTTF []byte

// FontScreen is the same font with its outlines as (subroutinized) CFF,
// made from FontTTF by fonts/make_cff.py, for the screen: Fyne's text
// library reads every TrueType outline when it loads a font (about 20 ms
// for this one, once per text style, before the first frame) but a CFF
// outline only when its glyph is drawn (the font loads in about 4 ms).
// Same characters, metrics and shapes.
//
//go:embed fonts/wqy-microhei-cff.otf
var FontScreen []byte
