package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// liaisonsScreen is 联络员名单 (attachment 2 of the plan, due with the
// plan on 8月15日): the list on the left, the chosen person's form on the
// right (保存 writes it; a person is identified by unit and name, so
// changing either makes a new entry and the old one is deleted), add,
// delete, and Excel export and import.
type liaisonsScreen struct {
	u *App

	count    *widget.Label
	list     *widget.List
	rows     []store.Liaison
	selected int

	fields    map[string]*widget.Entry // by field key
	form      *widget.Form
	save      *widget.Button
	remove    *widget.Button
	message   *widget.Label
	add       *widget.Button
	exportBtn *widget.Button
	exported  string // the last exported file (tests read it)

	content fyne.CanvasObject
}

var liaisonFieldKeys = []struct{ key, label string }{
	{"district", "县（市）区"}, {"unit", "单位"}, {"department", "处（科）室"}, {"name", "姓名"}, {"title", "职务"},
	{"mobile", "手机"}, {"office", "办公电话"}, {"email", "电子邮箱"}, {"note", "备注"},
}

func newLiaisonsScreen(u *App) *liaisonsScreen {
	s := &liaisonsScreen{u: u, selected: -1, fields: map[string]*widget.Entry{}}
	s.count = widget.NewLabel("")
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			t := widget.NewLabel("")
			t.Truncation = fyne.TextTruncateEllipsis
			return t
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			l := s.rows[id]
			o.(*widget.Label).SetText(fmt.Sprintf("%s · %s %s · %s %s", l.District, l.Unit, l.Department, l.Name, l.Mobile))
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) { s.edit(id) }
	var items []*widget.FormItem
	for _, f := range liaisonFieldKeys {
		e := widget.NewEntry()
		s.fields[f.key] = e
		items = append(items, widget.NewFormItem(lang.L(f.label), e))
	}
	s.fields["unit"].SetPlaceHolder(lang.L("例如 鼓楼区住建局（必填）"))
	s.fields["name"].SetPlaceHolder(lang.L("必填"))
	s.form = widget.NewForm(items...)
	s.save = widget.NewButtonWithIcon(lang.L("保存"), theme.DocumentSaveIcon(), s.saveForm)
	s.save.Importance = widget.HighImportance
	s.remove = widget.NewButtonWithIcon(lang.L("删除"), theme.DeleteIcon(), s.deleteSelected)
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.add = widget.NewButtonWithIcon(lang.L("新增联络员"), theme.ContentAddIcon(), s.newEntry)
	s.exportBtn = widget.NewButtonWithIcon(lang.L("导出 Excel"), theme.DownloadIcon(), s.exportExcel)
	imp := widget.NewButtonWithIcon(lang.L("从 Excel 导入…"), theme.UploadIcon(), s.chooseImport)
	top := container.NewHBox(s.add, s.exportBtn, imp, s.count)
	right := widget.NewCard(lang.L("联络员"), lang.L("附件2：“美好家园”活动联络员名单，8月15日前随实施方案报送"),
		container.NewVBox(s.form, container.NewHBox(s.save, s.remove), s.message))
	split := container.NewHSplit(s.list, container.NewVScroll(right))
	split.Offset = 0.5
	s.content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

func (s *liaisonsScreen) reload() {
	s.u.async(func() {
		rows, err := s.u.db.Liaisons(s.u.ctx, "")
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.rows = rows
			s.count.SetText(fmt.Sprintf(lang.L("%d 人"), len(rows)))
			s.list.UnselectAll()
			s.list.Refresh()
		})
	})
}

func (s *liaisonsScreen) edit(i int) {
	if i < 0 || i >= len(s.rows) {
		return
	}
	s.selected = i
	l := s.rows[i]
	for k, v := range map[string]string{"district": l.District, "unit": l.Unit, "department": l.Department, "name": l.Name,
		"title": l.Title, "mobile": l.Mobile, "office": l.OfficePhone, "email": l.Email, "note": l.Note} {
		s.fields[k].SetText(v)
	}
	s.message.SetText("")
}

func (s *liaisonsScreen) newEntry() {
	s.list.UnselectAll()
	s.selected = -1
	for _, e := range s.fields {
		e.SetText("")
	}
	if d := s.u.prefs.District(); d != "" {
		s.fields["district"].SetText(d)
	}
	if unit := s.u.prefs.Unit(); unit != "" {
		s.fields["unit"].SetText(unit)
	}
	s.message.SetText(lang.L("填写后点“保存”。"))
}

func (s *liaisonsScreen) formValue() store.Liaison {
	v := func(k string) string { return strings.TrimSpace(s.fields[k].Text) }
	return store.Liaison{District: v("district"), Unit: v("unit"), Department: v("department"), Name: v("name"), Title: v("title"),
		Mobile: v("mobile"), OfficePhone: v("office"), Email: v("email"), Note: v("note")}
}

