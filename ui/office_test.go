package ui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// officeDB is openTestDB's city with one more 鼓楼区 community and a
// 台江区 one with a blocked fire lane; every community but 三坊七巷小区 is
// inspected and has the top satisfaction (a tie: all in the top 5 %).
func officeDB(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, tpl := openTestDB(t)
	for _, c := range []inspection.Community{
		{Name: "鼓楼新苑", District: "鼓楼区", Street: "东街街道", Type: "商品房", PropertyCompany: "福建美家物业服务有限公司"},
		{Name: "达江花园", District: "台江区", Street: "上海街道", Type: "商品房", PropertyCompany: "闽都物业"},
	} {
		if _, err := db.AddCommunity(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	var figs []store.CommunityFigures
	for _, name := range []string{"怡乐花园", "金山碧水", "鼓楼新苑", "达江花园"} {
		id := communityID(t, db, name)
		in, err := db.StartInspection(ctx, id, tpl.ID, tpl.Version, []string{"张三"})
		if err != nil {
			t.Fatal(err)
		}
		answerAllPassing(t, db, tpl, in.ID)
		if name == "达江花园" {
			if _, err := db.SetResult(ctx, in.ID, "8.4", inspection.Fail); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "张三", Role: "检查员"}}); err != nil {
			t.Fatal(err)
		}
		sat := 99.0
		figs = append(figs, store.CommunityFigures{CommunityID: id, Satisfaction: &sat})
	}
	if _, err := db.SetCommunityFigures(ctx, figs); err != nil {
		t.Fatal(err)
	}
	return db
}

// newRoleUI builds the real window over db as a user of the role.
func newRoleUI(t *testing.T, db *store.DB, role, district string) *App {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	p := prefs{a.Preferences()}
	p.SetRole(role)
	p.SetDistrict(district)
	p.SetName("王科长")
	u := newApp(a, Options{DB: db})
	u.async = func(f func()) { f() }
	u.debounce = 0
	u.busyDelay = time.Hour
	u.now = func() time.Time { return time.Date(2024, 9, 10, 12, 0, 0, 0, time.Local) }
	u.build()
	u.start()
	u.window.Resize(fyne.NewSize(1180, 760))
	t.Cleanup(func() { u.window.Close() })
	return u
}

func (s *rankingScreen) rowOf(t *testing.T, name string) int {
	t.Helper()
	for i, r := range s.rows {
		if r.Community.Name == name {
			return i
		}
	}
	t.Fatalf("%s not in the ranking", name)
	return -1
}

func tabTitles(u *App) string {
	var out []string
	for _, it := range u.tabs.Items {
		out = append(out, it.Text)
	}
	return strings.Join(out, " ")
}

