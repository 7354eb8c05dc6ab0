package main

import (
	"path/filepath"
	"strings"
	"testing"
)

type assignmentRow struct {
	ID            string `json:"id"`
	CommunityID   string `json:"community_id"`
	CommunityName string `json:"community_name"`
	Inspector     string `json:"inspector"`
	DueDate       string `json:"due_date"`
	Status        string `json:"status"`
	StatusLabel   string `json:"status_label"`
	DaysLeft      int    `json:"days_left"`
	Note          string `json:"note"`
	AssignedBy    string `json:"assigned_by"`
}

// TestAssignCommands: assign two communities to 张三 and one to 李四 on a
// demo file, list them by inspector and overdue, as JSON and as a table;
// misuse is refused with exit status 2.
func TestAssignCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "assign.db")
	mustCtl(t, "demo", "--db", db, "--communities", "12")
	coms := decode[[]struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}](t, mustCtl(t, "list", "communities", "--db", db, "--json"))
	if len(coms) < 3 {
		t.Fatalf("%d communities", len(coms))
	}
	out := mustCtl(t, "assign", "--db", db, "--community", coms[0].ID, "--inspector", "张三", "--due", "2099-12-31",
		"--note", "重点看消防通道", "--as", "鼓楼区住建局")
	if !strings.Contains(out, "已分派："+coms[0].Name) {
		t.Fatalf("assign: %s", out)
	}
	mustCtl(t, "assign", "--db", db, "--community", coms[1].ID, "--inspector", " 张三 ", "--due", "2001-01-31")
	mustCtl(t, "assign", "--db", db, "--community", coms[2].ID, "--inspector", "李四", "--due", "2099-01-31")

	rows := decode[[]assignmentRow](t, mustCtl(t, "assignments", "--db", db, "--inspector", "张三", "--json"))
	if len(rows) != 2 || rows[0].CommunityName != coms[1].Name || rows[0].Status != "overdue" || rows[0].DaysLeft >= 0 ||
		rows[1].Status != "pending" || rows[1].Note != "重点看消防通道" || rows[1].AssignedBy != "鼓楼区住建局" {
		t.Fatalf("张三's: %+v", rows)
	}
	if rows := decode[[]assignmentRow](t, mustCtl(t, "assignments", "--db", db, "--overdue", "--json")); len(rows) != 1 ||
		rows[0].Inspector != "张三" {
		t.Fatalf("overdue: %+v", rows)
	}
	table := mustCtl(t, "assignments", "--db", db)
	if !strings.Contains(table, "检查任务 3 项，其中逾期 1 项") || !strings.Contains(table, "李四") || !strings.Contains(table, "逾期") {
		t.Fatalf("table:\n%s", table)
	}
	out = mustCtl(t, "assign", "--db", db, "--cancel", rows[1].ID[:13], "--as", "鼓楼区住建局")
	if !strings.Contains(out, "已取消："+coms[0].Name) {
		t.Fatalf("cancel: %s", out)
	}
	if rows := decode[[]assignmentRow](t, mustCtl(t, "assignments", "--db", db, "--all", "--json")); len(rows) != 3 ||
		rows[2].Status != "cancelled" {
		t.Fatalf("after cancel: %+v", rows)
	}
	if _, errOut, code := ctl(t, "assign", "--db", db, "--cancel", rows[1].ID); code != exitFailure || !strings.Contains(errOut, "已取消") {
		t.Errorf("cancel twice: exit %d, %s", code, errOut)
	}
	mustCtl(t, "verify", "--db", db)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"assign", "--db", db, "--community", coms[0].ID, "--inspector", "张三"}, "缺少 --due"},
		{[]string{"assign", "--db", db, "--community", coms[0].ID, "--inspector", "张三", "--due", "下周五"}, "完成期限「下周五」无法识别"},
		{[]string{"assign", "--db", db, "--inspector", "张三", "--due", "2099-01-01"}, "缺少 --community"},
	} {
		_, errOut, code := ctl(t, c.args...)
		if code != exitMisuse || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %s", c.args, code, errOut)
		}
	}
	if _, errOut, code := ctl(t, "assign", "--db", db, "--community", coms[0].ID, "--inspector", strings.Repeat("张", 60),
		"--due", "2099-01-01"); code != exitFailure || !strings.Contains(errOut, "不能超过50字") {
		t.Errorf("long name: exit %d, %s", code, errOut)
	}
}
