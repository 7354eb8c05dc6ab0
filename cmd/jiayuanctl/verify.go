package main

import (
	"fmt"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// verify.

func describeProblem(p store.Problem) string {
	entity := p.Entity
	if label := store.EntityLabel(p.Entity); label != "" {
		entity += "（" + label + "）"
	}
	if p.EntityID == "" {
		return fmt.Sprintf("%s：%s", entity, p.Message)
	}
	return fmt.Sprintf("%s 记录 %s：%s", entity, p.EntityID, p.Message)
}

type verifyJSON struct {
	OK           bool          `json:"ok"`
	AuditEntries int           `json:"audit_entries"`
	Records      int           `json:"records"`
	Photos       int           `json:"photos"`
	Problems     []problemJSON `json:"problems"`
}

type problemJSON struct {
	Entity   string `json:"entity"`
	EntityID string `json:"entity_id"`
	Message  string `json:"message"`
}

// maxProblemsShown bounds the list printed after the first problem.
const maxProblemsShown = 20

func (c *cli) cmdVerify(args []string) error {
	fs := newFlags("verify")
	path := fs.String("db", "", "")
	asJSON := fs.Bool("json", false, "")
	db, err := c.openFlags(fs, args, path)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.Verify(c.ctx)
	if err != nil {
		return fmt.Errorf("校验时出错：%w", err)
	}
	if *asJSON {
		out := verifyJSON{OK: rep.OK(), AuditEntries: rep.AuditEntries, Records: rep.Records, Photos: rep.Photos,
			Problems: []problemJSON{}}
		for _, p := range rep.Problems {
			out.Problems = append(out.Problems, problemJSON{p.Entity, p.EntityID, p.Message})
		}
		if err := writeJSON(c.stdout, out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.stdout, "数据文件：%s\n审计日志：%d 条\n记录：%d 条\n照片：%d 张\n", *path, rep.AuditEntries, rep.Records, rep.Photos)
	}
	if rep.OK() {
		if !*asJSON {
			fmt.Fprintln(c.stdout, "校验通过：审计日志哈希链完整，每条记录与审计日志一致，照片与摘要相符。")
		}
		return nil
	}
	fmt.Fprintf(c.stderr, "校验失败：发现 %d 处问题。第一处：%s\n", len(rep.Problems), describeProblem(rep.Problems[0]))
	for i, p := range rep.Problems[1:] {
		if i == maxProblemsShown {
			fmt.Fprintf(c.stderr, "  ……另有 %d 处未列出\n", len(rep.Problems)-1-maxProblemsShown)
			break
		}
		fmt.Fprintf(c.stderr, "  %s\n", describeProblem(p))
	}
	return failed{}
}
