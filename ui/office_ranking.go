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
	"github.com/jiayuan-inspect/jiayuan/store"
)

// rankingScreen is 评选: every community of the scope with its score and
// its eligibility, the eligible ones ranked by total score and the others
// below with their reasons; the chosen one's verdict on the right with the
// pick actions of the user's level (区局: district picks, 市局: city
// picks). Inspectors see the ranking without pick actions.
type rankingScreen struct {
	u *App

	district *widget.Select
	typ      *widget.Select
	street   *widget.Select
	summary  *widget.Label
	list     *widget.List
	rows     []inspection.Standing
	picks    map[string][]inspection.Pick // by community
	all      []inspection.Pick
	loads    newest
	// selectFirst selects the first line once the list has loaded (a
	// screen opened at start).
	selectFirst bool
	districts   []string
	streets     []string

	// The detail of the selected community.
	selected  int
	heading   *widget.Label
	reasons   *widget.Label
	pickState *widget.Label
	pick      *widget.Button // 选为（区级/市级）「美好家园」 or 撤销
	typical   *widget.Button // 推荐为典型案例 or 撤销典型案例
	message   *widget.Label  // the outcome of the last pick action
	noteFor   string         // the community the message is about
	detail    *fyne.Container
	empty     *widget.Label

	// introDialog is the typical-case dialog while open (tests fill it).
	introDialog *introDialog

	content fyne.CanvasObject
}

// introDialog asks for the introduction of a typical case.
type introDialog struct {
	d     dialog.Dialog
	intro *widget.Entry
	ok    *widget.Button
}

func newRankingScreen(u *App) *rankingScreen {
	s := &rankingScreen{u: u, selected: -1, picks: map[string][]inspection.Pick{}}
	s.district = widget.NewSelect(nil, func(string) { s.reloadStreets(); s.reload() })
	s.district.PlaceHolder = lang.L("全市")
	s.typ = widget.NewSelect(append([]string{lang.L("全部类型")}, inspection.CommunityTypes...), func(string) { s.reload() })
	s.typ.PlaceHolder = lang.L("全部类型")
	s.street = widget.NewSelect(nil, func(string) { s.reload() })
	s.street.PlaceHolder = lang.L("全部街道")
	s.summary = widget.NewLabel("")
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject { return newStandingRowView() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*standingRowView).set(s.rows[id], s.picks[s.rows[id].Community.ID])
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) { s.showDetail(id) }

	s.heading = widget.NewLabel("")
	s.heading.TextStyle.Bold = true
	s.heading.Wrapping = fyne.TextWrapWord
	s.reasons = widget.NewLabel("")
	s.reasons.Wrapping = fyne.TextWrapWord
	s.pickState = widget.NewLabel("")
	s.pickState.Wrapping = fyne.TextWrapWord
	s.pick = widget.NewButtonWithIcon("", theme.ConfirmIcon(), s.togglePick)
	s.pick.Importance = widget.HighImportance
	s.typical = widget.NewButtonWithIcon("", theme.DocumentIcon(), s.toggleTypical)
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.detail = container.NewVBox(s.heading, s.reasons, widget.NewSeparator(), s.pickState, container.NewHBox(s.pick, s.typical), s.message)
	s.detail.Hide()
	s.empty = widget.NewLabel(lang.L("选择左侧的小区查看评选条件和选树。"))

	top := container.NewHBox(s.district, s.typ, s.street, s.summary)
	right := widget.NewCard(lang.L("评选条件"), "", container.NewStack(s.empty, s.detail))
	split := container.NewHSplit(s.list, container.NewVScroll(right))
	split.Offset = 0.58
	s.content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

// level is the pick level of the user's role ("" for an inspector, who
// does not pick).
func (s *rankingScreen) level() inspection.PickLevel {
	switch s.u.prefs.Role() {
	case RoleDistrict:
		return inspection.LevelDistrict
	case RoleCity:
		return inspection.LevelCity
	}
	return ""
}