func TestRankingScreenPicksWithLimits(t *testing.T) {
	ctx := context.Background()
	db := officeDB(t)
	u := newRoleUI(t, db, RoleDistrict, "鼓楼区")
	if titles := tabTitles(u); !strings.Contains(titles, "评选 统计 联络员 检查任务 报表 设置") {
		t.Fatalf("tabs: %s", titles)
	}
	u.office.show(ScreenRanking)
	s := u.office.ranking
	if s.scopeDistrict() != "鼓楼区" {
		t.Errorf("a district office starts on its district, got %q", s.scopeDistrict())
	}
	if len(s.rows) != 3 || !s.rows[0].Verdict.Eligible() || s.rows[0].Rank != 1 || s.rows[2].Community.Name != "三坊七巷小区" {
		t.Fatalf("ranking of 鼓楼区: %+v", s.rows)
	}
	if !strings.Contains(s.summary.Text, "符合条件 2 个") {
		t.Errorf("summary %q", s.summary.Text)
	}
	// The uninspected one says why and cannot be picked.
	s.list.Select(s.rowOf(t, "三坊七巷小区"))
	if !strings.Contains(s.reasons.Text, "✗ 未检查") {
		t.Errorf("reasons %q", s.reasons.Text)
	}
	test.Tap(s.pick)
	if !strings.Contains(s.message.Text, "不符合「美好家园」条件：「三坊七巷小区」未检查：没有已定稿的检查记录") {
		t.Errorf("picking an uninspected community: %q", s.message.Text)
	}

	for _, name := range []string{"怡乐花园", "鼓楼新苑"} {
		s.list.Select(s.rowOf(t, name))
		if s.pick.Hidden || !strings.Contains(s.pick.Text, "选为区级「美好家园」") {
			t.Fatalf("pick button %q hidden=%v", s.pick.Text, s.pick.Hidden)
		}
		test.Tap(s.pick)
		if s.message.Text != "已选树" {
			t.Fatalf("picking %s: %q", name, s.message.Text)
		}
	}
	if !strings.Contains(s.pickState.Text, "鼓楼区已选区级「美好家园」2/2 个") {
		t.Errorf("pick state %q", s.pickState.Text)
	}
	// A typical case needs its introduction.
	s.list.Select(s.rowOf(t, "怡乐花园"))
	test.Tap(s.typical)
	if s.introDialog == nil {
		t.Fatal("no introduction dialog")
	}
	s.introDialog.intro.SetText("党建引领、业委会规范运行，近一年零投诉。")
	test.Tap(s.introDialog.ok)
	if s.message.Text != "已推荐为典型案例" {
		t.Fatalf("typical: %q", s.message.Text)
	}
	picks, _ := db.Picks(ctx, store.PickFilter{})
	if len(picks) != 3 || picks[0].PickedBy != "王科长" {
		t.Fatalf("picks: %+v", picks)
	}
	// The list marks the picks.
	row := newStandingRowView()
	row.set(s.rows[s.rowOf(t, "怡乐花园")], s.picks[communityID(t, db, "怡乐花园")])
	if !strings.Contains(row.title.Text, "★ 区级「美好家园」、区级典型案例") {
		t.Errorf("row title %q", row.title.Text)
	}

	// 鼓楼区 is full: withdraw one, then the freed place can be used.
	s.list.Select(s.rowOf(t, "鼓楼新苑"))
	if !strings.Contains(s.pick.Text, "撤销") {
		t.Fatalf("button %q", s.pick.Text)
	}
	test.Tap(s.pick)
	if s.message.Text != "已撤销" {
		t.Fatalf("unpick: %q", s.message.Text)
	}
	// Another district's ranking: the vetoed one is listed with its reason.
	s.district.SetSelected("台江区")
	if len(s.rows) != 1 || s.rows[0].Verdict.Status != inspection.StatusIneligible {
		t.Fatalf("台江区: %+v", s.rows)
	}
	s.list.Select(0)
	if !strings.Contains(s.reasons.Text, "✗ 一票否决：8.4") {
		t.Errorf("veto reason: %q", s.reasons.Text)
	}
	test.Tap(s.pick)
	if !strings.Contains(s.message.Text, "「达江花园」不符合条件：一票否决：8.4") {
		t.Errorf("picking a vetoed one: %q", s.message.Text)
	}
}

func TestRankingLimitMessage(t *testing.T) {
	db := officeDB(t)
	ctx := context.Background()
	for _, name := range []string{"怡乐花园", "鼓楼新苑"} {
		if _, err := db.Pick(ctx, store.PickRequest{CommunityID: communityID(t, db, name), Level: inspection.LevelDistrict}); err != nil {
			t.Fatal(err)
		}
	}
	// A third eligible 鼓楼区 community.
	u := newRoleUI(t, db, RoleDistrict, "鼓楼区")
	c, err := db.AddCommunity(ctx, inspection.Community{Name: "鼓楼第三园", District: "鼓楼区", Street: "南街街道", Type: "商品房"})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := db.ListInspections(ctx, store.InspectionFilter{Status: inspection.Finalized})
	full, _ := db.Inspection(ctx, rec[0].ID)
	in, err := db.StartInspection(ctx, c.ID, full.Template.ID, full.Template.Version, []string{"张三"})
	if err != nil {
		t.Fatal(err)
	}
	answerAllPassing(t, db, full.Template, in.ID)
	if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "张三"}}); err != nil {
		t.Fatal(err)
	}
	sat := 99.0
	if _, err := db.SetCommunityFigures(ctx, []store.CommunityFigures{{CommunityID: c.ID, Satisfaction: &sat}}); err != nil {
		t.Fatal(err)
	}
	u.office.show(ScreenRanking)
	s := u.office.ranking
	s.list.Select(s.rowOf(t, "鼓楼第三园"))
	test.Tap(s.pick)
	if !strings.Contains(s.message.Text, "每个县（市）区最多2个") || s.message.Importance != widget.DangerImportance {
		t.Errorf("limit message %q", s.message.Text)
	}
	if picks, _ := db.Picks(ctx, store.PickFilter{}); len(picks) != 2 {
		t.Errorf("%d picks after a refused one", len(picks))
	}
}

