package main

// The office's work: rank (eligibility and ranking), pick and unpick
// (选树 with its limits), actions (整改 follow-up, overdue by the clock)
// and report (the work report workbook with charts). See docs/OFFICE.md.

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// officeCommands are the office's commands, registered in commands().
func officeCommands() []command {
	return []command{
		{"rank", "--db 文件 [--district 县区] [--type 类型] [--street 街道] [--json]",
			"评选排名：每个小区的总分、是否符合“美好家园”条件及原因；符合条件的按总分排名，其余列在后面",
			"  --db 文件        数据文件\n  --district 县区  只列该县（市）区（排名为区内排名；满意度、投诉率仍按全市计算百分位）\n" +
				"  --type 类型      只列该类型的小区（商品房、老旧小区、安置房…）\n  --street 街道    只列该街道（乡镇）\n" +
				"  --json           以 JSON 数组输出：community_id、name、district、street、type、score、eligible、status、\n" +
				"                   status_label、rank（不符合条件时为 null）、reasons、failures、satisfaction、complaint_rate、fee_rate、picks",
			(*cli).cmdRank},
		{"pick", "--db 文件 --community 编号 --level district|city [--typical --intro 文字] [--as 姓名]",
			"选树“美好家园”小区或典型案例（检查条件和名额：每区1至2个、典型案例1个；市级不超过10个且须为区级选树小区）",
			"  --db 文件          数据文件\n  --community 编号   小区编号（可只写开头，只要不与其他小区重复）\n" +
				"  --level 级别       district（区级）或 city（市级）\n  --typical          推荐为典型案例（须已是同级“美好家园”）\n" +
				"  --intro 文字       典型案例的小区情况介绍（--typical 时必填）\n  --as 姓名          记录的选树人（默认为系统用户名）",
			(*cli).cmdPick},
		{"unpick", "--db 文件 --community 编号 --level district|city [--typical] [--as 姓名]",
			"撤销选树（记录保留，注明撤销人和时间）",
			"  --db 文件          数据文件\n  --community 编号   小区编号（可只写开头）\n  --level 级别       district 或 city\n" +
				"  --typical          撤销典型案例（而不是“美好家园”选树）\n  --as 姓名          记录的撤销人",
			(*cli).cmdUnpick},
		{"actions", "--db 文件 [--district 县区] [--overdue | --open] [--json] [--done 编号 [--note 文字]]",
			"整改跟踪：列出整改事项及其状态（逾期按当前日期计算），或把一项标记为已整改",
			"  --db 文件        数据文件\n  --district 县区  只列该县（市）区\n  --overdue        只列逾期的\n  --open           只列未完成的（待整改、整改中、逾期）\n" +
				"  --json           以 JSON 数组输出：id、community_id、community_name、district、item_code、problem、responsible、\n" +
				"                   due_date、status、status_label、days_overdue、recheck_inspection_id、recheck_result、note\n" +
				"  --done 编号      把该整改事项标记为已整改（编号可只写开头）；--note 记录整改情况",
			(*cli).cmdActions},
		{"report", "--db 文件 --out 文件.xlsx [--district 县区] [--suggestions 文字] [--pass 分数]",
			"导出工作报告（9月23日前报送）：检查、达标、符合条件、选树情况、主要问题、存在问题及建议，带图表",
			"  --db 文件           数据文件\n  --out 文件          输出的 .xlsx 文件\n  --district 县区     只含该县（市）区\n" +
				"  --suggestions 文字  存在问题及建议（默认为在程序“统计”页保存的文字）\n  --pass 分数         “达标”的总分（默认 80）",
			(*cli).cmdReport},
	}
}

// rankJSON is one line of `rank --json`. The keys are a contract with
// scripts: add, never rename.
type rankJSON struct {
	CommunityID   string   `json:"community_id"`
	Name          string   `json:"name"`
	District      string   `json:"district"`
	Street        string   `json:"street"`
	Type          string   `json:"type"`
	Score         *float64 `json:"score"` // null when never inspected (or nothing applicable)
	Eligible      bool     `json:"eligible"`
	Status        string   `json:"status"` // eligible | ineligible | insufficient | uninspected
	StatusLabel   string   `json:"status_label"`
	Rank          *int     `json:"rank"` // among the eligible of the list; null for the others
	Reasons       []string `json:"reasons"`
	Failures      []string `json:"failures"`
	Satisfaction  *float64 `json:"satisfaction"`
	ComplaintRate *float64 `json:"complaint_rate"`
	FeeRate       *float64 `json:"fee_rate"`
	Picks         []string `json:"picks"` // 区级「美好家园」, 市级典型案例 …
}

