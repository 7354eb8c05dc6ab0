package xlsx_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/xuri/excelize/v2"
)

// The Excel importers read files from outside (a district's community
// list, figures, liaisons, a template), so each is fuzzed two ways:
//
//   - FuzzReadWorkbook feeds raw bytes to every importer (zip, XML, shared
//     strings, styles, merged cells, dimensions);
//   - FuzzRead<Importer> starts from a valid workbook and applies an edit
//     script the fuzzer mutates (any text, number or formula in any cell
//     of the first sheets), so the importers' own logic is reached —
//     random bytes rarely survive the zip checksums.
//
// Every importer must return (a preview or an error) without panicking;
// a template preview without problems must hold a template that validates
// and survives its JSON form. Seeds: testdata/fuzz/<target>/ (regenerate
// with go test -run TestFuzzSeeds -update-fuzz-seeds) plus the f.Add
// calls below. `make fuzz` runs each target for FUZZTIME.

var updateSeeds = flag.Bool("update-fuzz-seeds", false, "rewrite the fuzz seed corpora under testdata/fuzz")

func seedCommunities(t testing.TB) []byte {
	return book(t, "小区名单", [][]any{
		{"鼓楼区住宅小区名单"},
		{"序号", "项目名称", "区县", "所属街道", "社区（村）", "详细地址", "物业公司", "总户数（户）", "小区类型", "业主满意度", "投诉率"},
		{1, "怡乐花园（一期）", "鼓楼区", "东街街道", "南营社区", "东街88号", "福建美家物业", "１２００", "商品房", "96.5%", 0.8},
		{2, "金山碧水湾", "", "", "", "", "", "1,350户", "老旧小区", 0.95, ""},
		{"合计", "", "", "", "", "", "", 2550},
	}, func(f *excelize.File) { f.MergeCell("小区名单", "A1", "K1") })
}

func seedFigures(t testing.TB) []byte {
	return book(t, "满意度", [][]any{
		{"小区", "所属区县", "业主满意度", "投诉率（件/百户）"},
		{"怡乐花园", "鼓楼区", 0.955, "0.8"},
		{"金山碧水湾", "鼓楼区", "９６．５", ""},
	}, func(f *excelize.File) {
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
		f.SetCellStyle("满意度", "C2", "C2", style)
	})
}

