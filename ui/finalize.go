package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	jwidget "github.com/jiayuan-inspect/jiayuan/ui/widget"
)

// Roles on the signatures.
const (
	roleInspector = "检查员"
	roleProperty  = "物业服务企业代表"
)

// finalizeScreen is 完成并签名: what is still missing (unanswered items,
// evidence photos), the inspectors' names and the property company's
// representative, a drawn signature for each, then finalize. Once
// finalized the record is read-only and offers 「更正」.
type finalizeScreen struct {
	u       *App
	inspect *inspectScreen

	summary     *widget.Label
	missing     *fyne.Container
	missingBtns []*widget.Button
	inspectors  *widget.Entry
	propertyRep *widget.Entry
	padInspect  *jwidget.Signature
	padProperty *jwidget.Signature
	clearInsp   *widget.Button
	clearProp   *widget.Button
	errLabel    *widget.Label
	back        *widget.Button
	sign        *widget.Button

	content fyne.CanvasObject
}

func newFinalizeScreen(u *App, s *inspectScreen) *finalizeScreen {
	f := &finalizeScreen{u: u, inspect: s}
	rec := s.rec
	f.back = widget.NewButtonWithIcon(lang.L("返回检查"), theme.NavigateBackIcon(), u.showInspect)
	title := widget.NewLabel(fmt.Sprintf(lang.L("完成并签名：%s"), rec.Community.Name))
	title.TextStyle.Bold = true
	title.SizeName = theme.SizeNameSubHeadingText

	f.summary = widget.NewLabel("")
	f.summary.Wrapping = fyne.TextWrapWord
	f.missing = container.NewVBox()
	f.inspectors = widget.NewEntry()
	f.inspectors.SetText(strings.Join(rec.Inspection.Inspectors, "、"))
	f.inspectors.SetPlaceHolder(lang.L("多人用顿号分隔"))
	f.propertyRep = widget.NewEntry()
	f.propertyRep.SetPlaceHolder(lang.L("物业服务企业代表姓名"))
	f.padInspect = jwidget.NewSignature(lang.L("检查人员请在此处签名"))
	f.padProperty = jwidget.NewSignature(lang.L("物业服务企业代表请在此处签名"))
	f.clearInsp = widget.NewButtonWithIcon(lang.L("重签"), theme.ContentClearIcon(), f.padInspect.Clear)
	f.clearProp = widget.NewButtonWithIcon(lang.L("重签"), theme.ContentClearIcon(), f.padProperty.Clear)
	f.errLabel = widget.NewLabel("")
	f.errLabel.Importance = widget.DangerImportance
	f.errLabel.Wrapping = fyne.TextWrapWord
	f.errLabel.Hide()
	f.sign = widget.NewButtonWithIcon(lang.L("完成并签名"), theme.ConfirmIcon(), f.confirm)
	f.sign.Importance = widget.HighImportance

	f.updateMissing()

	check := widget.NewCard(lang.L("完整性检查"), "", container.NewVBox(f.summary, f.missing))
	people := widget.NewForm(
		widget.NewFormItem(lang.L("检查人员"), f.inspectors),
		widget.NewFormItem(lang.L("物业服务企业代表"), f.propertyRep),
	)
	pads := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("检查人员签名")), f.clearInsp),
		f.padInspect,
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("物业服务企业代表签名")), f.clearProp),
		f.padProperty,
	)
	signing := widget.NewCard(lang.L("签名"), lang.L("签字定稿后记录不可修改，如需更正须新建更正记录。"), container.NewVBox(people, pads))
	top := container.NewBorder(nil, nil, f.back, f.sign, title)
	body := container.NewGridWithColumns(2, container.NewVScroll(check), container.NewVScroll(container.NewVBox(signing, f.errLabel)))
	f.content = container.NewBorder(top, nil, nil, nil, body)
	return f
}

