package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// communityForm adds or edits a community. It stays open on a validation
// error and shows the message under the fields, so nothing typed is lost.
type communityForm struct {
	u        *App
	existing *inspection.Community

	name, district, street, community, address, company *widget.Entry
	households, satisfaction, complaints                *widget.Entry
	kind, committee                                     *widget.SelectEntry
	errLabel                                            *widget.Label
	save, cancel                                        *widget.Button
	dialog                                              dialog.Dialog
	onSaved                                             func(id string)
}

// showCommunityForm opens the form; c nil adds a new community.
func showCommunityForm(u *App, c *inspection.Community, onSaved func(id string)) *communityForm {
	f := &communityForm{u: u, existing: c, onSaved: onSaved}
	entry := func(text, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(placeholder)
		return e
	}
	var cur inspection.Community
	if c != nil {
		cur = *c
	} else {
		cur.District = u.prefs.District()
	}
	f.name = entry(cur.Name, lang.L("必填，例如 怡乐花园"))
	f.district = entry(cur.District, lang.L("必填，例如 鼓楼区"))
	f.street = entry(cur.Street, "")
	f.community = entry(cur.Community, "")
	f.address = entry(cur.Address, "")
	f.company = entry(cur.PropertyCompany, "")
	f.households = entry(intText(cur.Households), lang.L("整数"))
	f.satisfaction = entry(floatText(cur.Satisfaction), "0–100")
	f.complaints = entry(floatText(cur.ComplaintRate), lang.L("件/百户"))
	f.kind = widget.NewSelectEntry(inspection.CommunityTypes)
	f.kind.SetText(cur.Type)
	f.committee = widget.NewSelectEntry([]string{"业主委员会", "临时物业管理委员会", "无"})
	f.committee.SetText(cur.Committee)
	f.errLabel = widget.NewLabel("")
	f.errLabel.Importance = widget.DangerImportance
	f.errLabel.Hide()

	form := widget.NewForm(
		widget.NewFormItem(lang.L("小区名称"), f.name),
		widget.NewFormItem(lang.L("县（市）区"), f.district),
		widget.NewFormItem(lang.L("街道（乡镇）"), f.street),
		widget.NewFormItem(lang.L("社区"), f.community),
		widget.NewFormItem(lang.L("地址"), f.address),
		widget.NewFormItem(lang.L("物业服务企业"), f.company),
		widget.NewFormItem(lang.L("户数"), f.households),
		widget.NewFormItem(lang.L("小区类型"), f.kind),
		widget.NewFormItem(lang.L("业委会"), f.committee),
		widget.NewFormItem(lang.L("满意度（%）"), f.satisfaction),
		widget.NewFormItem(lang.L("投诉率（件/百户）"), f.complaints),
	)
	f.save = widget.NewButton(lang.L("保存"), f.submit)
	f.save.Importance = widget.HighImportance
	f.cancel = widget.NewButton(lang.L("取消"), func() { f.dialog.Hide() })
	title := lang.L("新增小区")
	if c != nil {
		title = lang.L("编辑小区")
	}
	body := container.NewBorder(nil, container.NewVBox(f.errLabel, container.NewHBox(f.cancel, f.save)), nil, nil, form)
	f.dialog = dialog.NewCustomWithoutButtons(title, body, u.window)
	f.dialog.Resize(fyne.NewSize(560, 0))
	f.dialog.Show()
	return f
}

// community reads the fields; a number that cannot be read is a problem.
func (f *communityForm) read() (inspection.Community, []string) {
	var c inspection.Community
	if f.existing != nil {
		c = *f.existing
	}
	c.Name, c.District, c.Street = f.name.Text, f.district.Text, strings.TrimSpace(f.street.Text)
	c.Community, c.Address = strings.TrimSpace(f.community.Text), strings.TrimSpace(f.address.Text)
	c.PropertyCompany, c.Type = strings.TrimSpace(f.company.Text), strings.TrimSpace(f.kind.Text)
	c.Committee = strings.TrimSpace(f.committee.Text)
	var problems []string
	c.Households = 0
	if t := strings.TrimSpace(f.households.Text); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			problems = append(problems, lang.L("户数应为整数"))
		}
		c.Households = n
	}
	c.Satisfaction, c.ComplaintRate = nil, nil
	for _, p := range []struct {
		text string
		dst  **float64
		msg  string
	}{
		{f.satisfaction.Text, &c.Satisfaction, lang.L("满意度应为数字")},
		{f.complaints.Text, &c.ComplaintRate, lang.L("投诉率应为数字")},
	} {
		if t := strings.TrimSpace(p.text); t != "" {
			v, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
			if err != nil {
				problems = append(problems, p.msg)
				continue
			}
			*p.dst = &v
		}
	}
	return c, problems
}

func (f *communityForm) submit() {
	f.errLabel.Hide()
	c, problems := f.read()
	if err := c.Validate(); err != nil {
		problems = append(problems, strings.TrimPrefix(err.Error(), inspection.ErrInvalid.Error()+"："))
	}
	if len(problems) > 0 {
		f.showProblem(strings.Join(problems, "；"))
		return
	}
	f.save.Disable()
	f.u.busy(lang.L("正在保存…"), func(ctx context.Context) error {
		var err error
		if f.existing == nil {
			c, err = f.u.db.AddCommunity(ctx, c)
		} else {
			c, err = f.u.db.UpdateCommunity(ctx, c)
		}
		return err
	}, func(err error) {
		f.save.Enable()
		if err != nil {
			if errors.Is(err, inspection.ErrInvalid) {
				f.showProblem(err.Error())
			} else {
				f.u.showError(err)
			}
			return
		}
		f.dialog.Hide()
		if f.onSaved != nil {
			f.onSaved(c.ID)
		}
	})
}

func (f *communityForm) showProblem(msg string) {
	f.errLabel.SetText(wrapText(msg, 60))
	f.errLabel.Show()
}

func intText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func floatText(p *float64) string {
	if p == nil {
		return ""
	}
	return inspection.FormatNumber(*p)
}
