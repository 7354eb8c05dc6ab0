package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/jiayuan-inspect/jiayuan/inspection"

	"github.com/jiayuan-inspect/jiayuan/store"
)

func names(rows []store.CommunityRow) string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return strings.Join(out, ",")
}

func TestSearchByPinyinInitials(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	s := u.communities

	test.Type(s.search, "ylhy")
	if got := names(s.rows); got != "怡乐花园" {
		t.Errorf("ylhy finds %q, want 怡乐花园", got)
	}
	if s.list.Length() != 1 {
		t.Errorf("list length %d", s.list.Length())
	}
	s.search.SetText("南后街") // address
	if got := names(s.rows); got != "三坊七巷小区" {
		t.Errorf("南后街 finds %q", got)
	}
	s.search.SetText("")
	s.district.SetSelected("鼓楼区")
	if got := names(s.rows); got != "怡乐花园,三坊七巷小区" { // by street: 东街 before 南街
		t.Errorf("鼓楼区 shows %q", got)
	}
	if len(s.street.Options) != 3 { // 全部街道, 东街街道, 南街街道
		t.Errorf("street options %v", s.street.Options)
	}
	s.street.SetSelected("东街街道")
	if got := names(s.rows); got != "怡乐花园" {
		t.Errorf("东街街道 shows %q", got)
	}
}

func TestStatusFilterAndRowOpensDetail(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	startInspection(t, u, "金山碧水")
	u.showCommunities()
	s := u.communities
	s.status.SetSelected("检查中")
	if got := names(s.rows); got != "金山碧水" {
		t.Errorf("检查中 shows %q", got)
	}
	s.status.SetSelected("未检查")
	if got := names(s.rows); got != "怡乐花园,三坊七巷小区" {
		t.Errorf("未检查 shows %q", got)
	}
	s.list.Select(0)
	if u.community == nil || u.community.title.Text != "怡乐花园" {
		t.Fatal("tapping a row does not open the community")
	}
	if got := u.community.factValues["物业服务企业"].Text; got != "福建美家物业服务有限公司" {
		t.Errorf("property company shows %q", got)
	}
}

func TestAddCommunityShowsProblemsAndKeepsInput(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	test.Tap(u.communities.add)
	f := u.communities.form
	f.district.SetText("")
	f.address.SetText("福州市晋安区福新路9号")
	f.households.SetText("八百")
	test.Tap(f.save)
	if !f.errLabel.Visible() {
		t.Fatal("no message for an empty name")
	}
	for _, want := range []string{"小区名称不能为空", "所属县（市）区不能为空", "户数应为整数"} {
		if !strings.Contains(f.errLabel.Text, want) {
			t.Errorf("message %q lacks %q", f.errLabel.Text, want)
		}
	}
	if f.address.Text != "福州市晋安区福新路9号" {
		t.Error("the address typed was lost")
	}
	f.name.SetText("福新花园")
	f.district.SetText("晋安区")
	f.households.SetText("800")
	test.Tap(f.save)
	if f.errLabel.Visible() {
		t.Fatalf("still a problem: %s", f.errLabel.Text)
	}
	rows, err := db.ListCommunityRows(context.Background(), store.CommunityRowFilter{Query: "fxhy"})
	if err != nil || len(rows) != 1 || rows[0].Households != 800 || rows[0].District != "晋安区" {
		t.Fatalf("stored: %+v, %v", rows, err)
	}
	if u.community == nil || u.community.id != rows[0].ID {
		t.Error("the new community is not opened")
	}

	// Edit it: the change is stored.
	e := showCommunityForm(u, &u.community.c, nil)
	e.company.SetText("晋安物业")
	test.Tap(e.save)
	c, err := db.Community(context.Background(), rows[0].ID)
	if err != nil || c.PropertyCompany != "晋安物业" || c.Address != "福州市晋安区福新路9号" {
		t.Errorf("edited: %+v, %v", c, err)
	}
}

// TestListFollowsDataChanges checks that the list, filtered in memory,
// follows the file: a community added with 新增小区, an inspection started,
// and a community stored where no screen tells the list (found at the
// next keystroke through the file's change mark).
func TestListFollowsDataChanges(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	s := u.communities
	s.search.SetText("fxhy")
	if got := names(s.rows); got != "" {
		t.Fatalf("fxhy finds %q before the community exists", got)
	}

	// 新增小区: shown at once under the search typed before.
	test.Tap(s.add)
	f := s.form
	f.name.SetText("福新花园")
	f.district.SetText("晋安区")
	test.Tap(f.save)
	if f.errLabel.Visible() {
		t.Fatalf("not saved: %s", f.errLabel.Text)
	}
	if got := names(s.rows); got != "福新花园" {
		t.Errorf("after 新增小区, fxhy shows %q", got)
	}
	if s.count.Text != "共 1 个小区" {
		t.Errorf("count line %q", s.count.Text)
	}

	// An inspection started: 检查中 when the list is shown again.
	startInspection(t, u, "三坊七巷小区")
	u.showCommunities()
	s.search.SetText("")
	s.status.SetSelected("检查中")
	if got := names(s.rows); got != "三坊七巷小区" {
		t.Errorf("检查中 shows %q after an inspection started", got)
	}
	s.status.SetSelected("未检查")
	if got := names(s.rows); strings.Contains(got, "三坊七巷小区") || !strings.Contains(got, "福新花园") {
		t.Errorf("未检查 shows %q", got)
	}

	// Stored behind the list's back: the next keystroke reads again.
	if _, err := db.AddCommunity(context.Background(), inspection.Community{Name: "万科城", District: "仓山区"}); err != nil {
		t.Fatal(err)
	}
	s.search.SetText("wkc")
	if got := names(s.rows); got != "万科城" {
		t.Errorf("wkc shows %q after a community was stored elsewhere", got)
	}
	s.search.SetText("")
	if got := names(s.rows); got != "万科城,金山碧水,福新花园,怡乐花园" {
		t.Errorf("未检查 shows %q", got)
	}

	// 我的任务 after the name in 设置 changed (which the file does not
	// record): the tasks are read again for the new name.
	d := time.Date(2024, 9, 30, 0, 0, 0, 0, time.Local)
	if _, err := db.AddAssignment(context.Background(), inspection.Assignment{
		CommunityID: communityID(t, db, "怡乐花园"), Inspector: "王科长", DueDate: d}); err != nil {
		t.Fatal(err)
	}
	s.search.SetText("y") // reads again: the assignment moved the mark
	s.search.SetText("")
	u.prefs.SetName("王科长")
	s.status.SetSelected("我的任务")
	if got := names(s.rows); got != "怡乐花园" {
		t.Errorf("我的任务 for 王科长 shows %q", got)
	}
}
