package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// show: one inspection record, whole.

type showJSON struct {
	ID            string          `json:"id"`
	Status        string          `json:"status"` // draft | finalized
	Community     communityJSON   `json:"community"`
	Template      templateJSON    `json:"template"`
	Inspectors    []string        `json:"inspectors"`
	StartedAt     string          `json:"started_at"`
	FinalizedAt   *string         `json:"finalized_at"`
	AmendsID      *string         `json:"amends_id"`
	AmendReason   string          `json:"amend_reason"`
	Sections      []sectionJSON   `json:"sections"`
	Score         *float64        `json:"score"` // total; null while nothing applicable is judged
	Judged        int             `json:"judged"`
	Scorable      int             `json:"scorable"`
	Vetoes        []vetoJSON      `json:"vetoes"`
	Signatures    []signatureJSON `json:"signatures"`
	Actions       []actionJSON    `json:"actions"`
	ContentDigest *string         `json:"content_digest"` // null for a draft
}

type templateJSON struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Name    string `json:"name"`
}

type sectionJSON struct {
	Code       string     `json:"code"`
	Title      string     `json:"title"`
	Weight     float64    `json:"weight"`
	Score      *float64   `json:"score"`
	Passed     int        `json:"passed"`
	Failed     int        `json:"failed"`
	NA         int        `json:"na"`
	Unanswered int        `json:"unanswered"`
	Items      []itemJSON `json:"items"`
}

type itemJSON struct {
	Code        string   `json:"code"`
	Text        string   `json:"text"`
	Kind        string   `json:"kind"`
	Veto        bool     `json:"veto"`
	Evidence    bool     `json:"evidence"`
	Scored      bool     `json:"scored"`
	Unit        string   `json:"unit,omitempty"`
	Threshold   string   `json:"threshold,omitempty"`
	Result      string   `json:"result"` // pass | fail | na | "" (not judged, or not scored)
	ResultLabel string   `json:"result_label"`
	Answered    bool     `json:"answered"`
	Value       *float64 `json:"value"`
	Choices     []string `json:"choices"`
	AnswerText  string   `json:"answer_text"`
	Note        string   `json:"note"`
	Photos      int      `json:"photos"`
	PhotoSHAs   []string `json:"photo_shas"`
}

type vetoJSON struct {
	ItemCode string `json:"item_code"`
	Section  string `json:"section"`
	Text     string `json:"text"`
	Reason   string `json:"reason"`
}

type signatureJSON struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	SignedAt string `json:"signed_at"`
	ImageSHA string `json:"image_sha,omitempty"`
}

type actionJSON struct {
	ID          string `json:"id"`
	ItemCode    string `json:"item_code"`
	Problem     string `json:"problem"`
	Responsible string `json:"responsible"`
	DueDate     string `json:"due_date"`
	Status      string `json:"status"` // open | in_progress | done | overdue (computed today)
}

