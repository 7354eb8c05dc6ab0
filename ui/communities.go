package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// communitiesScreen is 小区列表: search (name, address, pinyin initials),
// filters by district, street and status, and a virtualized list that
// stays smooth with thousands of communities. The whole list is read once
// off the UI goroutine (and again when the data changes: reload) and kept
// in memory; a keystroke or a filter change filters it there
// (store.FilterCommunityRows, well under a millisecond at 5,000
// communities, docs/PERFORMANCE.md) instead of querying the file. Typing
// is debounced; a stale answer is dropped.
type communitiesScreen struct {
	u *App

	search   *widget.Entry
	district *widget.Select
	street   *widget.Select
	status   *widget.Select
	add      *widget.Button
	count    *widget.Label
	loading  *widget.ProgressBarInfinite
	list     *widget.List

	districts []string // options of district after 全部区
	streets   []string
	rows      []store.CommunityRow            // the rows shown: all, filtered
	all       []store.CommunityRow            // every community, as last read (nil until read)
	mark      string                          // the file's store.ChangeMark when all was read
	tasks     map[string]store.AssignmentView // my open assignments by community (我的任务)
	tasksFor  string                          // the name in 设置 the tasks were read for
	seq       int                             // generation of the newest read; older answers are dropped
	reading   bool                            // a read of the whole list is on its way
	checking  bool                            // a ChangeMark look-up is on its way
	built     bool
	form      *communityForm // the last add form opened
	typing    debouncer

	content fyne.CanvasObject
}

func newCommunitiesScreen(u *App) *communitiesScreen {
	s := &communitiesScreen{u: u, typing: debouncer{delay: u.debounce}}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("搜索小区名称、地址或拼音首字母（如 ylhy）"))
	s.search.OnChanged = func(string) { s.typing.call(s.refilter) }
	s.search.OnSubmitted = func(string) { s.typing.stop(); s.refilter() }

	s.district = widget.NewSelect(nil, func(string) {
		s.street.ClearSelected()
		s.reloadStreets()
		s.refilter()
	})
	s.district.PlaceHolder = lang.L("全部区")
	s.street = widget.NewSelect(nil, func(string) { s.refilter() })
	s.street.PlaceHolder = lang.L("全部街道")
	statuses := []string{lang.L("全部状态")}
	for _, st := range store.CommunityStatuses {
		statuses = append(statuses, statusLabel(st))
	}
	statuses = append(statuses, lang.L("我的任务"))
	s.status = widget.NewSelect(statuses, nil)
	s.status.SetSelectedIndex(0)
	s.status.OnChanged = func(string) { s.refilter() }
	s.add = widget.NewButtonWithIcon(lang.L("新增小区"), theme.ContentAddIcon(), s.showAdd)
	s.add.Importance = widget.HighImportance
	s.count = widget.NewLabel("")
	s.loading = widget.NewProgressBarInfinite()
	s.loading.Hide()

	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject { return newCommunityRowView() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				o.(*communityRowView).set(s.rows[id])
				o.(*communityRowView).setTask(s.tasks, s.u.now())
			}
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id < len(s.rows) {
			u.showCommunity(s.rows[id].ID)
		}
	}

	filters := container.NewHBox(
		container.NewGridWrap(fyne.NewSize(150, s.district.MinSize().Height), s.district),
		container.NewGridWrap(fyne.NewSize(170, s.street.MinSize().Height), s.street),
		container.NewGridWrap(fyne.NewSize(120, s.status.MinSize().Height), s.status),
		s.add,
	)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, filters, s.search),
		container.NewBorder(nil, nil, s.count, nil, s.loading),
	)
	s.content = container.NewBorder(top, nil, nil, nil, s.list)
	s.built = true
	return s // the filters fill in App.start (after Prepare, in the app)
}

// filter is the query the widgets describe.
func (s *communitiesScreen) filter() store.CommunityRowFilter {
	f := store.CommunityRowFilter{Query: s.search.Text}
	if i := s.district.SelectedIndex(); i > 0 && i-1 < len(s.districts) {
		f.District = s.districts[i-1]
	}
	if i := s.street.SelectedIndex(); i > 0 && i-1 < len(s.streets) {
		f.Street = s.streets[i-1]
	}
	if i := s.status.SelectedIndex(); i > 0 && i-1 < len(store.CommunityStatuses) {
		f.Status = store.CommunityStatuses[i-1]
	}
	return f
}

// reload reads the whole list again in the background, then filters it:
// the data may have changed (a save, an import, a merge, a new or edited
// community, a finalized inspection) or the list is shown again.
func (s *communitiesScreen) reload() { s.reloadThen(nil) }

func (s *communitiesScreen) reloadThen(then func()) {
	if !s.built {
		return
	}
	s.seq++
	seq := s.seq
	s.reading = true
	me := s.u.prefs.Name()
	s.loading.Show()
	s.loading.Start()
	s.u.async(func() {
		// The mark first: a change committed while the rows are read moves
		// it past the one kept, so the next check reads again.
		mark, err := s.u.db.ChangeMark(s.u.ctx)
		var all []store.CommunityRow
		if err == nil {
			all, err = s.u.db.ListCommunityRows(s.u.ctx, store.CommunityRowFilter{})
		}
		tasks, terr := s.myTasks()
		if err == nil {
			err = terr
		}
		fyne.Do(func() {
			if seq != s.seq {
				return // a newer read is on its way
			}
			s.reading = false
			s.loading.Stop()
			s.loading.Hide()
			if err != nil {
				s.u.showError(err)
				return
			}
			if all == nil {
				all = []store.CommunityRow{} // read, and empty
			}
			s.all, s.mark, s.tasks, s.tasksFor = all, mark, tasks, me
			s.show()
			if then != nil {
				then()
			}
		})
	})
}

