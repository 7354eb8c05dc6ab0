package main

// Reports: the PDF 检查记录表 (one, or a batch into a folder or one file),
// the Excel exports, and the previewed Excel imports.

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/pdf"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// withReportCommands adds the report commands before "help".
func withReportCommands(cmds []command) []command {
	report := []command{
		{"pdf", "--db 文件 (--inspection 编号 | --district 县区 | --all) --out 路径 [--combined] [--latest]",
			"打印检查记录表（PDF）：一份，或批量打印到文件夹（每份一个文件）或合并为一个文件",
			"  --db 文件          数据文件\n  --inspection 编号  打印一份检查记录（可只写编号开头）；--out 为 PDF 文件\n" +
				"  --district 县区    批量打印该县（市）区全部已定稿的检查记录；--out 为文件夹\n  --all              批量打印全部已定稿的检查记录\n" +
				"  --latest           批量时每个小区只打印最近一次定稿的记录\n  --combined         批量时合并为一个 PDF 文件（--out 为文件；超过 500 份时分册：文件名-第1册.pdf…）\n" +
				"  --office 名称      打印单位（印在标题下）\n  批量打印时进度显示在标准错误输出",
			(*cli).cmdPDF},
		{"xlsx", "summary|answers|actions|liaisons|workreport|template --db 文件 --out 文件.xlsx [--district 县区]",
			"导出 Excel：汇总表、答题明细、整改清单、联络员名单、工作报告数据（带图表）或检查模板",
			"  summary      汇总表：每个小区一行（最近一次定稿的检查），各检查项结果、章节得分、总分、一票否决、数据不足\n" +
				"  answers      答题明细：每个小区最近一次定稿的检查，每个已填写的检查项一行（结果、数值、备注、照片数…），可在 Excel 中筛选\n" +
				"  actions      整改清单（--open 只列未完成的）\n  liaisons     联络员名单（附件2）\n" +
				"  workreport   工作报告数据：检查、达标、一票否决数，主要问题及图表（--pass 达标分数，默认 80）\n" +
				"  template     检查模板工作簿（--template 编号 --version 版本，默认为最新的默认模板）\n" +
				"  --db 文件    数据文件\n  --out 文件   输出的 .xlsx 文件\n  --district   只含该县（市）区\n  --title      表格标题\n" +
				"  也可写作 --report 类型",
			(*cli).cmdXLSX},
		{"import-xlsx", "communities|figures|liaisons|template --db 文件 文件.xlsx [--apply] [--skip-bad]",
			"从 Excel 导入小区名单、满意度/投诉率、联络员名单或检查模板；不加 --apply 时只预览，不写入",
			"  communities  小区名单（列名如 小区名称、县（市）区、街道、社区、地址、物业服务企业、户数…，可用常见同义词）\n" +
				"  figures      满意度/投诉率（按小区名称和县（市）区对应已有小区）\n  liaisons     联络员名单（单位、姓名、职务、手机、办公电话…）\n" +
				"  template     检查模板工作簿（设置、章节、检查项 三个工作表）\n" +
				"  --db 文件    数据文件\n  --apply      写入（有错误时不写入任何数据）\n  --skip-bad   与 --apply 一起使用：跳过有错误的行，写入其余各行\n" +
				"  也可写作 --kind 类型；有错误时退出码为 1",
			(*cli).cmdImportXLSX},
	}
	for i, c := range cmds {
		if c.name == "help" {
			return append(append(cmds[:i:i], report...), cmds[i:]...)
		}
	}
	return append(cmds, report...)
}

// printLoader loads what the PDF of one record needs.
func printLoader(db *store.DB, office string) pdf.Loader {
	return func(ctx context.Context, id string) (pdf.Document, error) {
		rec, acts, chain, err := db.PrintData(ctx, id)
		if err != nil {
			return pdf.Document{}, err
		}
		return pdf.Document{Record: rec, Actions: acts, Chain: chain, Office: office,
			Photo: func(sha string) ([]byte, error) { return db.Photo(ctx, sha) }}, nil
	}
}