func TestInspectorHasNoOfficeTabsNorPickActions(t *testing.T) {
	db := officeDB(t)
	u := newRoleUI(t, db, RoleInspector, "")
	if titles := tabTitles(u); strings.Contains(titles, "评选") || strings.Contains(titles, "联络员") || !strings.Contains(titles, "统计") {
		t.Fatalf("an inspector sees %s", titles)
	}
	// Asked for by name (--screen ranking), the ranking shows, without
	// pick actions.
	u.office.show(ScreenRanking)
	s := u.office.ranking
	s.list.Select(0)
	if s.pick.Visible() || s.typical.Visible() || !strings.Contains(s.pickState.Text, "选树由区局、市局进行") {
		t.Errorf("pick actions for an inspector: %v %q", s.pick.Visible(), s.pickState.Text)
	}
}

func TestCityPicksAmongDistrictPicks(t *testing.T) {
	db := officeDB(t)
	ctx := context.Background()
	if _, err := db.Pick(ctx, store.PickRequest{CommunityID: communityID(t, db, "怡乐花园"), Level: inspection.LevelDistrict}); err != nil {
		t.Fatal(err)
	}
	u := newRoleUI(t, db, RoleCity, "")
	u.office.show(ScreenRanking)
	s := u.office.ranking
	if s.scopeDistrict() != "" || len(s.rows) != 5 {
		t.Fatalf("the city sees %d rows of %q", len(s.rows), s.scopeDistrict())
	}
	s.list.Select(s.rowOf(t, "金山碧水"))
	test.Tap(s.pick)
	if !strings.Contains(s.message.Text, "不是区级「美好家园」") {
		t.Errorf("city pick of a non-pick: %q", s.message.Text)
	}
	s.list.Select(s.rowOf(t, "怡乐花园"))
	if !strings.Contains(s.pick.Text, "选为市级") {
		t.Fatalf("button %q", s.pick.Text)
	}
	test.Tap(s.pick)
	if s.message.Text != "已选树" || !strings.Contains(s.pickState.Text, "全市已选市级「美好家园」1/10 个") {
		t.Errorf("city pick: %q / %q", s.message.Text, s.pickState.Text)
	}
}

