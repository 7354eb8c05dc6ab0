package ui

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// Fyne's file dialogs as every screen uses them: the chosen path is handed
// on, cancelling does nothing, an error is shown; they open at a size that
// fits long Chinese file names, in dir when it is known and readable.

var fileDialogSize = fyne.NewSize(900, 600)

// showFileOpen asks for a file with one of exts (any file without exts).
func (u *App) showFileOpen(exts []string, dir string, then func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		then(path)
	}, u.window)
	u.showFileDialog(d, exts, dir)
}

// showFileSave asks where to save a file named name. The path handed on
// ends in exts[0]: when the person typed a name without it, the empty
// file the dialog made is removed and the extension added.
func (u *App) showFileSave(name string, exts []string, dir string, then func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if len(exts) > 0 && !strings.EqualFold(filepath.Ext(path), exts[0]) {
			os.Remove(path) // the dialog created it
			path += exts[0]
		}
		then(path)
	}, u.window)
	d.SetFileName(name)
	u.showFileDialog(d, exts, dir)
}

// showFolderOpen asks for a folder.
func (u *App) showFolderOpen(dir string, then func(dir string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if l == nil {
			return
		}
		then(l.Path())
	}, u.window)
	u.showFileDialog(d, nil, dir)
}

func (u *App) showFileDialog(d *dialog.FileDialog, exts []string, dir string) {
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	if dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fileDialogSize)
	d.Show()
}
