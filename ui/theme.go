package ui

import (
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/jiayuan-inspect/jiayuan/assets"
)

// appTheme is Fyne's default theme in its light variant
// with the bundled WenQuanYi Micro Hei font for text, so Chinese renders on
// machines that have no CJK font installed.
type appTheme struct {
	base fyne.Theme
	text fyne.Resource
}

var _ fyne.Theme = (*appTheme)(nil)

// NewTheme returns the application theme: the default colours, icons and
// sizes, and the embedded CJK font for regular, bold, italic and monospace
// text. The font has a single weight, so bold and italic text look like
// regular text. Symbol text (the ⌘ ⌥ ⇧ of menu shortcuts) keeps Fyne's
// symbol font, which has those glyphs where the CJK font lacks some.
func NewTheme() fyne.Theme {
	return &appTheme{
		base: theme.DefaultTheme(),
		text: fyne.NewStaticResource("wqy-microhei.ttf", assets.FontTTF),
	}
}

// LoadFonts starts loading the theme's font for regular and bold text into
// Fyne's font cache, each on its own goroutine, and returns a function that
// waits until both are loaded. Fyne parses the font once per text style,
// about 45 ms each for the 4.6 MB CJK font, and the first frame needs both
// styles; main starts this as soon as the theme is set, so the parsing runs
// alongside opening the data file and the window system (Options.FontsLoaded).
func LoadFonts(trace Trace) (wait func()) {
	var wg sync.WaitGroup
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fyne.MeasureText("", theme.TextSize(), style)
			if style.Bold {
				trace.Print("font-bold")
			} else {
				trace.Print("font-regular")
			}
		}()
	}
	return wg.Wait
}

// Color always uses the light variant: inspectors read the screen outdoors,
// where dark text on a light background is easier to see.
func (t *appTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.base.Color(n, theme.VariantLight)
}

func (t *appTheme) Font(style fyne.TextStyle) fyne.Resource {
	if style.Symbol {
		return t.base.Font(style)
	}
	return t.text
}

func (t *appTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return t.base.Icon(n)
}

func (t *appTheme) Size(n fyne.ThemeSizeName) float32 {
	return t.base.Size(n)
}
