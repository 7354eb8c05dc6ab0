package main

// assign and assignments: 检查任务 from the command line (see
// docs/OFFICE.md, 检查任务).

import (
	"fmt"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

var assignCommands = []command{
	{"assign", "--db 文件 --community 编号 --inspector 姓名 --due YYYY-MM-DD [--note 文字] [--as 姓名] | --db 文件 --cancel 编号",
		"分派检查任务：谁、在哪天之前检查哪个小区（随下发的数据包发给检查员）；或取消一项任务",
		"  --db 文件          数据文件\n  --community 编号   小区编号（可只写开头，只要不与其他小区重复）\n" +
			"  --inspector 姓名   检查人员姓名（与其程序“设置”中的姓名一致）\n  --due 日期         完成期限，如 2024-09-30（当天之后算逾期）\n" +
			"  --note 文字        任务说明\n  --as 姓名          记录的分派人（默认为系统用户名）\n" +
			"  --cancel 编号      取消该检查任务（编号可只写开头，至少 8 位；记录保留，注明取消人和时间）",
		(*cli).cmdAssign},
	{"assignments", "--db 文件 [--inspector 姓名] [--district 县区] [--open | --overdue] [--all] [--json]",
		"列出检查任务及其状态（待检查、检查中、已完成、已逾期；已完成按检查员定稿的检查记录判断）",
		"  --db 文件          数据文件\n  --inspector 姓名   只列该检查人员的\n  --district 县区    只列该县（市）区的\n" +
			"  --open             只列未完成的\n  --overdue          只列逾期的\n  --all              也列出已取消的\n" +
			"  --json             以 JSON 数组输出：id、community_id、community_name、district、inspector、due_date、status、\n" +
			"                     status_label、days_left、note、assigned_by、assigned_at、inspection_id（完成它的检查记录）",
		(*cli).cmdAssignments},
}

// withAssignCommands puts assign and assignments before help.
func withAssignCommands(cmds []command) []command {
	for i, cmd := range cmds {
		if cmd.name == "help" {
			return append(append(cmds[:i:i], assignCommands...), cmds[i:]...)
		}
	}
	return append(cmds, assignCommands...)
}

func (c *cli) cmdAssign(args []string) error {
	fs := newFlags("assign")
	dbPath := fs.String("db", "", "")
	id := fs.String("community", "", "")
	who := fs.String("inspector", "", "")
	dueFlag := fs.String("due", "", "")
	note := fs.String("note", "", "")
	actor := fs.String("as", "", "")
	cancel := fs.String("cancel", "", "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	if *cancel != "" {
		if *id != "" || *who != "" || *dueFlag != "" || *note != "" {
			return misuse("--cancel 不能与 --community、--inspector、--due、--note 一起使用")
		}
		return c.cancelAssignment(*dbPath, *cancel, *actor)
	}
	switch {
	case *id == "":
		return misuse("缺少 --community：请指定小区编号（jiayuanctl list communities 可查看）")
	case *who == "":
		return misuse("缺少 --inspector：请指定检查人员姓名")
	case *dueFlag == "":
		return misuse("缺少 --due：请指定完成期限，如 2024-09-30")
	}
	due, err := time.ParseInLocation("2006-01-02", *dueFlag, time.Local)
	if err != nil {
		return misuse("完成期限「%s」无法识别，应写作 2024-09-30", *dueFlag)
	}
	db, err := c.openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetActor(*actor)
	com, err := c.findCommunity(db, *id)
	if err != nil {
		return err
	}
	a, err := db.AddAssignment(c.ctx, inspection.Assignment{CommunityID: com.ID, Inspector: *who, DueDate: due, Note: *note})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已分派：%s（%s）由 %s 在 %s 前检查\n编号 %s\n", com.Name, com.District, a.Inspector,
		a.DueDate.Format("2006-01-02"), a.ID)
	return nil
}

