package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
)

// Screens of the office that Options.Screen can open at start.
const (
	ScreenRanking   = "ranking"
	ScreenDashboard = "dashboard"
	ScreenLiaisons  = "liaisons"
	// ScreenAssignments is 检查任务 (ui/assignments.go).
	ScreenAssignments = "assignments"
	// ScreenReports is 报表 (ui/reports.go).
	ScreenReports = "reports"
)

// officeScreens are the office's tabs: 评选 (ranking and picks), 统计
// (dashboard and work report), 联络员 (the liaison list), 检查任务 and 报表
// (Excel exports, batch printing, Excel imports). 评选, 联络员 and 检查任务
// are shown to the 区局 and 市局 roles; an inspector has 统计 and 报表
// (without its imports: printing the records of a team's communities and
// the 汇总表 are an inspector's business too, the community list and the
// template are the office's).
type officeScreens struct {
	u         *App
	ranking   *rankingScreen
	dashboard *dashboardScreen
	liaisons  *liaisonsScreen
	assign    *assignmentsScreen   // 检查任务
	reports   *reportsScreen       // 报表
	items     []*container.TabItem // in the window's tabs while shown
}

func newOfficeScreens(u *App) *officeScreens {
	return &officeScreens{u: u, ranking: newRankingScreen(u), dashboard: newDashboardScreen(u), liaisons: newLiaisonsScreen(u),
		assign: newAssignmentsScreen(u), reports: newReportsScreen(u)}
}

// tabItems are the office's tabs for the role set in 设置 (统计 and 报表
// only for an inspector).
func (o *officeScreens) tabItems() []*container.TabItem {
	dashboard := container.NewTabItemWithIcon(lang.L("统计"), theme.GridIcon(), o.dashboard.content)
	reports := container.NewTabItemWithIcon(lang.L("报表"), theme.DocumentPrintIcon(), o.reports.content)
	inspector := o.u.prefs.Role() == RoleInspector
	o.reports.setInspector(inspector)
	if inspector {
		o.items = []*container.TabItem{dashboard, reports}
		return o.items
	}
	o.items = []*container.TabItem{
		container.NewTabItemWithIcon(lang.L("评选"), theme.ConfirmIcon(), o.ranking.content),
		dashboard,
		container.NewTabItemWithIcon(lang.L("联络员"), theme.AccountIcon(), o.liaisons.content),
		container.NewTabItemWithIcon(lang.L("检查任务"), theme.CalendarIcon(), o.assign.content),
		reports,
	}
	return o.items
}

// selected reloads the office screen whose tab was chosen.
func (o *officeScreens) selected(content fyne.CanvasObject) {
	switch content {
	case o.ranking.content:
		o.ranking.reload()
	case o.dashboard.content:
		o.dashboard.reload()
	case o.liaisons.content:
		o.liaisons.reload()
	case o.assign.content:
		o.assign.reload()
	case o.reports.content:
		o.reports.reload()
	}
}

// show selects an office screen (ScreenRanking, ScreenDashboard,
// ScreenLiaisons). An inspector, who has 统计 only, gets the other tabs
// for the session when a screen is asked for by name (--screen).
func (o *officeScreens) show(screen string) {
	if len(o.items) < 4 {
		o.removeTabs()
		role := o.u.prefs.Role()
		o.u.prefs.SetRole(RoleDistrict)
		o.addTabs()
		o.u.prefs.SetRole(role)
	}
	var content fyne.CanvasObject
	switch screen {
	case ScreenRanking:
		content = o.ranking.content
		o.ranking.selectFirst = true
	case ScreenDashboard:
		content = o.dashboard.content
	case ScreenLiaisons:
		content = o.liaisons.content
	case ScreenAssignments:
		content = o.assign.content
	case ScreenReports:
		content = o.reports.content
	default:
		return
	}
	for _, it := range o.u.tabs.Items {
		if it.Content == content {
			o.u.tabs.Select(it)
			o.selected(content)
			return
		}
	}
}

// applyRole adds or removes the office's tabs after the role changed in
// 设置 (call it from there).
func (o *officeScreens) applyRole() {
	o.removeTabs()
	o.addTabs()
	if o.ranking.selected >= 0 {
		o.ranking.showPickState()
	}
}

func (o *officeScreens) removeTabs() {
	for _, it := range o.items {
		o.u.tabs.Remove(it)
	}
	o.items = nil
}

// addTabs puts the office's tabs for the role before 设置 (the last tab).
func (o *officeScreens) addTabs() {
	items := o.tabItems()
	if len(items) == 0 {
		return
	}
	tabs := o.u.tabs.Items
	last := tabs[len(tabs)-1]
	o.u.tabs.Items = append(append(tabs[:len(tabs)-1:len(tabs)-1], items...), last)
	o.u.tabs.Refresh()
}