func (c *cli) cmdRank(args []string) error {
	fs := newFlags("rank")
	dbPath := fs.String("db", "", "")
	district := fs.String("district", "", "")
	typ := fs.String("type", "", "")
	street := fs.String("street", "", "")
	asJSON := fs.Bool("json", false, "")
	db, err := c.openFlags(fs, args, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if *district != "" {
		if ds, err := db.Districts(c.ctx); err == nil && !contains(ds, *district) {
			return fmt.Errorf("没有县（市）区「%s」的小区（已有：%s）", *district, strings.Join(ds, "、"))
		}
	}
	list, err := db.Ranking(c.ctx, store.OfficeFilter{District: *district, Type: *typ, Street: *street})
	if err != nil {
		return err
	}
	picks, err := db.Picks(c.ctx, store.PickFilter{})
	if err != nil {
		return err
	}
	kinds := map[string][]string{}
	for _, p := range picks {
		kinds[p.CommunityID] = append(kinds[p.CommunityID], p.Kind())
	}
	if *asJSON {
		out := make([]rankJSON, 0, len(list))
		for _, s := range list {
			v := s.Verdict
			r := rankJSON{CommunityID: s.Community.ID, Name: s.Community.Name, District: s.Community.District,
				Street: s.Community.Street, Type: s.Community.Type, Eligible: v.Eligible(), Status: string(v.Status),
				StatusLabel: v.Status.Label(), Reasons: nonNil(v.Reasons), Failures: nonNil(v.Failures),
				Satisfaction: v.SatisfactionValue.Value, ComplaintRate: v.Rate.Value, FeeRate: v.FeeRate.Value,
				Picks: nonNil(kinds[s.Community.ID])}
			if s.ScoreDefined {
				sc := roundTo(s.Score, 2)
				r.Score = &sc
			}
			if s.Rank > 0 {
				rank := s.Rank
				r.Rank = &rank
			}
			out = append(out, r)
		}
		return writeJSON(c.stdout, out)
	}
	scope := "全市"
	if *district != "" {
		scope = *district
	}
	t := table{header: []string{"排名", "小区", "县（市）区", "街道", "总分", "结论", "选树", "原因"}, right: map[int]bool{0: true, 4: true}}
	eligible := 0
	for _, s := range list {
		rank := ""
		if s.Rank > 0 {
			rank = fmt.Sprint(s.Rank)
			eligible++
		}
		why := strings.Join(s.Verdict.Failures, "；")
		if s.Verdict.Eligible() {
			for _, r := range s.Verdict.Reasons {
				if strings.Contains(r, "位于全市") {
					why = r
				}
			}
		}
		t.add(rank, s.Community.Name, s.Community.District, s.Community.Street, formatScore(s.Score, s.ScoreDefined),
			s.Verdict.Status.Label(), strings.Join(kinds[s.Community.ID], "、"), clipText(why, 60))
	}
	fmt.Fprintf(c.stdout, "%s共 %d 个小区，符合“美好家园”条件 %d 个（满意度、投诉率按全市全部小区计算百分位）\n\n", scope, len(list), eligible)
	t.write(c.stdout)
	if probs, err := db.PickProblems(c.ctx); err == nil && len(probs) > 0 {
		fmt.Fprintf(c.stdout, "\n注意：选树超出规定（可能由两处同时选树后合并数据造成）：%s\n", strings.Join(probs, "；"))
	}
	return nil
}

func roundTo(v float64, places int) float64 {
	p := 1.0
	for i := 0; i < places; i++ {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}

func formatScore(v float64, defined bool) string {
	if !defined {
		return "—"
	}
	return fmt.Sprintf("%.1f", v)
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// findCommunity finds a community by its id or the unique start of it.
func (c *cli) findCommunity(db *store.DB, id string) (inspection.Community, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return inspection.Community{}, misuse("缺少 --community：请指定小区编号（jiayuanctl rank --json 可查看）")
	}
	if com, err := db.Community(c.ctx, id); err == nil {
		return com, nil
	} else if !errors.Is(err, inspection.ErrNotFound) {
		return com, err
	}
	all, err := db.ListCommunities(c.ctx, store.CommunityFilter{})
	if err != nil {
		return inspection.Community{}, err
	}
	var found []inspection.Community
	for _, com := range all {
		if strings.HasPrefix(com.ID, id) {
			found = append(found, com)
		}
	}
	switch len(found) {
	case 0:
		return inspection.Community{}, fmt.Errorf("没有编号为 %s 的小区", id)
	case 1:
		return found[0], nil
	}
	return inspection.Community{}, fmt.Errorf("编号开头 %s 对应 %d 个小区，请多写几位", id, len(found))
}

func parseLevel(s string) (inspection.PickLevel, error) {
	switch strings.TrimSpace(s) {
	case "district", "区级", "区":
		return inspection.LevelDistrict, nil
	case "city", "市级", "市":
		return inspection.LevelCity, nil
	case "":
		return "", misuse("缺少 --level：district（区级）或 city（市级）")
	}
	return "", misuse("--level「%s」无法识别：district（区级）或 city（市级）", s)
}

func (c *cli) cmdPick(args []string) error { return c.pickOrUnpick("pick", args) }

func (c *cli) cmdUnpick(args []string) error { return c.pickOrUnpick("unpick", args) }

func (c *cli) pickOrUnpick(name string, args []string) error {
	fs := newFlags(name)
	dbPath := fs.String("db", "", "")
	id := fs.String("community", "", "")
	levelFlag := fs.String("level", "", "")
	typical := fs.Bool("typical", false, "")
	actor := fs.String("as", "", "")
	var intro *string
	if name == "pick" {
		intro = fs.String("intro", "", "")
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	level, err := parseLevel(*levelFlag)
	if err != nil {
		return err
	}
	if *id == "" {
		return misuse("缺少 --community：请指定小区编号（jiayuanctl rank --json 可查看）")
	}
	if name == "pick" && *typical && strings.TrimSpace(*intro) == "" {
		return misuse("推荐典型案例需要 --intro 小区情况介绍")
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
	kind := inspection.Pick{Level: level, Typical: *typical}.Kind()
	if name == "unpick" {
		if err := db.Unpick(c.ctx, com.ID, level, *typical); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "已撤销：%s（%s）的%s\n", com.Name, com.District, kind)
		return nil
	}
	p, err := db.Pick(c.ctx, store.PickRequest{CommunityID: com.ID, Level: level, Typical: *typical, Introduction: *intro})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已选树：%s（%s）为%s；选树人 %s，时间 %s\n", com.Name, com.District, kind, p.PickedBy,
		p.PickedAt.Format("2006-01-02 15:04"))
	return nil
}

// officeActionJSON is one line of `actions --json`.
type officeActionJSON struct {
	ID            string `json:"id"`
	CommunityID   string `json:"community_id"`
	CommunityName string `json:"community_name"`
	District      string `json:"district"`
	InspectionID  string `json:"inspection_id"`
	ItemCode      string `json:"item_code"`
	Problem       string `json:"problem"`
	Responsible   string `json:"responsible"`
	DueDate       string `json:"due_date"` // YYYY-MM-DD
	Status        string `json:"status"`   // open | in_progress | done | cancelled | overdue
	StatusLabel   string `json:"status_label"`
	DaysOverdue   int    `json:"days_overdue"`
	RecheckID     string `json:"recheck_inspection_id"`
	RecheckResult string `json:"recheck_result"`
	Note          string `json:"note"`
}

func (c *cli) cmdActions(args []string) error {
	fs := newFlags("actions")
	dbPath := fs.String("db", "", "")
	district := fs.String("district", "", "")
	overdue := fs.Bool("overdue", false, "")
	open := fs.Bool("open", false, "")
	asJSON := fs.Bool("json", false, "")
	done := fs.String("done", "", "")
	note := fs.String("note", "", "")
	actor := fs.String("as", "", "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	if *note != "" && *done == "" {
		return misuse("--note 需要与 --done 一起使用")
	}
	db, err := c.openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if *done != "" {
		db.SetActor(*actor)
		a, err := db.MarkActionDone(c.ctx, *done, *note)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "已标记为已整改：%s %s\n", a.ItemCode, a.Problem)
		return nil
	}
	f := store.OfficeActionFilter{District: *district, OpenOnly: *open}
	if *overdue {
		f.Status = inspection.ActionOverdue
	}
	acts, err := db.OfficeActions(c.ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]officeActionJSON, 0, len(acts))
		for _, a := range acts {
			out = append(out, officeActionJSON{ID: a.ID, CommunityID: a.CommunityID, CommunityName: a.CommunityName, District: a.District,
				InspectionID: a.InspectionID, ItemCode: a.ItemCode, Problem: a.Problem, Responsible: a.Responsible,
				DueDate: a.DueDate.Format("2006-01-02"), Status: string(a.Effective), StatusLabel: a.Effective.Label(),
				DaysOverdue: a.DaysOverdue, RecheckID: a.RecheckInspectionID, RecheckResult: string(a.RecheckResult), Note: a.Note})
		}
		return writeJSON(c.stdout, out)
	}
	t := table{header: []string{"编号", "小区", "县（市）区", "检查项", "问题", "责任单位", "期限", "状态"}}
	over := 0
	for _, a := range acts {
		st := a.Effective.Label()
		if a.Effective == inspection.ActionOverdue {
			st = fmt.Sprintf("逾期 %d 天", a.DaysOverdue)
			over++
		}
		t.add(a.ID[len(a.ID)-12:], a.CommunityName, a.District, a.ItemCode, clipText(a.Problem, 30), clipText(a.Responsible, 16),
			a.DueDate.Format("2006-01-02"), st)
	}
	fmt.Fprintf(c.stdout, "整改事项 %d 项，其中逾期 %d 项（截至 %s）\n\n", len(acts), over, db.Now().Format("2006-01-02"))
	t.write(c.stdout)
	return nil
}