// saveForm saves the form: the person of this unit and name is added or
// updated; when an existing entry's unit or name was changed, the old
// entry is deleted.
func (s *liaisonsScreen) saveForm() {
	l := s.formValue()
	if l.Unit == "" || l.Name == "" {
		s.message.Importance = widget.DangerImportance
		s.message.SetText(lang.L("请填写单位和姓名。"))
		return
	}
	oldID := ""
	if s.selected >= 0 && s.selected < len(s.rows) {
		oldID = s.rows[s.selected].ID
	}
	s.u.write(func() {
		ctx := context.Background()
		_, _, err := s.u.db.SaveLiaisons(ctx, []store.Liaison{l})
		if err == nil && oldID != "" && oldID != store.LiaisonID(l.Unit, l.Name) {
			err = s.u.db.DeleteLiaison(ctx, oldID)
		}
		fyne.Do(func() {
			if err != nil {
				s.message.Importance = widget.DangerImportance
				s.message.SetText(err.Error())
				return
			}
			s.message.Importance = widget.SuccessImportance
			s.message.SetText(fmt.Sprintf(lang.L("已保存 %s"), s.u.now().Format("15:04:05")))
			s.selected = -1
			s.reload()
		})
	})
}

func (s *liaisonsScreen) deleteSelected() {
	if s.selected < 0 || s.selected >= len(s.rows) {
		return
	}
	l := s.rows[s.selected]
	dialog.ShowConfirm(lang.L("删除联络员"), fmt.Sprintf(lang.L("从名单中删除 %s（%s）？"), l.Name, l.Unit), func(ok bool) {
		if ok {
			s.deleteID(l.ID)
		}
	}, s.u.window)
}

func (s *liaisonsScreen) deleteID(id string) {
	s.u.write(func() {
		err := s.u.db.DeleteLiaison(context.Background(), id)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.selected = -1
			s.newEntry()
			s.message.SetText(lang.L("已删除"))
			s.reload()
		})
	})
}

// exportExcel writes 联络员名单 into 联络员名单/ next to the data file.
func (s *liaisonsScreen) exportExcel() {
	rows := s.rows
	now := s.u.now()
	dir := s.u.exportDir("联络员名单")
	path := filepath.Join(dir, fmt.Sprintf("联络员名单_%s.xlsx", now.Format("20060102")))
	s.u.busy(lang.L("正在导出…"), func(ctx context.Context) error {
		_, err := writeAtomic(path, func(w io.Writer) (int, error) { return 0, xlsx.WriteLiaisons(w, rows, now) })
		return err
	}, func(err error) {
		if err != nil {
			s.u.showError(err)
			return
		}
		s.exported = path
		s.u.info(lang.L("已导出"), fmt.Sprintf(lang.L("联络员名单已保存到：%s"), path))
	})
}

func (s *liaisonsScreen) chooseImport() {
	s.u.showFileOpen([]string{".xlsx"}, "", func(path string) { s.importFile(path, false) })
}

// importFile reads a liaison workbook; with errors it shows them and
// offers to import the good rows, otherwise it shows the preview and
// imports on confirmation (apply skips the question: tests).
func (s *liaisonsScreen) importFile(path string, apply bool) {
	f, err := os.Open(path)
	if err != nil {
		s.u.showError(err)
		return
	}
	defer f.Close()
	p, err := xlsx.ReadLiaisons(f)
	if err != nil {
		s.u.showError(err)
		return
	}
	xlsx.MatchLiaisons(p, s.rows)
	var lines []string
	for _, pr := range p.Problems {
		lines = append(lines, "✗ "+pr.String())
	}
	for _, e := range p.Errors() {
		lines = append(lines, "✗ "+e.String())
	}
	for _, w := range p.Warnings {
		lines = append(lines, "！"+w.String())
	}
	good := len(p.Good())
	summary := fmt.Sprintf(lang.L("可导入 %d 人，有错误的行 %d 行。"), good, p.BadRows())
	doImport := func() {
		s.u.write(func() {
			n, err := xlsx.Apply(context.Background(), p, true, func(ctx context.Context, rows []xlsx.Row[xlsx.Liaison]) error {
				ls := make([]store.Liaison, len(rows))
				for i, r := range rows {
					ls[i] = r.Value
				}
				_, _, err := s.u.db.SaveLiaisons(ctx, ls)
				return err
			})
			fyne.Do(func() {
				if err != nil {
					s.u.showError(err)
					return
				}
				s.message.Importance = widget.SuccessImportance
				s.message.SetText(fmt.Sprintf(lang.L("已导入 %d 人"), n))
				s.reload()
			})
		})
	}
	if len(p.Problems) > 0 || good == 0 {
		s.u.info(lang.L("无法导入"), summary+"\n"+strings.Join(lines, "\n"))
		return
	}
	if apply {
		doImport()
		return
	}
	msg := summary
	if len(lines) > 0 {
		msg += "\n" + strings.Join(lines[:min(len(lines), 12)], "\n")
	}
	dialog.ShowConfirm(lang.L("导入联络员名单"), wrapText(msg, 60), func(ok bool) {
		if ok {
			doImport()
		}
	}, s.u.window)
}