// refilter shows the list for the widgets' filter, filtered in memory: a
// keystroke or a filter change. Before the first read it waits for that
// read, which filters by the widgets as they are then. It then checks in
// the background that the file has not changed since the read (a change
// made where nothing calls reload) and reads again if it has.
func (s *communitiesScreen) refilter() {
	if !s.built {
		return
	}
	if s.all == nil || s.tasksFor != s.u.prefs.Name() {
		if !s.reading {
			s.reload() // never read, the last read failed, or 设置 names someone else (我的任务)
		}
		if s.all == nil {
			return // the read on its way filters when it lands
		}
	}
	s.show()
	if s.checking {
		return
	}
	s.checking = true
	seq, mark := s.seq, s.mark
	s.u.async(func() {
		now, err := s.u.db.ChangeMark(s.u.ctx)
		fyne.Do(func() {
			s.checking = false
			if err == nil && now != mark && seq == s.seq {
				s.reload()
			}
		})
	})
}

// show filters the rows read into the list and the count line.
func (s *communitiesScreen) show() {
	rows := store.FilterCommunityRows(s.all, s.filter())
	if s.onlyMine(s.status.SelectedIndex()) {
		rows = tasksFirst(rows, s.tasks)
	}
	s.rows = rows
	s.count.SetText(fmt.Sprintf(lang.L("共 %d 个小区"), len(rows)))
	s.list.Refresh()
	s.list.ScrollToTop()
}

// reloadDistricts fills the district filter; the district chosen in 设置
// is selected when there is none yet.
func (s *communitiesScreen) reloadDistricts() {
	ds, err := s.u.db.Districts(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.districts = ds
	cur := s.district.Selected
	s.district.Options = append([]string{lang.L("全部区")}, ds...)
	s.district.Refresh()
	if cur == "" {
		// Leave it at 全部区 (placeholder) unless 设置 names a district.
		for i, d := range ds {
			if d == s.u.prefs.District() {
				s.district.SetSelectedIndex(i + 1)
			}
		}
	}
	s.reloadStreets()
}

func (s *communitiesScreen) reloadStreets() {
	district := ""
	if i := s.district.SelectedIndex(); i > 0 && i-1 < len(s.districts) {
		district = s.districts[i-1]
	}
	streets, err := s.u.db.Streets(context.Background(), district)
	if err != nil {
		s.u.showError(err)
		return
	}
	s.streets = streets
	s.street.Options = append([]string{lang.L("全部街道")}, streets...)
	s.street.Refresh()
}

func (s *communitiesScreen) showAdd() {
	s.form = showCommunityForm(s.u, nil, func(id string) {
		s.reloadDistricts()
		s.reload()
		s.u.showCommunity(id)
	})
}

// communityRowView is one line of the list: name and address on the
// left, status, latest score and open actions on the right.
type communityRowView struct {
	widget.BaseWidget
	name, where, status, score *widget.Label
	task                       *widget.Label // my assignment's due date (我的任务)
	id                         string
}

func newCommunityRowView() *communityRowView {
	r := &communityRowView{
		name: widget.NewLabel(""), where: widget.NewLabel(""), status: widget.NewLabel(""), score: widget.NewLabel(""),
		task: widget.NewLabel(""),
	}
	r.task.Alignment = fyne.TextAlignTrailing
	r.name.TextStyle.Bold = true
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.where.Truncation = fyne.TextTruncateEllipsis
	r.where.SizeName = theme.SizeNameCaptionText
	r.score.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

func (r *communityRowView) set(c store.CommunityRow) {
	r.id = c.ID
	r.name.SetText(c.Name)
	r.where.SetText(c.District + " " + c.Street + " · " + c.Address)
	r.status.Importance = statusImportance(c.Status)
	st := statusLabel(c.Status)
	if c.OpenActions > 0 && c.Status != store.StatusNeedsActions {
		st += fmt.Sprintf(lang.L("（%d 项待整改）"), c.OpenActions)
	}
	r.status.SetText(st)
	switch {
	case c.LatestID == "":
		r.score.SetText("")
	case c.Vetoes > 0:
		r.score.Importance = widget.DangerImportance
		r.score.SetText(formatScore(c.Score, c.ScoreDefined) + lang.L(" 分") + " · " + lang.L("否决"))
	default:
		r.score.Importance = widget.MediumImportance
		r.score.SetText(formatScore(c.Score, c.ScoreDefined) + lang.L(" 分"))
	}
}

func (r *communityRowView) CreateRenderer() fyne.WidgetRenderer {
	right := container.NewHBox(r.task,
		container.NewGridWrap(fyne.NewSize(150, r.status.MinSize().Height), r.status),
		container.NewGridWrap(fyne.NewSize(130, r.score.MinSize().Height), r.score),
	)
	left := container.New(layout.NewCustomPaddedVBoxLayout(-12), r.name, r.where)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, right, left))
}