func (s *rankingScreen) reloadDistricts() {
	ds, err := s.u.db.Districts(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.districts = ds
	cb := s.district.OnChanged
	s.district.OnChanged = nil
	s.district.Options = append([]string{lang.L("全市")}, ds...)
	if s.district.Selected == "" {
		if s.u.prefs.Role() == RoleDistrict {
			for i, d := range ds {
				if d == s.u.prefs.District() {
					s.district.SetSelectedIndex(i + 1)
				}
			}
		}
	}
	s.district.OnChanged = cb
	s.district.Refresh()
	s.reloadStreets()
}

func (s *rankingScreen) scopeDistrict() string {
	if i := s.district.SelectedIndex(); i > 0 && i-1 < len(s.districts) {
		return s.districts[i-1]
	}
	return ""
}

func (s *rankingScreen) reloadStreets() {
	streets, err := s.u.db.Streets(s.u.ctx, s.scopeDistrict())
	if err != nil {
		s.u.showError(err)
		return
	}
	s.streets = streets
	cb := s.street.OnChanged
	s.street.OnChanged = nil
	s.street.Options = append([]string{lang.L("全部街道")}, streets...)
	s.street.ClearSelected()
	s.street.OnChanged = cb
}

func (s *rankingScreen) filter() store.OfficeFilter {
	f := store.OfficeFilter{District: s.scopeDistrict()}
	if i := s.typ.SelectedIndex(); i > 0 {
		f.Type = inspection.CommunityTypes[i-1]
	}
	if i := s.street.SelectedIndex(); i > 0 && i-1 < len(s.streets) {
		f.Street = s.streets[i-1]
	}
	return f
}

// reload reads the ranking of the scope and the picks, keeping the
// selected community selected.
func (s *rankingScreen) reload() {
	if len(s.district.Options) == 0 {
		s.reloadDistricts()
	}
	keep := ""
	if s.selected >= 0 && s.selected < len(s.rows) {
		keep = s.rows[s.selected].Community.ID
	}
	f := s.filter()
	var rows []inspection.Standing
	var picks []inspection.Pick
	s.loads.load(s.u, func(ctx context.Context) (err error) {
		if rows, err = s.u.db.Ranking(ctx, f); err != nil {
			return err
		}
		picks, err = s.u.db.Picks(ctx, store.PickFilter{})
		return err
	}, func() {
		s.rows, s.all = rows, picks
		s.picks = map[string][]inspection.Pick{}
		for _, p := range picks {
			s.picks[p.CommunityID] = append(s.picks[p.CommunityID], p)
		}
		eligible := 0
		for _, r := range rows {
			if r.Verdict.Eligible() {
				eligible++
			}
		}
		s.summary.SetText(fmt.Sprintf(lang.L("共 %d 个小区，符合条件 %d 个"), len(rows), eligible))
		s.list.UnselectAll()
		s.selected = -1
		s.detail.Hide()
		s.empty.Show()
		s.list.Refresh()
		for i, r := range rows {
			if r.Community.ID == keep {
				s.list.Select(i)
			}
		}
		if s.selectFirst && s.selected < 0 && len(rows) > 0 {
			s.list.Select(0)
		}
		s.selectFirst = false
	})
}

// showDetail shows the verdict and the pick actions of row i.
func (s *rankingScreen) showDetail(i int) {
	if i < 0 || i >= len(s.rows) {
		return
	}
	s.selected = i
	r := s.rows[i]
	c := r.Community
	rank := ""
	if r.Rank > 0 {
		rank = fmt.Sprintf(lang.L("第 %d 名 · "), r.Rank)
	}
	s.heading.SetText(fmt.Sprintf("%s（%s %s）\n%s%s %s · %s", c.Name, c.District, c.Street, rank, lang.L("总分"),
		formatScore(r.Score, r.ScoreDefined), r.Verdict.Status.Label()))
	var lines []string
	failed := map[string]bool{}
	for _, f := range r.Verdict.Failures {
		failed[f] = true
	}
	for _, reason := range r.Verdict.Reasons {
		mark := "✓ "
		if failed[reason] {
			mark = "✗ "
		}
		lines = append(lines, mark+reason)
	}
	s.reasons.SetText(wrapText(strings.Join(lines, "\n"), 60))
	s.showPickState()
	if s.noteFor != c.ID {
		s.message.SetText("")
	}
	s.empty.Hide()
	s.detail.Show()
}

// has reports whether the community has the standing pick.
func (s *rankingScreen) has(communityID string, level inspection.PickLevel, typical bool) bool {
	for _, p := range s.picks[communityID] {
		if p.Level == level && p.Typical == typical {
			return true
		}
	}
	return false
}

func (s *rankingScreen) showPickState() {
	r := s.rows[s.selected]
	id := r.Community.ID
	var state []string
	for _, p := range s.picks[id] {
		state = append(state, fmt.Sprintf(lang.L("%s（%s，%s）"), p.Kind(), p.PickedBy, p.PickedAt.Format("2006-01-02 15:04")))
	}
	text := lang.L("尚未选树")
	if len(state) > 0 {
		text = lang.L("已选树：") + strings.Join(state, "；")
	}
	level := s.level()
	if level == "" {
		s.pickState.SetText(text + "\n" + lang.L("选树由区局、市局进行（在“设置”中选择身份）。"))
		s.pick.Hide()
		s.typical.Hide()
		return
	}
	// The counts of the level, to say how much room is left.
	n, t := 0, 0
	for _, p := range s.all {
		if p.Level != level || (level == inspection.LevelDistrict && p.District != r.Community.District) {
			continue
		}
		if p.Typical {
			t++
		} else {
			n++
		}
	}
	limit := inspection.MaxDistrictPicks
	where := r.Community.District
	if level == inspection.LevelCity {
		limit, where = inspection.MaxCityPicks, lang.L("全市")
	}
	text += "\n" + fmt.Sprintf(lang.L("%s已选%s「美好家园」%d/%d 个，典型案例 %d/%d 个"), where, level.Label(), n, limit, t, inspection.MaxTypical)
	s.pickState.SetText(text)
	s.pick.Show()
	s.typical.Show()
	if s.has(id, level, false) {
		s.pick.SetText(fmt.Sprintf(lang.L("撤销%s「美好家园」"), level.Label()))
		s.pick.Importance = widget.MediumImportance
	} else {
		s.pick.SetText(fmt.Sprintf(lang.L("选为%s「美好家园」"), level.Label()))
		s.pick.Importance = widget.HighImportance
	}
	s.pick.Refresh()
	if s.has(id, level, true) {
		s.typical.SetText(lang.L("撤销典型案例"))
	} else {
		s.typical.SetText(lang.L("推荐为典型案例…"))
	}
}

func (s *rankingScreen) togglePick() {
	if s.selected < 0 || s.level() == "" {
		return
	}
	id, level := s.rows[s.selected].Community.ID, s.level()
	if s.has(id, level, false) {
		s.run(func(ctx context.Context) error { return s.u.db.Unpick(ctx, id, level, false) }, lang.L("已撤销"))
		return
	}
	s.run(func(ctx context.Context) error {
		_, err := s.u.db.Pick(ctx, store.PickRequest{CommunityID: id, Level: level})
		return err
	}, lang.L("已选树"))
}

func (s *rankingScreen) toggleTypical() {
	if s.selected < 0 || s.level() == "" {
		return
	}
	id, level := s.rows[s.selected].Community.ID, s.level()
	if s.has(id, level, true) {
		s.run(func(ctx context.Context) error { return s.u.db.Unpick(ctx, id, level, true) }, lang.L("已撤销典型案例"))
		return
	}
	d := &introDialog{intro: widget.NewMultiLineEntry()}
	d.intro.Wrapping = fyne.TextWrapWord
	d.intro.SetMinRowsVisible(8)
	d.intro.SetPlaceHolder(lang.L("小区情况介绍：主要做法、成效、特色（写入工作报告）"))
	d.ok = widget.NewButtonWithIcon(lang.L("推荐"), theme.ConfirmIcon(), func() {
		intro := d.intro.Text
		d.d.Hide()
		s.introDialog = nil
		s.run(func(ctx context.Context) error {
			_, err := s.u.db.Pick(ctx, store.PickRequest{CommunityID: id, Level: level, Typical: true, Introduction: intro})
			return err
		}, lang.L("已推荐为典型案例"))
	})
	d.ok.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("取消"), func() { d.d.Hide(); s.introDialog = nil })
	body := container.NewBorder(nil, container.NewHBox(cancel, d.ok), nil, nil, d.intro)
	d.d = dialog.NewCustomWithoutButtons(fmt.Sprintf(lang.L("推荐「%s」为%s典型案例"), s.rows[s.selected].Community.Name, level.Label()), body, s.u.window)
	d.d.Resize(fyne.NewSize(560, 360))
	s.introDialog = d
	d.d.Show()
}

