package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// list communities | list inspections.

// communityJSON is one community in `list communities --json`. The keys
// are a contract with scripts: add, never rename.
type communityJSON struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	District        string   `json:"district"`
	Street          string   `json:"street"`
	Community       string   `json:"community"`
	Address         string   `json:"address"`
	PropertyCompany string   `json:"property_company"`
	Households      int      `json:"households"`
	Type            string   `json:"type"`
	Committee       string   `json:"committee"`
	Satisfaction    *float64 `json:"satisfaction"`   // %, null when unknown
	ComplaintRate   *float64 `json:"complaint_rate"` // per 100 households in 12 months, null when unknown
}

// inspectionJSON is one inspection in `list inspections --json`.
type inspectionJSON struct {
	ID            string   `json:"id"`
	CommunityID   string   `json:"community_id"`
	CommunityName string   `json:"community_name"`
	District      string   `json:"district"`
	Status        string   `json:"status"` // draft | finalized
	Score         *float64 `json:"score"`  // null while nothing applicable is judged
	Vetoes        int      `json:"vetoes"`
	Judged        int      `json:"judged"`
	Scorable      int      `json:"scorable"`
	Inspectors    []string `json:"inspectors"`
	StartedAt     string   `json:"started_at"`   // RFC 3339
	FinalizedAt   *string  `json:"finalized_at"` // RFC 3339, null for a draft
	AmendsID      *string  `json:"amends_id"`    // the inspection this one corrects, null for an original
	AmendReason   string   `json:"amend_reason"`
	TemplateID    string   `json:"template_id"`
	TemplateVer   int      `json:"template_version"`
}

func (c *cli) cmdList(args []string) error {
	fs := newFlags("list")
	path := fs.String("db", "", "")
	asJSON := fs.Bool("json", false, "")
	district := fs.String("district", "", "")
	query := fs.String("query", "", "")
	status := fs.String("status", "", "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return misuse("请指定要列出什么：communities（小区）或 inspections（检查记录）")
	}
	what := rest[0]
	if err := noPositional(rest[1:]); err != nil {
		return err
	}
	switch what {
	case "communities", "inspections":
	default:
		return misuse("不能列出「%s」：可以列出 communities（小区）或 inspections（检查记录）", what)
	}
	if what == "communities" && *status != "" {
		return misuse("--status 只能用于 list inspections")
	}
	if what == "inspections" && *query != "" {
		return misuse("--query 只能用于 list communities")
	}
	st := inspection.Status(*status)
	if st != "" && st != inspection.Draft && st != inspection.Finalized {
		return misuse("--status 的值「%s」无效：应为 draft（检查中）或 finalized（已完成）", *status)
	}
	if err := requireDB(*path); err != nil {
		return err
	}
	db, err := c.openExisting(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	if what == "communities" {
		return c.listCommunities(db, *district, *query, *asJSON)
	}
	return c.listInspections(db, *district, st, *asJSON)
}

func (c *cli) listCommunities(db *store.DB, district, query string, asJSON bool) error {
	list, err := db.ListCommunities(c.ctx, store.CommunityFilter{District: district, Query: query})
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]communityJSON, 0, len(list))
		for _, cm := range list {
			out = append(out, communityJSON{cm.ID, cm.Name, cm.District, cm.Street, cm.Community, cm.Address,
				cm.PropertyCompany, cm.Households, cm.Type, cm.Committee, cm.Satisfaction, cm.ComplaintRate})
		}
		return writeJSON(c.stdout, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "（没有符合条件的小区）")
		c.hintDistrict(db, district)
		return nil
	}
	t := &table{header: []string{"小区名称", "县（市）区", "街道（乡镇）", "社区", "类型", "户数", "物业服务企业", "满意度", "投诉率", "编号"},
		right: map[int]bool{5: true, 7: true, 8: true}}
	for _, cm := range list {
		t.add(cm.Name, cm.District, cm.Street, cm.Community, cm.Type, strconv.Itoa(cm.Households), cm.PropertyCompany,
			optional(cm.Satisfaction, "%"), optional(cm.ComplaintRate, ""), cm.ID)
	}
	t.write(c.stdout)
	fmt.Fprintf(c.stdout, "共 %d 个小区\n", len(list))
	return nil
}

func (c *cli) listInspections(db *store.DB, district string, status inspection.Status, asJSON bool) error {
	list, err := db.ListInspections(c.ctx, store.InspectionFilter{District: district, Status: status})
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]inspectionJSON, 0, len(list))
		for _, s := range list {
			j := inspectionJSON{ID: s.ID, CommunityID: s.CommunityID, CommunityName: s.CommunityName, District: s.District,
				Status: string(s.Status), Vetoes: s.Vetoes, Judged: s.Judged, Scorable: s.Scorable,
				Inspectors: nonNil(s.Inspectors), StartedAt: s.StartedAt.Format(time.RFC3339),
				AmendReason: s.AmendReason, TemplateID: s.TemplateID, TemplateVer: s.TemplateVersion}
			if s.ScoreDefined {
				j.Score = &s.Score
			}
			if s.FinalizedAt != nil {
				f := s.FinalizedAt.Format(time.RFC3339)
				j.FinalizedAt = &f
			}
			if s.AmendsID != "" {
				j.AmendsID = &s.AmendsID
			}
			out = append(out, j)
		}
		return writeJSON(c.stdout, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "（没有符合条件的检查记录）")
		c.hintDistrict(db, district)
		return nil
	}
	t := &table{header: []string{"检查编号", "小区名称", "县（市）区", "状态", "得分", "否决", "已判定", "检查人员", "开始时间", "定稿时间"},
		right: map[int]bool{4: true, 5: true, 6: true}}
	var drafts, finals int
	for _, s := range list {
		label := s.Status.Label()
		if s.AmendsID != "" {
			label += "（更正）"
		}
		score := "—"
		if s.ScoreDefined {
			score = fmt.Sprintf("%.1f", s.Score)
		}
		vetoes := ""
		if s.Vetoes > 0 {
			vetoes = strconv.Itoa(s.Vetoes)
		}
		finalized := ""
		if s.FinalizedAt != nil {
			finalized = s.FinalizedAt.Format(timeShown)
			finals++
		} else {
			drafts++
		}
		t.add(s.ID, s.CommunityName, s.District, label, score, vetoes, fmt.Sprintf("%d/%d", s.Judged, s.Scorable),
			strings.Join(s.Inspectors, "、"), s.StartedAt.Format(timeShown), finalized)
	}
	t.write(c.stdout)
	fmt.Fprintf(c.stdout, "共 %d 份检查记录：已完成 %d 份，检查中 %d 份\n", len(list), finals, drafts)
	return nil
}

// hintDistrict names the districts there are when a --district filter
// matched nothing, since a typo is the likely cause.
func (c *cli) hintDistrict(db *store.DB, district string) {
	if district == "" {
		return
	}
	all, err := db.Districts(c.ctx)
	if err != nil || slices.Contains(all, district) || len(all) == 0 {
		return
	}
	fmt.Fprintf(c.stderr, "提示：数据文件中没有「%s」；已有的县（市）区：%s\n", district, strings.Join(all, "、"))
}

// timeShown is how times are printed for people (in the record's zone).
const timeShown = "2006-01-02 15:04"

func optional(v *float64, unit string) string {
	if v == nil {
		return "—"
	}
	return inspection.FormatNumber(*v) + unit
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