func (c *cli) cancelAssignment(dbPath, prefix, actor string) error {
	if len(prefix) < 8 {
		return misuse("--cancel 的编号至少写 8 位")
	}
	db, err := c.openExisting(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetActor(actor)
	vs, err := db.Assignments(c.ctx, store.AssignmentFilter{Cancelled: true})
	if err != nil {
		return err
	}
	var found []store.AssignmentView
	for _, v := range vs {
		if strings.HasPrefix(v.ID, prefix) {
			found = append(found, v)
		}
	}
	switch len(found) {
	case 0:
		return fmt.Errorf("没有编号以 %s 开头的检查任务", prefix)
	case 1:
	default:
		return fmt.Errorf("编号开头 %s 对应 %d 项检查任务，请多写几位", prefix, len(found))
	}
	v := found[0]
	if err := db.CancelAssignment(c.ctx, v.ID); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已取消：%s（%s）由 %s 在 %s 前检查\n", v.Community.Name, v.Community.District, v.Inspector,
		v.DueDate.Format("2006-01-02"))
	return nil
}

// assignmentJSON is one line of `assignments --json`. The keys are a
// contract with scripts: add, never rename.
type assignmentJSON struct {
	ID            string `json:"id"`
	CommunityID   string `json:"community_id"`
	CommunityName string `json:"community_name"`
	District      string `json:"district"`
	Inspector     string `json:"inspector"`
	DueDate       string `json:"due_date"`
	Status        string `json:"status"` // pending | in_progress | done | overdue | cancelled
	StatusLabel   string `json:"status_label"`
	DaysLeft      int    `json:"days_left"` // negative once overdue
	Note          string `json:"note"`
	AssignedBy    string `json:"assigned_by"`
	AssignedAt    string `json:"assigned_at"`
	InspectionID  string `json:"inspection_id"` // the finalized inspection that fulfils it
}

func (c *cli) cmdAssignments(args []string) error {
	fs := newFlags("assignments")
	dbPath := fs.String("db", "", "")
	who := fs.String("inspector", "", "")
	district := fs.String("district", "", "")
	open := fs.Bool("open", false, "")
	overdue := fs.Bool("overdue", false, "")
	all := fs.Bool("all", false, "")
	asJSON := fs.Bool("json", false, "")
	db, err := c.openFlags(fs, args, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	vs, err := db.Assignments(c.ctx, store.AssignmentFilter{Inspector: *who, District: *district, Open: *open,
		Overdue: *overdue, Cancelled: *all})
	if err != nil {
		return err
	}
	now := db.Now()
	if *asJSON {
		out := make([]assignmentJSON, 0, len(vs))
		for _, v := range vs {
			j := assignmentJSON{ID: v.ID, CommunityID: v.CommunityID, CommunityName: v.Community.Name,
				District: v.Community.District, Inspector: v.Inspector, DueDate: v.DueDate.Format("2006-01-02"),
				Status: string(v.State), StatusLabel: v.State.Label(), DaysLeft: v.DaysLeft(now), Note: v.Note,
				AssignedBy: v.AssignedBy, AssignedAt: v.AssignedAt.Format(time.RFC3339)}
			if v.Fulfilled != nil {
				j.InspectionID = v.Fulfilled.ID
			}
			out = append(out, j)
		}
		return writeJSON(c.stdout, out)
	}
	t := table{header: []string{"编号", "小区", "县（市）区", "检查人员", "期限", "状态", "说明"}}
	over := 0
	for _, v := range vs {
		st := v.State.Label()
		if v.State == inspection.StateOverdue {
			st = fmt.Sprintf("逾期 %d 天", -v.DaysLeft(now))
			over++
		}
		t.add(v.ID[len(v.ID)-12:], v.Community.Name, v.Community.District, v.Inspector, v.DueDate.Format("2006-01-02"),
			st, clipText(v.Note, 30))
	}
	fmt.Fprintf(c.stdout, "检查任务 %d 项，其中逾期 %d 项（截至 %s）\n\n", len(vs), over, now.Format("2006-01-02"))
	t.write(c.stdout)
	return nil
}