// run does a pick action and shows its outcome: the limit or the reason
// in red when refused.
func (s *rankingScreen) run(action func(ctx context.Context) error, done string) {
	s.noteFor = s.rows[s.selected].Community.ID
	s.u.write(func() {
		err := action(context.Background())
		fyne.Do(func() {
			if err != nil {
				s.message.Importance = widget.DangerImportance
				s.message.SetText(err.Error())
				if !errors.Is(err, inspection.ErrPickLimit) && !errors.Is(err, inspection.ErrNotEligible) && !errors.Is(err, inspection.ErrNotFound) {
					s.u.showError(err)
				}
				return
			}
			s.message.Importance = widget.SuccessImportance
			s.message.SetText(done)
			s.reload()
		})
	})
}

// standingRowView is one line of the ranking.
type standingRowView struct {
	widget.BaseWidget
	rank, title, detail, score, status *widget.Label
}

func newStandingRowView() *standingRowView {
	r := &standingRowView{rank: widget.NewLabel(""), title: widget.NewLabel(""), detail: widget.NewLabel(""),
		score: widget.NewLabel(""), status: widget.NewLabel("")}
	r.rank.Alignment = fyne.TextAlignTrailing
	r.rank.TextStyle.Bold = true
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.detail.Importance = widget.MediumImportance
	r.score.Alignment = fyne.TextAlignTrailing
	r.status.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

func (r *standingRowView) set(s inspection.Standing, picks []inspection.Pick) {
	r.rank.SetText("")
	if s.Rank > 0 {
		r.rank.SetText(fmt.Sprint(s.Rank))
	}
	title := s.Community.Name
	var kinds []string
	for _, p := range picks {
		kinds = append(kinds, p.Kind())
	}
	if len(kinds) > 0 {
		title += " ★ " + strings.Join(kinds, "、")
	}
	r.title.SetText(title)
	why := ""
	v := s.Verdict
	switch {
	case len(v.Failures) > 0:
		why = " · " + v.Failures[0]
	case v.SatisfactionOK:
		why = fmt.Sprintf(" · "+lang.L("满意度 %s%%，全市第%d/%d名"), inspection.FormatNumber(*v.SatisfactionValue.Value), v.Satisfaction.Rank, v.Satisfaction.Of)
	case v.RateOK:
		why = fmt.Sprintf(" · "+lang.L("投诉率 %s件/百户，全市由低到高第%d/%d名"), inspection.FormatNumber(*v.Rate.Value), v.Complaint.Rank, v.Complaint.Of)
	}
	r.detail.SetText(s.Community.District + " " + s.Community.Street + " · " + s.Community.Type + why)
	r.score.SetText(formatScore(s.Score, s.ScoreDefined))
	r.status.SetText(s.Verdict.Status.Label())
	switch s.Verdict.Status {
	case inspection.StatusEligible:
		r.status.Importance = widget.SuccessImportance
	case inspection.StatusIneligible:
		r.status.Importance = widget.DangerImportance
	case inspection.StatusInsufficient:
		r.status.Importance = widget.WarningImportance
	default:
		r.status.Importance = widget.MediumImportance
	}
	r.status.Refresh()
}

func (r *standingRowView) CreateRenderer() fyne.WidgetRenderer {
	h := r.title.MinSize().Height
	right := container.NewHBox(container.NewGridWrap(fyne.NewSize(56, h), r.score), container.NewGridWrap(fyne.NewSize(96, h), r.status))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(40, h), r.rank), right,
		container.NewVBox(r.title, r.detail)))
}
