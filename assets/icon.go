package assets

import _ "embed"

// IconPNG is the 512×512 application icon: a green house with a white check
// mark. FyneApp.toml points at the same file for `fyne package`.
//
//go:embed icon.png
var IconPNG []byte