func (c *cli) cmdPDF(args []string) error {
	fs := newFlags("pdf")
	dbPath := fs.String("db", "", "")
	id := fs.String("inspection", "", "")
	district := fs.String("district", "", "")
	all := fs.Bool("all", false, "")
	out := fs.String("out", "", "")
	combined := fs.Bool("combined", false, "")
	latest := fs.Bool("latest", false, "")
	office := fs.String("office", "", "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	modes := 0
	for _, b := range []bool{*id != "", *district != "", *all} {
		if b {
			modes++
		}
	}
	if modes != 1 {
		return misuse("请指定 --inspection 编号、--district 县区 或 --all 之一")
	}
	if *out == "" {
		return misuse("缺少 --out：单份为 PDF 文件，批量为文件夹（--combined 时为文件）")
	}
	db, err := c.openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	font, err := pdf.DefaultFont()
	if err != nil {
		return err
	}
	load := printLoader(db, *office)
	if *id != "" {
		rec, err := c.findInspection(db, *id)
		if err != nil {
			return err
		}
		doc, err := load(c.ctx, rec.Inspection.ID)
		if err != nil {
			return err
		}
		path := *out
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			path = filepath.Join(path, pdf.FileName(doc.Record))
		}
		if err := writeFileAtomic(path, func(w io.Writer) error { return font.Write(w, doc) }); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "已生成：%s\n", path)
		return nil
	}
	if *district != "" {
		if ds, err := db.Districts(c.ctx); err == nil && !contains(ds, *district) {
			return fmt.Errorf("没有县（市）区「%s」的小区（已有：%s）", *district, strings.Join(ds, "、"))
		}
	}
	ids, err := db.FinalizedInspectionIDs(c.ctx, *district, *latest)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("没有已定稿的检查记录可以打印")
	}
	start := time.Now()
	progress := func(done, total int, name string) {
		fmt.Fprintf(c.stderr, "[%d/%d] %s\n", done, total, name)
	}
	if *combined {
		files, err := font.WriteVolumes(c.ctx, *out, ids, pdf.VolumeSize, load, progress)
		if err != nil {
			return err
		}
		if len(files) > 1 {
			fmt.Fprintf(c.stdout, "已生成 %d 册（每册最多 %d 份）：%s（%d 份检查记录，用时 %.1f 秒）\n",
				len(files), pdf.VolumeSize, strings.Join(files, "、"), len(ids), time.Since(start).Seconds())
		} else {
			fmt.Fprintf(c.stdout, "已生成：%s（%d 份检查记录，用时 %.1f 秒）\n", *out, len(ids), time.Since(start).Seconds())
		}
		return nil
	}
	res, err := font.WriteFolder(c.ctx, *out, ids, load, progress)
	fmt.Fprintf(c.stdout, "已生成 %d 个 PDF 文件，位于 %s（用时 %.1f 秒）\n", len(res.Files), *out, time.Since(start).Seconds())
	for _, f := range res.Failed {
		fmt.Fprintf(c.stderr, "未能打印：%v\n", f)
	}
	if err != nil {
		return failed{}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// writeFileAtomic writes a file under a temporary name in its folder and
// renames it, so that a failure leaves no half-written file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("无法创建文件夹 %s：%w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".jiayuan-*.tmp")
	if err != nil {
		return fmt.Errorf("无法写入 %s：%w", dir, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	os.Chmod(tmp.Name(), 0o644)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	return nil
}

// latestResults adapts the store's callback to the iterator the Excel
// writers take. summary reads only what the 汇总表 needs
// (store.ReportFilter.Summary; for xlsx.WriteSummary alone).
func (c *cli) latestResults(db *store.DB, district string, summary bool) iter.Seq2[xlsx.Result, error] {
	return func(yield func(xlsx.Result, error) bool) {
		stopped := false
		errStop := fmt.Errorf("stop")
		err := db.LatestResults(c.ctx, store.ReportFilter{District: district, Summary: summary}, func(r store.CommunityResult) error {
			if !yield(xlsx.Result{Community: r.Community, Record: r.Record, Answers: r.Answers}, nil) {
				stopped = true
				return errStop
			}
			return nil
		})
		if err != nil && !stopped {
			yield(xlsx.Result{}, err)
		}
	}
}

// defaultTemplate is the newest version of the default template, or of
// the first stored one.
func (c *cli) reportTemplate(db *store.DB, id string, version int) (*inspection.Template, error) {
	infos, err := db.Templates(c.ctx)
	if err != nil {
		return nil, err
	}
	if len(infos) == 0 {
		return nil, fmt.Errorf("数据文件中没有检查模板（先运行 jiayuanctl init）")
	}
	if id == "" {
		id = infos[0].ID
		for _, ti := range infos {
			if ti.ID == "meihao-2024" {
				id = ti.ID
				break
			}
		}
	}
	if version == 0 {
		for _, ti := range infos { // newest version first
			if ti.ID == id {
				version = ti.Version
				break
			}
		}
	}
	return db.Template(c.ctx, id, version)
}

func (c *cli) cmdXLSX(args []string) error {
	fs := newFlags("xlsx")
	dbPath := fs.String("db", "", "")
	kind := fs.String("report", "", "")
	out := fs.String("out", "", "")
	district := fs.String("district", "", "")
	title := fs.String("title", "", "")
	openOnly := fs.Bool("open", false, "")
	pass := fs.Float64("pass", xlsx.DefaultPassScore, "")
	tplID := fs.String("template", "", "")
	tplVer := fs.Int("version", 0, "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *kind == "" && len(rest) > 0 {
		*kind, rest = rest[0], rest[1:]
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	switch *kind {
	case "summary", "answers", "actions", "liaisons", "workreport", "report", "template":
	case "":
		return misuse("请指定导出类型：summary、answers、actions、liaisons、workreport 或 template")
	default:
		return misuse("导出类型「%s」无法识别（summary、answers、actions、liaisons、workreport、template）", *kind)
	}
	if *out == "" {
		return misuse("缺少 --out：请指定输出的 .xlsx 文件")
	}
	db, err := c.openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	now := db.Now()
	prefix := ""
	if *district != "" {
		prefix = *district
	}
	orTitle := func(s string) string {
		if *title != "" {
			return *title
		}
		return prefix + s
	}
	var write func(io.Writer) error
	switch *kind {
	case "summary":
		tpl, err := c.reportTemplate(db, *tplID, *tplVer)
		if err != nil {
			return err
		}
		write = func(w io.Writer) error {
			return xlsx.WriteSummary(w, c.latestResults(db, *district, true), xlsx.SummaryOptions{Title: orTitle("“美好家园”小区检查汇总表"), Template: tpl, At: now})
		}
	case "answers":
		if *district != "" {
			if ds, err := db.Districts(c.ctx); err == nil && !contains(ds, *district) {
				return fmt.Errorf("没有县（市）区「%s」的小区（已有：%s）", *district, strings.Join(ds, "、"))
			}
		}
		write = func(w io.Writer) error {
			return xlsx.WriteAnswers(w, c.latestResults(db, *district, false), xlsx.AnswersOptions{Title: orTitle("“美好家园”检查答题明细"), At: now})
		}
	case "actions":
		write = func(w io.Writer) error {
			return xlsx.WriteActionsFrom(w, c.actionRows(db, *district, *openOnly), orTitle("“美好家园”检查问题整改清单"), now)
		}
	case "liaisons":
		ls, err := db.Liaisons(c.ctx, *district)
		if err != nil {
			return err
		}
		write = func(w io.Writer) error { return xlsx.WriteLiaisons(w, ls, now) }
	case "workreport", "report":
		tpl, err := c.reportTemplate(db, *tplID, *tplVer)
		if err != nil {
			return err
		}
		rep, err := xlsx.BuildWorkReport(c.latestResults(db, *district, false), tpl, *pass)
		if err != nil {
			return err
		}
		write = func(w io.Writer) error {
			return xlsx.WriteWorkReport(w, rep, orTitle("“共建美好家园”活动工作报告数据"), now)
		}
	case "template":
		tpl, err := c.reportTemplate(db, *tplID, *tplVer)
		if err != nil {
			return err
		}
		write = func(w io.Writer) error { return xlsx.WriteTemplate(w, tpl, now) }
	}
	if err := writeFileAtomic(*out, write); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已导出：%s\n", *out)
	return nil
}

// actionRows reads the 整改清单's rows for xlsx.WriteActionsFrom: each is
// written as it is read (store.EachActionSheetRow).
func (c *cli) actionRows(db *store.DB, district string, openOnly bool) func(func(int) error, func(xlsx.ActionRow) error) error {
	return func(start func(int) error, row func(xlsx.ActionRow) error) error {
		return db.EachActionSheetRow(c.ctx, store.ActionFilter{District: district, OpenOnly: openOnly}, start, func(r store.ActionSheetRow) error {
			return row(xlsx.ActionRow{Action: r.Action, Community: r.Community, ItemText: r.ItemText, InspectedAt: r.InspectedAt})
		})
	}
}

func (c *cli) cmdImportXLSX(args []string) error {
	fs := newFlags("import-xlsx")
	dbPath := fs.String("db", "", "")
	kind := fs.String("kind", "", "")
	apply := fs.Bool("apply", false, "")
	skipBad := fs.Bool("skip-bad", false, "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *kind == "" && len(rest) > 1 {
		*kind, rest = rest[0], rest[1:]
	}
	switch *kind {
	case "communities", "figures", "liaisons", "template":
	case "":
		return misuse("请指定导入类型：communities、figures、liaisons 或 template")
	default:
		return misuse("导入类型「%s」无法识别（communities、figures、liaisons、template）", *kind)
	}
	if len(rest) != 1 {
		return misuse("请指定一个 .xlsx 文件")
	}
	if *skipBad && !*apply {
		return misuse("--skip-bad 需要与 --apply 一起使用")
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return fmt.Errorf("无法打开 %s：%w", rest[0], err)
	}
	defer f.Close()
	db, err := c.openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	switch *kind {
	case "communities":
		p, err := xlsx.ReadCommunities(f)
		if err != nil {
			return err
		}
		existing, err := db.ListCommunities(c.ctx, store.CommunityFilter{})
		if err != nil {
			return err
		}
		xlsx.MatchCommunities(p, existing)
		return importRows(c, p, *apply, *skipBad, func(r xlsx.Row[inspection.Community]) string {
			v := r.Value
			return fmt.Sprintf("%s｜%s｜%s｜%s｜%d户", v.Name, v.District, v.Street, v.PropertyCompany, v.Households)
		}, func(ctx context.Context, rows []xlsx.Row[inspection.Community]) error {
			var add, update []inspection.Community
			for _, r := range rows {
				switch r.Action {
				case "新增":
					add = append(add, r.Value)
				case "更新":
					update = append(update, r.Value)
				}
			}
			return db.ImportCommunities(ctx, add, update)
		})
	case "figures":
		p, err := xlsx.ReadFigures(f)
		if err != nil {
			return err
		}
		existing, err := db.ListCommunities(c.ctx, store.CommunityFilter{})
		if err != nil {
			return err
		}
		xlsx.MatchFigures(p, existing)
		return importRows(c, p, *apply, *skipBad, func(r xlsx.Row[xlsx.Figure]) string {
			return fmt.Sprintf("%s｜%s｜满意度 %s｜投诉率 %s", r.Value.Name, r.Value.District, fmtOpt(r.Value.Satisfaction), fmtOpt(r.Value.ComplaintRate))
		}, func(ctx context.Context, rows []xlsx.Row[xlsx.Figure]) error {
			var figs []store.CommunityFigures
			for _, r := range rows {
				if r.Action != "不变" {
					figs = append(figs, store.CommunityFigures{CommunityID: r.Value.CommunityID, Satisfaction: r.Value.Satisfaction, ComplaintRate: r.Value.ComplaintRate})
				}
			}
			_, err := db.SetCommunityFigures(ctx, figs)
			return err
		})
	case "liaisons":
		p, err := xlsx.ReadLiaisons(f)
		if err != nil {
			return err
		}
		existing, err := db.Liaisons(c.ctx, "")
		if err != nil {
			return err
		}
		xlsx.MatchLiaisons(p, existing)
		return importRows(c, p, *apply, *skipBad, func(r xlsx.Row[xlsx.Liaison]) string {
			v := r.Value
			return fmt.Sprintf("%s｜%s｜%s｜%s｜%s", v.Unit, v.Name, v.Title, v.Mobile, v.OfficePhone)
		}, func(ctx context.Context, rows []xlsx.Row[xlsx.Liaison]) error {
			var ls []inspection.Liaison
			for _, r := range rows {
				ls = append(ls, r.Value)
			}
			_, _, err := db.SaveLiaisons(ctx, ls)
			return err
		})
	case "template":
		p, err := xlsx.ReadTemplate(f)
		if err != nil {
			return err
		}
		t := p.Template
		fmt.Fprintf(c.stdout, "检查模板：%s（编号 %s，第 %d 版），%d 个章节，%d 个检查项\n", t.Name, t.ID, t.Version, len(t.Sections), len(t.Items()))
		for _, w := range p.Warnings {
			fmt.Fprintf(c.stdout, "提示：%s\n", w)
		}
		for _, e := range p.Problems {
			fmt.Fprintf(c.stderr, "错误：%s\n", e)
		}
		if len(p.Problems) > 0 {
			fmt.Fprintf(c.stderr, "有 %d 个错误，未写入。\n", len(p.Problems))
			return failed{}
		}
		if !*apply {
			fmt.Fprintln(c.stdout, "预览完成，没有错误。加 --apply 写入。")
			return nil
		}
		if err := db.SaveTemplate(c.ctx, t); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "已保存检查模板 %s 第 %d 版。\n", t.ID, t.Version)
	}
	return nil
}

func fmtOpt(v *float64) string {
	if v == nil {
		return "—"
	}
	return inspection.FormatNumber(*v)
}

// importRows prints a preview (first rows, every error) and applies it
// when asked.
func importRows[T any](c *cli, p *xlsx.Preview[T], apply, skipBad bool, line func(xlsx.Row[T]) string,
	save func(context.Context, []xlsx.Row[T]) error) error {
	if len(p.Problems) == 0 || p.Sheet != "" {
		fmt.Fprintln(c.stdout, p.Summary())
		for _, m := range p.Columns {
			fmt.Fprintf(c.stdout, "  列 %s「%s」→ %s\n", m.Column, m.Header, m.Field)
		}
	}
	const show = 20
	for i, r := range p.Rows {
		if i >= show {
			fmt.Fprintf(c.stdout, "  … 共 %d 行\n", len(p.Rows))
			break
		}
		mark := r.Action
		if !r.OK() {
			mark = "错误"
		}
		fmt.Fprintf(c.stdout, "  第%d行 [%s] %s\n", r.Line, mark, line(r))
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(c.stdout, "提示：%s\n", w)
	}
	errs := p.Errors()
	for _, e := range errs {
		fmt.Fprintf(c.stderr, "错误：%s\n", e)
	}
	if !apply {
		if len(errs) > 0 {
			fmt.Fprintf(c.stderr, "有 %d 个错误。修正后重新预览，或加 --apply --skip-bad 跳过错误行写入其余各行。\n", len(errs))
			return failed{}
		}
		fmt.Fprintln(c.stdout, "预览完成，没有错误。加 --apply 写入。")
		return nil
	}
	n, err := xlsx.Apply(c.ctx, p, skipBad, save)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已写入 %d 行", n)
	if bad := p.BadRows(); bad > 0 {
		fmt.Fprintf(c.stdout, "，跳过有错误的 %d 行", bad)
	}
	fmt.Fprintln(c.stdout, "。")
	return nil
}
