// Package assets holds the files the programs embed: the bundled CJK font,
// the default 美好家园 inspection template, icons and UI translations.
package assets