// officeWorkReport builds the work report figures with the office's
// selection: eligibility per district and the picks.
func officeWorkReport(c *cli, db *store.DB, district string, pass float64) (xlsx.WorkReport, error) {
	res, err := db.OfficeResults(c.ctx, store.OfficeFilter{District: district})
	if err != nil {
		return xlsx.WorkReport{}, err
	}
	tpl, err := c.reportTemplate(db, "", 0)
	if err != nil {
		return xlsx.WorkReport{}, err
	}
	picks, err := db.Picks(c.ctx, store.PickFilter{})
	if err != nil {
		return xlsx.WorkReport{}, err
	}
	return xlsx.BuildOfficeReport(officeLines(res), picks, tpl, pass)
}

// officeLines turns the store's office results into the work report's
// lines.
func officeLines(res []store.OfficeResult) []xlsx.OfficeLine {
	out := make([]xlsx.OfficeLine, len(res))
	for i, r := range res {
		out[i] = xlsx.OfficeLine{Result: xlsx.Result{Community: r.Community, Record: r.Record}, Eligible: r.Verdict.Eligible()}
	}
	return out
}

func (c *cli) cmdReport(args []string) error {
	fs := newFlags("report")
	dbPath := fs.String("db", "", "")
	out := fs.String("out", "", "")
	district := fs.String("district", "", "")
	suggestions := fs.String("suggestions", "", "")
	pass := fs.Float64("pass", xlsx.DefaultPassScore, "")
	title := fs.String("title", "", "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	if *out == "" {
		return misuse("缺少 --out：请指定输出的 .xlsx 文件")
	}
	db, err := c.openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := officeWorkReport(c, db, *district, *pass)
	if err != nil {
		return err
	}
	rep.Suggestions = *suggestions
	if rep.Suggestions == "" {
		if rep.Suggestions, err = db.ReportSuggestions(c.ctx); err != nil {
			return err
		}
	}
	t := *title
	if t == "" {
		t = *district + "“共建美好家园”活动工作报告数据"
	}
	now := db.Now()
	if err := writeFileAtomic(*out, func(w io.Writer) error { return xlsx.WriteWorkReport(w, rep, t, now) }); err != nil {
		return err
	}
	tot := rep.Total
	fmt.Fprintf(c.stdout, "已导出：%s（小区 %d 个，已检查 %d 个，达标 %d 个，符合条件 %d 个，区级选树 %d 个，市级选树 %d 个）\n",
		*out, tot.Communities, tot.Inspected, tot.Passed, tot.Eligible, tot.DistrictPicks, tot.CityPicks)
	return nil
}

// withBeforeHelp adds cmds before "help".
func withBeforeHelp(list []command, cmds ...command) []command {
	for i, c := range list {
		if c.name == "help" {
			return append(append(list[:i:i], cmds...), list[i:]...)
		}
	}
	return append(list, cmds...)
}
