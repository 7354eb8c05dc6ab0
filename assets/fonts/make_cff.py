#!/usr/bin/python3
"""Writes wqy-microhei-cff.otf: wqy-microhei.ttf with its TrueType outlines
(glyf) turned into subroutinized CFF outlines, for the screen only.

Why: Fyne's text library (go-text) reads every glyf outline of a TrueType
font when it loads it (about 20 ms for this font's 49,531 glyphs, once per
text style), but reads a CFF font's outlines only when a glyph is drawn
(about 4 ms to load); see docs/PERFORMANCE.md (start-up). The PDF writer
still needs the TrueType file, which stays as it is.

Every other table (cmap, metrics, names, GSUB/GPOS) is kept unchanged; the
quadratic outlines become cubic ones exactly, with coordinates rounded to
font units (1/2048 em). Needs Debian's python3-fonttools and python3-cffsubr
(which brings afdko's tx). Takes about two minutes:

    /usr/bin/python3 assets/fonts/make_cff.py
"""
import os

import cffsubr
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

here = os.path.dirname(os.path.abspath(__file__))
font = TTFont(os.path.join(here, "wqy-microhei.ttf"))
glyphs = font.getGlyphSet()
hmtx = font["hmtx"]
charstrings = {}
for name in font.getGlyphOrder():
    pen = T2CharStringPen(hmtx[name][0], glyphs)
    glyphs[name].draw(pen)
    charstrings[name] = pen.getCharString()

builder = FontBuilder(font["head"].unitsPerEm, isTTF=False)
builder.font = font  # keep every other table as it is
builder.setupCFF(
    psName="WenQuanYiMicroHei",
    fontInfo={"FullName": "WenQuanYi Micro Hei"},
    charStringsDict=charstrings,
    privateDict={},
)
for tag in ("glyf", "loca", "fpgm", "prep", "cvt ", "gasp"):
    if tag in font:
        del font[tag]
font["maxp"].tableVersion = 0x00005000
font.sfntVersion = "OTTO"
cffsubr.subroutinize(font)
font.save(os.path.join(here, "wqy-microhei-cff.otf"))