func seedLiaisons(t testing.TB) []byte {
	var b bytes.Buffer
	ls := []xlsx.Liaison{{District: "鼓楼区", Unit: "鼓楼区住房和城乡建设局", Department: "物业科", Name: "张三", Title: "科长",
		Mobile: "13800000000", OfficePhone: "0591-87654321", Email: "a@b.cn"}}
	if err := xlsx.WriteLiaisons(&b, ls, time.Date(2024, 8, 20, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func seedTemplate(t testing.TB) []byte {
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := xlsx.WriteTemplate(&b, tpl, time.Date(2024, 8, 20, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// edit applies an edit script to a workbook: one edit per line,
// "SHEET:COL:ROW=VALUE" (SHEET an index into the workbook's sheets, COL
// and ROW 1-based and bounded); a value "#N" is written as a number, "=F"
// as a formula, "~" merges the cell with its right neighbour; anything
// else as text. Lines that do not parse are skipped.
func edit(t testing.TB, base []byte, script string) []byte {
	f, err := excelize.OpenReader(bytes.NewReader(base))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	for n, line := range strings.Split(script, "\n") {
		if n >= 64 {
			break
		}
		addr, val, ok := strings.Cut(line, "=")
		parts := strings.Split(addr, ":")
		if !ok || len(parts) != 3 {
			continue
		}
		s, e1 := strconv.Atoi(parts[0])
		c, e2 := strconv.Atoi(parts[1])
		r, e3 := strconv.Atoi(parts[2])
		if e1 != nil || e2 != nil || e3 != nil || s < 0 || c < 1 || r < 1 {
			continue
		}
		sheet := sheets[s%len(sheets)]
		cell, err := excelize.CoordinatesToCellName(1+(c-1)%30, 1+(r-1)%200)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(val, "#"):
			if v, err := strconv.ParseFloat(val[1:], 64); err == nil {
				f.SetCellValue(sheet, cell, v)
			}
		case strings.HasPrefix(val, "=") && len(val) > 1:
			f.SetCellFormula(sheet, cell, val[1:])
		case val == "~":
			right, _ := excelize.CoordinatesToCellName(2+(c-1)%30, 1+(r-1)%200)
			f.MergeCell(sheet, cell, right)
		default:
			f.SetCellStr(sheet, cell, val)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll runs every importer on data and checks what must hold whatever
// the input.
func readAll(t *testing.T, data []byte) {
	if p, err := xlsx.ReadCommunities(bytes.NewReader(data)); err == nil {
		xlsx.MatchCommunities(p, []inspection.Community{{ID: "a", Name: "怡乐花园", District: "鼓楼区"}})
		_ = p.Summary()
		_, _ = p.Errors(), p.Good()
	}
	if p, err := xlsx.ReadFigures(bytes.NewReader(data)); err == nil {
		xlsx.MatchFigures(p, []inspection.Community{{ID: "a", Name: "怡乐花园", District: "鼓楼区"}})
		_ = p.Summary()
	}
	if p, err := xlsx.ReadLiaisons(bytes.NewReader(data)); err == nil {
		xlsx.MatchLiaisons(p, []xlsx.Liaison{{District: "鼓楼区", Name: "张三"}})
		_ = p.Summary()
	}
	readTemplate(t, data)
}

func readTemplate(t *testing.T, data []byte) {
	p, err := xlsx.ReadTemplate(bytes.NewReader(data))
	if err != nil || len(p.Problems) > 0 {
		return
	}
	if p.Template == nil {
		t.Fatal("no problems but no template")
	}
	if err := p.Template.Validate(); err != nil {
		t.Fatalf("a template without problems does not validate: %v", err)
	}
	js, err := inspection.MarshalTemplate(p.Template)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if _, err := inspection.ParseTemplate(js); err != nil {
		t.Fatalf("a read template does not survive its JSON form: %v", err)
	}
}

func FuzzReadWorkbook(f *testing.F) {
	for _, seed := range [][]byte{seedCommunities(f), seedFigures(f), seedLiaisons(f), seedTemplate(f), nil, []byte("PK\x03\x04")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		readAll(t, data)
	})
}

var editSeeds = []string{
	"",
	"0:2:3=怡乐花园\n0:3:3=\n0:8:3=#-1",
	"0:1:1=合计\n0:2:2=~\n0:8:4==SUM(H3:H4)",
	"0:3:2=区县\n0:3:3=鼓楼区\n0:3:4=~",
	"0:10:3=#1e308\n0:11:3=NaN\n0:8:3=１２０万",
	"1:1:2=检查项\n2:5:3=≥ 95\n2:4:3=number",
}

func fuzzEdits(f *testing.F, base []byte, read func(*testing.T, []byte)) {
	for _, s := range editSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		if len(script) > 4096 {
			return
		}
		read(t, edit(t, base, script))
	})
}

func FuzzReadCommunities(f *testing.F) {
	fuzzEdits(f, seedCommunities(f), func(t *testing.T, data []byte) {
		p, err := xlsx.ReadCommunities(bytes.NewReader(data))
		if err != nil {
			return
		}
		xlsx.MatchCommunities(p, []inspection.Community{{ID: "a", Name: "怡乐花园（一期）", District: "鼓楼区"}})
		for _, r := range p.Good() {
			if err := r.Value.Validate(); err != nil {
				t.Fatalf("a row without issues does not validate: %v (%+v)", err, r.Value)
			}
		}
		_ = p.Summary()
	})
}

func FuzzReadFigures(f *testing.F) {
	fuzzEdits(f, seedFigures(f), func(t *testing.T, data []byte) {
		if p, err := xlsx.ReadFigures(bytes.NewReader(data)); err == nil {
			xlsx.MatchFigures(p, []inspection.Community{{ID: "a", Name: "怡乐花园", District: "鼓楼区"}})
			_ = p.Summary()
		}
	})
}

func FuzzReadLiaisons(f *testing.F) {
	fuzzEdits(f, seedLiaisons(f), func(t *testing.T, data []byte) {
		if p, err := xlsx.ReadLiaisons(bytes.NewReader(data)); err == nil {
			xlsx.MatchLiaisons(p, []xlsx.Liaison{{District: "鼓楼区", Name: "张三"}})
			_ = p.Summary()
		}
	})
}

func FuzzReadTemplate(f *testing.F) {
	fuzzEdits(f, seedTemplate(f), readTemplate)
}

// TestFuzzSeeds writes the seed workbooks into the Go fuzz corpus folders
// with -update-fuzz-seeds; without it, checks they are there.
func TestFuzzSeeds(t *testing.T) {
	seeds := map[string][]byte{
		"communities": seedCommunities(t), "figures": seedFigures(t),
		"liaisons": seedLiaisons(t), "template": seedTemplate(t),
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzReadWorkbook")
	for name, data := range seeds {
		path := filepath.Join(dir, "seed-"+name)
		if *updateSeeds {
			os.MkdirAll(dir, 0o755)
			body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		} else if _, err := os.Stat(path); err != nil {
			t.Errorf("seed %s missing (go test -run TestFuzzSeeds -update-fuzz-seeds): %v", name, err)
		}
	}
}