// updateMissing lists what keeps the record from being finalized; each
// line jumps to its item.
func (f *finalizeScreen) updateMissing() {
	rec := f.inspect.rec
	missing := inspection.Missing(rec.Template, rec.Answers)
	card := rec.Score
	text := fmt.Sprintf(lang.L("已判定 %d/%d 项，总分 %s。"), card.Judged, card.Scorable, formatScore(card.Total, card.Defined))
	if len(card.Vetoes) > 0 {
		text += fmt.Sprintf(lang.L("有 %d 项一票否决。"), len(card.Vetoes))
	}
	if len(card.Failed) > 0 {
		text += fmt.Sprintf(lang.L("定稿后将为 %d 项不符合项生成整改事项。"), len(card.Failed))
	}
	if len(missing) == 0 {
		text += lang.L("所有检查项已填写，佐证照片齐全，可以签名。")
		f.summary.Importance = widget.SuccessImportance
	} else {
		text += fmt.Sprintf(lang.L("还有 %d 处未完成（点击跳转）："), len(missing))
		f.summary.Importance = widget.WarningImportance
	}
	f.summary.SetText(text)
	f.missing.Objects, f.missingBtns = nil, nil
	for _, m := range missing {
		code, _, _ := strings.Cut(m, " ")
		b := widget.NewButton(truncateRunes(m, 40), func() {
			f.u.showInspect()
			f.inspect.goTo(code)
		})
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		f.missingBtns = append(f.missingBtns, b)
		f.missing.Add(b)
	}
	f.missing.Refresh()
}

// signatures builds the signatures from the names; the first inspector
// and the representative carry the drawn images (filled in by finalize).
func (f *finalizeScreen) signatures() []inspection.Signature {
	var sigs []inspection.Signature
	for _, n := range splitNames(f.inspectors.Text) {
		sigs = append(sigs, inspection.Signature{Name: n, Role: roleInspector})
	}
	if n := strings.TrimSpace(f.propertyRep.Text); n != "" {
		sigs = append(sigs, inspection.Signature{Name: n, Role: roleProperty})
	}
	return sigs
}

func (f *finalizeScreen) problems() []string {
	var p []string
	rec := f.inspect.rec
	if m := inspection.Missing(rec.Template, rec.Answers); len(m) > 0 {
		p = append(p, fmt.Sprintf(lang.L("还有 %d 处未完成，见左侧列表"), len(m)))
	}
	if len(splitNames(f.inspectors.Text)) == 0 {
		p = append(p, lang.L("请填写检查人员姓名"))
	}
	if f.padInspect.IsEmpty() {
		p = append(p, lang.L("请检查人员签名"))
	}
	if !f.padProperty.IsEmpty() && strings.TrimSpace(f.propertyRep.Text) == "" {
		p = append(p, lang.L("请填写物业服务企业代表姓名"))
	}
	return p
}

func (f *finalizeScreen) confirm() {
	if p := f.problems(); len(p) > 0 {
		f.errLabel.SetText(strings.Join(p, "；"))
		f.errLabel.Show()
		return
	}
	f.errLabel.Hide()
	dialog.NewConfirm(lang.L("完成并签名"), lang.L("签字定稿后检查记录不能再修改。确定定稿吗？"), func(ok bool) {
		if ok {
			f.finalize()
		}
	}, f.u.window).Show()
}

// finalize stores the drawn signatures and finalizes the inspection.
func (f *finalizeScreen) finalize() {
	sigs := f.signatures()
	id := f.inspect.rec.Inspection.ID
	insp, err := f.padInspect.PNG(720, 280)
	if err != nil {
		f.u.showError(err)
		return
	}
	var prop []byte
	if !f.padProperty.IsEmpty() {
		if prop, err = f.padProperty.PNG(720, 280); err != nil {
			f.u.showError(err)
			return
		}
	}
	f.sign.Disable()
	f.u.busy(lang.L("正在签字定稿…"), func(ctx context.Context) error {
		info, err := f.u.db.StorePhoto(ctx, insp)
		if err != nil {
			return err
		}
		sigs[0].ImageSHA = info.SHA256
		if prop != nil {
			info, err := f.u.db.StorePhoto(ctx, prop)
			if err != nil {
				return err
			}
			sigs[len(sigs)-1].ImageSHA = info.SHA256
		}
		_, err = f.u.db.FinalizeInspection(ctx, id, sigs)
		return err
	}, func(err error) {
		f.sign.Enable()
		if err != nil {
			if errors.Is(err, inspection.ErrIncomplete) {
				f.errLabel.SetText(err.Error())
				f.errLabel.Show()
				return
			}
			f.u.showError(err)
			return
		}
		f.u.openInspection(id)
		f.u.communities.reload()
	})
}