func (c *cli) cmdShow(args []string) error {
	fs := newFlags("show")
	path := fs.String("db", "", "")
	id := fs.String("inspection", "", "")
	asJSON := fs.Bool("json", false, "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *id == "" && len(rest) == 1 { // "show ID --db F" reads naturally too
		*id, rest = rest[0], nil
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	if err := requireDB(*path); err != nil {
		return err
	}
	if strings.TrimSpace(*id) == "" {
		return misuse("缺少 --inspection：请指定检查记录编号（用 jiayuanctl list inspections 查看）")
	}
	db, err := c.openExisting(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	rec, err := c.findInspection(db, strings.TrimSpace(*id))
	if err != nil {
		return err
	}
	actions, err := db.ListActions(c.ctx, store.ActionFilter{InspectionID: rec.Inspection.ID})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(c.stdout, recordJSON(rec, actions, time.Now()))
	}
	writeRecord(c.stdout, rec, actions, time.Now())
	return nil
}

// findInspection reads an inspection by id, or by the start of its id
// when that is unambiguous.
func (c *cli) findInspection(db *store.DB, id string) (store.InspectionRecord, error) {
	rec, err := db.Inspection(c.ctx, id)
	if err == nil || !errors.Is(err, inspection.ErrNotFound) {
		return rec, err
	}
	if len(id) >= 4 {
		list, err := db.ListInspections(c.ctx, store.InspectionFilter{})
		if err != nil {
			return rec, err
		}
		var matches []string
		for _, s := range list {
			if strings.HasPrefix(s.ID, id) {
				matches = append(matches, s.ID)
			}
		}
		switch len(matches) {
		case 1:
			return db.Inspection(c.ctx, matches[0])
		case 0:
		default:
			return rec, fmt.Errorf("编号开头为「%s」的检查记录有 %d 份，请写出完整编号", id, len(matches))
		}
	}
	return rec, fmt.Errorf("检查记录不存在：%s", id)
}

// itemResult is what an item's line says: the evaluated result of a scored
// item, 不适用 or 已填写 for an unscored one.
func itemResult(it inspection.Item, a inspection.Answer) (inspection.Result, string) {
	if it.Scored() {
		r := inspection.Evaluate(it, a)
		return r, r.Label()
	}
	switch {
	case a.Result == inspection.NA:
		return inspection.NA, inspection.NA.Label()
	case inspection.Answered(it, a):
		return inspection.Unanswered, "已填写"
	}
	return inspection.Unanswered, "未填写"
}

func recordJSON(rec store.InspectionRecord, actions []inspection.CorrectiveAction, now time.Time) showJSON {
	in, cm, tpl := rec.Inspection, rec.Community, rec.Template
	out := showJSON{
		ID: in.ID, Status: string(in.Status),
		Community: communityJSON{cm.ID, cm.Name, cm.District, cm.Street, cm.Community, cm.Address, cm.PropertyCompany,
			cm.Households, cm.Type, cm.Committee, cm.Satisfaction, cm.ComplaintRate},
		Template:   templateJSON{tpl.ID, tpl.Version, tpl.Name},
		Inspectors: nonNil(in.Inspectors), StartedAt: in.StartedAt.Format(time.RFC3339), AmendReason: in.AmendReason,
		Judged: rec.Score.Judged, Scorable: rec.Score.Scorable,
		Vetoes: []vetoJSON{}, Signatures: []signatureJSON{}, Actions: []actionJSON{}, Sections: []sectionJSON{},
	}
	if in.FinalizedAt != nil {
		f := in.FinalizedAt.Format(time.RFC3339)
		out.FinalizedAt = &f
	}
	if in.AmendsID != "" {
		out.AmendsID = &in.AmendsID
	}
	if rec.ContentDigest != "" {
		out.ContentDigest = &rec.ContentDigest
	}
	if rec.Score.Defined {
		out.Score = &rec.Score.Total
	}
	for i, s := range tpl.Sections {
		ss := rec.Score.Sections[i]
		sj := sectionJSON{Code: s.Code, Title: s.Title, Weight: s.Weight, Passed: ss.Passed, Failed: ss.Failed, NA: ss.NA,
			Unanswered: ss.Unanswered, Items: []itemJSON{}}
		if ss.HasApplicable {
			sj.Score = &rec.Score.Sections[i].Score
		}
		for _, it := range s.Items {
			a := rec.Answers[it.Code]
			r, label := itemResult(it, a)
			ij := itemJSON{Code: it.Code, Text: it.Text, Kind: string(it.Kind), Veto: it.Veto, Evidence: it.Evidence,
				Scored: it.Scored(), Unit: it.Unit, Result: string(r), ResultLabel: label, Answered: inspection.Answered(it, a),
				Value: a.Value, Choices: nonNil(a.Choices), AnswerText: a.Text, Note: a.Note, Photos: len(a.Photos),
				PhotoSHAs: nonNil(a.Photos)}
			if it.Threshold != nil {
				ij.Threshold = it.Threshold.String()
			}
			sj.Items = append(sj.Items, ij)
		}
		out.Sections = append(out.Sections, sj)
	}
	for _, v := range rec.Score.Vetoes {
		out.Vetoes = append(out.Vetoes, vetoJSON{v.ItemCode, v.Section, v.Text, v.Reason})
	}
	for _, s := range in.Signatures {
		out.Signatures = append(out.Signatures, signatureJSON{s.Name, s.Role, s.SignedAt.Format(time.RFC3339), s.ImageSHA})
	}
	for _, a := range actions {
		out.Actions = append(out.Actions, actionJSON{a.ID, a.ItemCode, a.Problem, a.Responsible,
			a.DueDate.Format("2006-01-02"), string(a.EffectiveStatus(now))})
	}
	return out
}

// writeRecord prints the record as the paper form reads: header, each
// section with its items, then the totals, veto findings, corrective
// actions, signatures and the content digest.
func writeRecord(w io.Writer, rec store.InspectionRecord, actions []inspection.CorrectiveAction, now time.Time) {
	in, cm, tpl := rec.Inspection, rec.Community, rec.Template
	fmt.Fprintf(w, "检查记录：%s\n", in.ID)
	fmt.Fprintf(w, "小区：%s（%s %s %s）\n", cm.Name, cm.District, cm.Street, cm.Community)
	fmt.Fprintf(w, "地址：%s\n", cm.Address)
	fmt.Fprintf(w, "物业服务企业：%s\n", cm.PropertyCompany)
	fmt.Fprintf(w, "类型：%s　户数：%d　自治组织：%s\n", cm.Type, cm.Households, cm.Committee)
	fmt.Fprintf(w, "检查模板：%s（%s 第 %d 版）\n", tpl.Name, tpl.ID, tpl.Version)
	fmt.Fprintf(w, "检查人员：%s\n", strings.Join(in.Inspectors, "、"))
	status := in.Status.Label()
	if in.FinalizedAt != nil {
		status += "，定稿于 " + in.FinalizedAt.Format(timeShown)
	}
	fmt.Fprintf(w, "状态：%s\n", status)
	fmt.Fprintf(w, "开始时间：%s\n", in.StartedAt.Format(timeShown))
	if in.AmendsID != "" {
		fmt.Fprintf(w, "更正：本记录更正检查记录 %s；原因：%s\n", in.AmendsID, in.AmendReason)
	}

	codeWidth, labelWidth := 0, 0
	for _, it := range tpl.Items() {
		codeWidth = max(codeWidth, displayWidth(it.Code))
		_, label := itemResult(it, rec.Answers[it.Code])
		labelWidth = max(labelWidth, displayWidth(label))
	}
	for i, s := range tpl.Sections {
		ss := rec.Score.Sections[i]
		score := "—"
		if ss.HasApplicable {
			score = fmt.Sprintf("%.1f", ss.Score)
		}
		fmt.Fprintf(w, "\n【%s %s】权重 %s　得分 %s（符合 %d，不符合 %d，不适用 %d，未填写 %d）\n",
			s.Code, s.Title, inspection.FormatNumber(s.Weight), score, ss.Passed, ss.Failed, ss.NA, ss.Unanswered)
		for _, it := range s.Items {
			a := rec.Answers[it.Code]
			_, label := itemResult(it, a)
			line := "  " + pad(it.Code, codeWidth) + "  " + pad(label, labelWidth) + "  " + it.Text + answerDetail(it, a)
			if it.Veto {
				line += "　★一票否决"
			}
			if len(a.Photos) > 0 {
				line += fmt.Sprintf("　〔照片 %d 张〕", len(a.Photos))
			}
			if n := strings.TrimSpace(a.Note); n != "" {
				line += "　备注：" + n
			}
			fmt.Fprintln(w, line)
		}
	}

	fmt.Fprintln(w)
	total := "—（尚无可计分的检查项）"
	if rec.Score.Defined {
		total = fmt.Sprintf("%.1f", rec.Score.Total)
	}
	progress := fmt.Sprintf("已判定 %d/%d 项", rec.Score.Judged, rec.Score.Scorable)
	if in.Status == inspection.Draft {
		progress += "，检查中：得分按已判定的项目计算"
	}
	fmt.Fprintf(w, "总分：%s（%s）\n", total, progress)
	if len(rec.Score.Vetoes) == 0 {
		fmt.Fprintln(w, "一票否决：无")
	} else {
		fmt.Fprintf(w, "一票否决：%d 项\n", len(rec.Score.Vetoes))
		for _, v := range rec.Score.Vetoes {
			fmt.Fprintf(w, "  %s %s\n", v.ItemCode, v.Reason)
		}
	}
	if len(actions) > 0 {
		fmt.Fprintf(w, "整改事项：%d 项\n", len(actions))
		for _, a := range actions {
			fmt.Fprintf(w, "  %s %s（责任单位：%s，期限：%s，%s）\n", a.ItemCode, a.Problem, a.Responsible,
				a.DueDate.Format("2006-01-02"), a.EffectiveStatus(now).Label())
		}
	}
	if len(in.Signatures) == 0 {
		fmt.Fprintln(w, "签字：（尚未签字）")
	} else {
		fmt.Fprintln(w, "签字：")
		for _, s := range in.Signatures {
			fmt.Fprintf(w, "  %s（%s）%s\n", s.Name, s.Role, s.SignedAt.Format(timeShown))
		}
	}
	if rec.ContentDigest != "" {
		fmt.Fprintf(w, "内容摘要（SHA-256）：%s\n", rec.ContentDigest)
	} else {
		fmt.Fprintln(w, "内容摘要：（定稿后生成）")
	}
}

// answerDetail renders the value, choices or text of an answer after the
// item's wording.
func answerDetail(it inspection.Item, a inspection.Answer) string {
	switch it.Kind {
	case inspection.KindNumber:
		if a.Value == nil {
			return ""
		}
		s := "：" + inspection.FormatNumber(*a.Value) + it.Unit
		if it.Threshold != nil {
			s += "（要求 " + it.Threshold.String() + it.Unit + "）"
		}
		return s
	case inspection.KindChoice:
		if len(a.Choices) > 0 {
			return "：" + strings.Join(a.Choices, "、")
		}
	case inspection.KindText:
		if t := strings.TrimSpace(a.Text); t != "" {
			return "：" + t
		}
	}
	return ""
}

// pad fills s with spaces to width display columns.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-displayWidth(s)))
}
