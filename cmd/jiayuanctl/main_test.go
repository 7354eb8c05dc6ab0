package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // to tamper with a file behind the program's back
)

// ctl runs the tool with args and returns what it printed and its status.
func ctl(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// mustCtl runs the tool and fails the test unless it succeeds.
func mustCtl(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := ctl(t, args...)
	if code != exitOK {
		t.Fatalf("jiayuanctl %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func decode[T any](t *testing.T, data string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return v
}

// TestDemoFile walks a file through its life: init, demo, list, show,
// verify, then verify again after a row is edited behind the program's
// back.
func TestDemoFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "巡检 数据.db")

	out := mustCtl(t, "init", "--db", db)
	if !strings.Contains(out, "已创建数据文件") || !regexp.MustCompile(`本机编号：[0-9a-f]{16}`).MatchString(out) ||
		!regexp.MustCompile(`密钥指纹：([0-9A-F]{4} ){7}[0-9A-F]{4}`).MatchString(out) {
		t.Errorf("init says:\n%s", out)
	}
	if out := mustCtl(t, "list", "communities", "--db", db, "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("empty list: %q, want []", out)
	}
	if out := mustCtl(t, "list", "inspections", "--db", db, "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("empty list: %q, want []", out)
	}

	out = mustCtl(t, "demo", "--db", db, "--seed", "3", "--communities", "40")
	if !strings.Contains(out, "小区 40 个") {
		t.Errorf("demo says:\n%s", out)
	}

	t.Run("list communities", func(t *testing.T) {
		out := mustCtl(t, "list", "communities", "--db", db, "--json")
		list := decode[[]map[string]any](t, out)
		if len(list) != 40 {
			t.Fatalf("%d communities", len(list))
		}
		for _, key := range []string{"id", "name", "district", "street", "community", "address", "property_company",
			"households", "type", "satisfaction", "complaint_rate", "committee"} {
			if _, ok := list[0][key]; !ok {
				t.Errorf("no key %q in %v", key, list[0])
			}
		}
		district := list[0]["district"].(string)
		in := decode[[]map[string]any](t, mustCtl(t, "list", "communities", "--db", db, "--json", "--district", district))
		if len(in) == 0 || len(in) >= 40 {
			t.Errorf("%d communities in %s", len(in), district)
		}
		for _, c := range in {
			if c["district"] != district {
				t.Errorf("%v is not in %s", c, district)
			}
		}
		found := decode[[]map[string]any](t, mustCtl(t, "list", "--db", db, "communities", "--query", "ylhy", "--json"))
		if len(found) != 1 || found[0]["name"] != "怡乐花园" {
			t.Errorf("ylhy finds %v", found)
		}
		text := mustCtl(t, "list", "communities", "--db", db)
		if !strings.Contains(text, "小区名称") || !strings.Contains(text, "怡乐花园") || !strings.Contains(text, "共 40 个小区") {
			t.Errorf("text list:\n%s", text)
		}
	})

	var finalized, draft string
	t.Run("list inspections", func(t *testing.T) {
		list := decode[[]map[string]any](t, mustCtl(t, "list", "inspections", "--db", db, "--json"))
		if len(list) == 0 {
			t.Fatal("no inspections")
		}
		statuses := map[string]int{}
		for _, in := range list {
			for _, key := range []string{"id", "community_id", "community_name", "status", "score", "started_at", "finalized_at"} {
				if _, ok := in[key]; !ok {
					t.Errorf("no key %q in %v", key, in)
				}
			}
			statuses[in["status"].(string)]++
			switch in["status"] {
			case "finalized":
				if in["finalized_at"] == nil || in["score"] == nil {
					t.Errorf("finalized without time or score: %v", in)
				}
				if finalized == "" && in["vetoes"].(float64) > 0 {
					finalized = in["id"].(string)
				}
			case "draft":
				if in["finalized_at"] != nil {
					t.Errorf("draft with finalized_at: %v", in)
				}
				draft = in["id"].(string)
			default:
				t.Errorf("status %v", in["status"])
			}
		}
		if statuses["draft"] == 0 || statuses["finalized"] == 0 || finalized == "" {
			t.Fatalf("statuses %v, vetoed finalized %q", statuses, finalized)
		}
		drafts := decode[[]map[string]any](t, mustCtl(t, "list", "inspections", "--db", db, "--status", "draft", "--json"))
		if len(drafts) != statuses["draft"] {
			t.Errorf("--status draft lists %d, want %d", len(drafts), statuses["draft"])
		}
		text := mustCtl(t, "list", "inspections", "--db", db)
		if !strings.Contains(text, "检查编号") || !strings.Contains(text, "已完成") || !strings.Contains(text, "检查中") {
			t.Errorf("text list:\n%s", text)
		}
	})
	if finalized == "" {
		t.FailNow()
	}

	t.Run("show", func(t *testing.T) {
		rec := decode[map[string]any](t, mustCtl(t, "show", "--db", db, "--inspection", finalized, "--json"))
		name := rec["community"].(map[string]any)["name"].(string)
		if rec["status"] != "finalized" || rec["score"] == nil || len(rec["sections"].([]any)) != 13 ||
			len(rec["vetoes"].([]any)) == 0 || len(rec["signatures"].([]any)) < 2 || rec["content_digest"] == nil {
			t.Errorf("show --json: %v", rec)
		}
		text := mustCtl(t, "show", "--db", db, "--inspection", finalized)
		for _, want := range []string{"总分", name, "一票否决", "物业服务企业代表", "内容摘要", "【13 公示设施】"} {
			if !strings.Contains(text, want) {
				t.Errorf("show does not say %q:\n%s", want, text)
			}
		}
		// The start of an id will do when it is unambiguous (UUIDv7 ids
		// begin with the time, so take most of it).
		if short := mustCtl(t, "show", "--db", db, "--inspection", finalized[:30]); short != text {
			t.Error("show by the start of the id differs")
		}
		text = mustCtl(t, "show", draft, "--db", db)
		if !strings.Contains(text, "检查中") || !strings.Contains(text, "定稿后生成") {
			t.Errorf("draft:\n%s", text)
		}
		_, errOut, code := ctl(t, "show", "--db", db, "--inspection", "no-such-id")
		if code != exitFailure || !strings.Contains(errOut, "检查记录不存在：no-such-id") {
			t.Errorf("unknown id: exit %d, %q", code, errOut)
		}
	})

	t.Run("verify", func(t *testing.T) {
		out := mustCtl(t, "verify", "--db", db)
		if !strings.Contains(out, "校验通过") {
			t.Errorf("verify:\n%s", out)
		}
		rep := decode[map[string]any](t, mustCtl(t, "verify", "--db", db, "--json"))
		if rep["ok"] != true || rep["records"].(float64) == 0 || len(rep["problems"].([]any)) != 0 {
			t.Errorf("verify --json: %v", rep)
		}

		raw, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		var id string
		if err := raw.QueryRow(`SELECT id FROM answers WHERE rowid = 1`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`UPDATE answers SET note = '改' WHERE rowid = 1`); err != nil {
			t.Fatal(err)
		}
		raw.Close()

		_, errOut, code := ctl(t, "verify", "--db", db)
		if code != exitFailure || !strings.Contains(errOut, "校验失败") || !strings.Contains(errOut, "answers（检查项答案） 记录 "+id) {
			t.Errorf("verify after tampering: exit %d\n%s", code, errOut)
		}
		out, _, code = ctl(t, "verify", "--db", db, "--json")
		rep = decode[map[string]any](t, out)
		problems := rep["problems"].([]any)
		if code != exitFailure || rep["ok"] != false || len(problems) == 0 || problems[0].(map[string]any)["entity_id"] != id {
			t.Errorf("verify --json after tampering: exit %d %v", code, rep)
		}
	})

	t.Run("demo refuses a file with data", func(t *testing.T) {
		_, errOut, code := ctl(t, "demo", "--db", db)
		if code != exitFailure || !strings.Contains(errOut, "数据文件中已有数据") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
}

func TestInitTwiceKeepsTheFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	first := mustCtl(t, "init", "--db", db, "--name", "测试机")
	second := mustCtl(t, "init", "--db", db)
	if !strings.Contains(second, "数据文件已存在") {
		t.Errorf("second init:\n%s", second)
	}
	id := regexp.MustCompile(`本机编号：\S+`)
	if id.FindString(first) != id.FindString(second) {
		t.Errorf("device changed:\n%s\n%s", first, second)
	}
}

func TestMisuse(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope", "missing.db")
	cases := []struct {
		name string
		args []string
		code int
		want string // on stderr
	}{
		{"no arguments", nil, exitMisuse, "用法"},
		{"unknown command", []string{"frobnicate"}, exitMisuse, "未知命令「frobnicate」"},
		{"init without --db", []string{"init"}, exitMisuse, "缺少 --db"},
		{"demo without --db", []string{"demo"}, exitMisuse, "缺少 --db"},
		{"list without --db", []string{"list", "communities"}, exitMisuse, "缺少 --db"},
		{"show without --db", []string{"show", "--inspection", "x"}, exitMisuse, "缺少 --db"},
		{"verify without --db", []string{"verify"}, exitMisuse, "缺少 --db"},
		{"unknown flag", []string{"verify", "--db", "x", "--fast"}, exitMisuse, "没有参数 -fast"},
		{"flag without value", []string{"verify", "--db"}, exitMisuse, "参数 -db 后面需要一个值"},
		{"bad number", []string{"demo", "--db", "x", "--seed", "abc"}, exitMisuse, "参数 -seed 的值「abc」无效"},
		{"no communities", []string{"demo", "--db", "x", "--communities", "0"}, exitMisuse, "小区数量"},
		{"list nothing", []string{"list", "--db", "x"}, exitMisuse, "communities（小区）或 inspections（检查记录）"},
		{"list something else", []string{"list", "photos", "--db", "x"}, exitMisuse, "不能列出「photos」"},
		{"bad status", []string{"list", "inspections", "--db", "x", "--status", "done"}, exitMisuse, "--status 的值「done」无效"},
		{"show without id", []string{"show", "--db", "x"}, exitMisuse, "缺少 --inspection"},
		{"stray argument", []string{"verify", "--db", "x", "extra"}, exitMisuse, "多余的参数：extra"},
		{"list a missing file", []string{"list", "communities", "--db", missing}, exitFailure, "数据文件不存在：" + missing},
		{"show a missing file", []string{"show", "--db", missing, "--inspection", "x"}, exitFailure, "数据文件不存在：" + missing},
		{"verify a missing file", []string{"verify", "--db", missing}, exitFailure, "数据文件不存在：" + missing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := ctl(t, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nwant %q", code, c.code, errOut, c.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Errorf("reading a missing file created %s", filepath.Dir(missing))
	}
}

func TestHelp(t *testing.T) {
	out := mustCtl(t, "help")
	for _, name := range []string{"init", "demo", "list", "show", "verify"} {
		if !strings.Contains(out, "jiayuanctl "+name) {
			t.Errorf("help does not list %s:\n%s", name, out)
		}
	}
	if out := mustCtl(t, "help", "demo"); !strings.Contains(out, "--seed") {
		t.Errorf("help demo:\n%s", out)
	}
	if out := mustCtl(t, "verify", "-h"); !strings.Contains(out, "用法：jiayuanctl verify") {
		t.Errorf("verify -h:\n%s", out)
	}
	if _, _, code := ctl(t, "help", "nope"); code != exitMisuse {
		t.Errorf("help nope: exit %d", code)
	}
}

func TestTableAlignsChinese(t *testing.T) {
	var b bytes.Buffer
	tb := &table{header: []string{"名称", "户数", "id"}, right: map[int]bool{1: true}}
	tb.add("怡乐花园", "800", "ab")
	tb.add("阳光城·翡丽湾", "1200", "cd")
	tb.write(&b)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	var ends []int
	for _, l := range lines {
		ends = append(ends, displayWidth(l))
	}
	if !slices.Equal(ends, []int{ends[0], ends[0], ends[0]}) {
		t.Errorf("lines end at %v:\n%s", ends, b.String())
	}
	if displayWidth("小区A·1") != 7 {
		t.Errorf("displayWidth = %d", displayWidth("小区A·1"))
	}
}