func TestDashboardFiguresChartsAndExport(t *testing.T) {
	db := officeDB(t)
	ctx := context.Background()
	if _, err := db.Pick(ctx, store.PickRequest{CommunityID: communityID(t, db, "怡乐花园"), Level: inspection.LevelDistrict}); err != nil {
		t.Fatal(err)
	}
	u := newRoleUI(t, db, RoleCity, "")
	u.office.show(ScreenDashboard)
	s := u.office.dashboard
	for _, want := range []string{"小区 5 个，已检查 4 个", "一票否决 1 个", "符合“美好家园”条件 3 个；区级选树 1 个", "未完成整改"} {
		if !strings.Contains(s.figures.Text, want) {
			t.Errorf("figures lack %q:\n%s", want, s.figures.Text)
		}
	}
	if len(s.reminders.Objects) != 2 {
		t.Fatalf("%d reminders", len(s.reminders.Objects))
	}
	// u.now is 2024-09-10: 8月15日 passed 26 days ago, 9月23日 in 13 days.
	if l := s.reminders.Objects[1]; !strings.Contains(labelText(l), "2024年9月23日") || !strings.Contains(labelText(l), "还有 13 天") {
		t.Errorf("reminder %q", labelText(l))
	}
	if !strings.Contains(labelText(s.reminders.Objects[0]), "已过 26 天") {
		t.Errorf("reminder %q", labelText(s.reminders.Objects[0]))
	}
	if got := strings.Join(s.byStatus.labels, " "); got != "仓山区 台江区 鼓楼区" {
		t.Errorf("district chart labels %q", got)
	}
	if s.byStatus.total(2) != 3 || len(s.failing.labels) != 1 || !strings.HasPrefix(s.failing.labels[0], "8.4") {
		t.Errorf("charts: 鼓楼区 %v, failing %v", s.byStatus.total(2), s.failing.labels)
	}
	var inHist float64
	for i := range s.histogram.labels {
		inHist += s.histogram.total(i)
	}
	if inHist != 4 {
		t.Errorf("histogram counts %v", inHist)
	}
	// The charts draw their bars and labels.
	if n := len(test.WidgetRenderer(s.byStatus).Objects()); n < 10 {
		t.Errorf("the district chart draws %d objects", n)
	}

	s.suggest.SetText("建议加强老旧小区物业管理。")
	if v, _ := db.ReportSuggestions(ctx); v != "建议加强老旧小区物业管理。" {
		t.Errorf("suggestions saved %q", v)
	}
	test.Tap(s.export)
	if s.exported == "" {
		t.Fatal("nothing exported")
	}
	f, err := excelize.OpenFile(s.exported)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("工作报告数据")
	var all []string
	for _, r := range rows {
		all = append(all, strings.Join(r, "|"))
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{"建议加强老旧小区物业管理。", "区级「美好家园」", "怡乐花园", "符合“美好家园”条件"} {
		if !strings.Contains(text, want) {
			t.Errorf("the exported report lacks %q", want)
		}
	}
	os.RemoveAll(u.exportDir("工作报告"))
}

func labelText(o fyne.CanvasObject) string {
	if l, ok := o.(*widget.Label); ok {
		return l.Text
	}
	return ""
}

func TestLiaisonsEditExportImport(t *testing.T) {
	db := officeDB(t)
	ctx := context.Background()
	u := newRoleUI(t, db, RoleDistrict, "鼓楼区")
	u.office.show(ScreenLiaisons)
	s := u.office.liaisons
	test.Tap(s.add)
	if s.fields["district"].Text != "鼓楼区" {
		t.Errorf("district prefilled %q", s.fields["district"].Text)
	}
	s.fields["unit"].SetText("鼓楼区住建局")
	s.fields["department"].SetText("物业科")
	s.fields["name"].SetText("林晓燕")
	s.fields["mobile"].SetText("13905910001")
	test.Tap(s.save)
	if len(s.rows) != 1 || s.rows[0].Name != "林晓燕" {
		t.Fatalf("after save: %+v (%s)", s.rows, s.message.Text)
	}
	// Renaming makes the new entry and removes the old one.
	s.list.Select(0)
	s.fields["name"].SetText("林晓艳")
	test.Tap(s.save)
	if len(s.rows) != 1 || s.rows[0].Name != "林晓艳" {
		t.Fatalf("after rename: %+v", s.rows)
	}
	test.Tap(s.exportBtn)
	if s.exported == "" {
		t.Fatal("not exported")
	}
	defer os.RemoveAll(u.exportDir("联络员名单"))
	s.deleteID(s.rows[0].ID)
	if ls, _ := db.Liaisons(ctx, ""); len(ls) != 0 {
		t.Fatalf("after delete: %d", len(ls))
	}
	s.importFile(s.exported, true)
	ls, _ := db.Liaisons(ctx, "")
	if len(ls) != 1 || ls[0].Mobile != "13905910001" || ls[0].Department != "物业科" {
		t.Fatalf("after import: %+v", ls)
	}
	if rep, err := db.Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("verify: %v %v", rep.Problems, err)
	}
}
