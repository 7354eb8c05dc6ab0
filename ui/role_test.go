package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
)

// tabTexts are the window's tab labels in order.
func tabTexts(u *App) []string {
	var out []string
	for _, it := range u.tabs.Items {
		out = append(out, it.Text)
	}
	return out
}

// TestRoleChangeAppliesAtOnce changes the role in 设置 as the real app
// builds it (设置 built when first selected): the office's tabs appear and
// go at once, 设置 stays the selected (and last) tab, and a new office tab
// opens its screen.
func TestRoleChangeAppliesAtOnce(t *testing.T) {
	u := newLazyTestUI(t)
	officeOnly := []string{"评选", "联络员", "检查任务"}
	has := func(texts []string, want ...string) bool {
		for _, w := range want {
			if !slices.Contains(texts, w) {
				return false
			}
		}
		return true
	}
	if texts := tabTexts(u); !has(texts, "统计", "报表") || slices.ContainsFunc(officeOnly, func(s string) bool { return slices.Contains(texts, s) }) {
		t.Fatalf("检查员 tabs: %v", texts)
	}
	u.tabs.Select(u.settingsItem)

	for _, step := range []struct {
		index int
		role  string
		shown bool
	}{{1, RoleDistrict, true}, {0, RoleInspector, false}, {2, RoleCity, true}} {
		u.settings.role.SetSelectedIndex(step.index)
		if got := u.prefs.Role(); got != step.role {
			t.Fatalf("saved role %q, want %q", got, step.role)
		}
		texts := tabTexts(u)
		for _, name := range officeOnly {
			if slices.Contains(texts, name) != step.shown {
				t.Errorf("role %s: tabs %v (%s shown: want %v)", step.role, texts, name, step.shown)
			}
		}
		if u.tabs.Selected() != u.settingsItem || texts[len(texts)-1] != "设置" {
			t.Errorf("role %s: selected %q, tabs %v; want 设置 selected and last", step.role, u.tabs.Selected().Text, texts)
		}
	}

	// 市局 now: the new 评选 tab opens and loads its screen.
	for _, it := range u.tabs.Items {
		if it.Text == "评选" {
			u.tabs.Select(it)
		}
	}
	if u.tabs.Selected().Content != u.office.ranking.content {
		t.Errorf("评选 shows %q", u.tabs.Selected().Text)
	}
	// Back to 检查员 while on 评选: its tab goes, the list is shown.
	u.prefs.SetRole(RoleCity)
	u.settings.role.SetSelectedIndex(0)
	if sel := u.tabs.Selected(); sel == nil || sel.Text != "小区列表" {
		t.Errorf("after the selected office tab went: %v selected", sel)
	}
}

// TestWelcomeRoleAppliesAtOnce chooses 区局 in the first-run dialog of the
// real app's window, where 设置 is not built yet: the office's tabs
// appear without a restart.
func TestWelcomeRoleAppliesAtOnce(t *testing.T) {
	u := newLazyTestUI(t)
	u.showWelcome()
	w := u.welcome
	w.name.SetText("王芳")
	w.role.SetSelected(w.role.Options[1])
	test.Tap(w.save)
	if u.prefs.Role() != RoleDistrict || u.settings != nil {
		t.Fatalf("role %q, 设置 built: %v", u.prefs.Role(), u.settings != nil)
	}
	if texts := tabTexts(u); !slices.Contains(texts, "评选") || !slices.Contains(texts, "检查任务") || texts[len(texts)-1] != "设置" {
		t.Errorf("区局 tabs after the first-run dialog: %v", texts)
	}
	if u.tabs.SelectedIndex() != 0 {
		t.Errorf("selected %q, want 小区列表", u.tabs.Selected().Text)
	}
}
