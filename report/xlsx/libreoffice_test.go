package xlsx_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
)

// soffice converts files with LibreOffice (skipped when not installed).
func soffice(t *testing.T, dir, to string, files ...string) {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice not installed")
	}
	args := append([]string{"--headless", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--convert-to", to, "--outdir", dir}, files...)
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
}

// Every exported workbook opens in LibreOffice; a template and a
// community list saved by LibreOffice read back.
func TestLibreOffice(t *testing.T) {
	dir := t.TempDir()
	tpl, _ := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	at := time.Now()
	write := func(name string, fn func(*bytes.Buffer) error) string {
		var b bytes.Buffer
		if err := fn(&b); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, b.Bytes(), 0o644)
		return p
	}
	files := []string{
		write("summary.xlsx", func(b *bytes.Buffer) error {
			return xlsx.WriteSummary(b, syntheticCity(tpl, 20), xlsx.SummaryOptions{Template: tpl, At: at})
		}),
		write("report.xlsx", func(b *bytes.Buffer) error {
			rep, err := xlsx.BuildWorkReport(syntheticCity(tpl, 40), tpl, 0)
			if err != nil {
				return err
			}
			return xlsx.WriteWorkReport(b, rep, "", at)
		}),
		write("actions.xlsx", func(b *bytes.Buffer) error { return xlsx.WriteActions(b, nil, "", at) }),
		write("liaisons.xlsx", func(b *bytes.Buffer) error {
			return xlsx.WriteLiaisons(b, []xlsx.Liaison{{Unit: "鼓楼区住建局", Name: "张三", Mobile: "13800000000"}}, at)
		}),
	}
	soffice(t, dir, "csv:Text - txt - csv (StarCalc):44,34,76", files...)
	for _, f := range files {
		csv, err := os.ReadFile(strings.TrimSuffix(f, ".xlsx") + ".csv")
		if err != nil || len(csv) == 0 {
			t.Errorf("%s: no CSV from LibreOffice: %v", filepath.Base(f), err)
		}
	}
	if csv, _ := os.ReadFile(filepath.Join(dir, "liaisons.csv")); !strings.Contains(string(csv), "13800000000") {
		t.Errorf("liaison CSV: %s", csv)
	}

	// Re-saved by LibreOffice.
	lo := filepath.Join(dir, "lo")
	os.MkdirAll(lo, 0o755)
	tplFile := write("template.xlsx", func(b *bytes.Buffer) error { return xlsx.WriteTemplate(b, tpl, at) })
	list := filepath.Join(dir, "list.csv")
	os.WriteFile(list, []byte("序号,小区名称,区县,物业公司,总户数（户）,满意度\n1,新桥花园,鼓楼区,福建某物业,１２００,95.5%\n2,旧城小区,鼓楼区,,\"1,350\",0.92\n,,,,,\n合计,,,,2550,\n"), 0o644)
	soffice(t, lo, "xlsx", tplFile)
	bin, _ := exec.LookPath("soffice")
	if out, err := exec.Command(bin, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--infilter=CSV:44,34,76", "--convert-to", "xlsx", "--outdir", lo, list).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(filepath.Join(lo, "template.xlsx"))
	p, err := xlsx.ReadTemplate(bytes.NewReader(data))
	if err != nil || len(p.Problems) > 0 {
		t.Fatalf("template saved by LibreOffice: %v %s", err, issuesText(p.Problems))
	}
	want, _ := inspection.MarshalTemplate(tpl)
	got, _ := inspection.MarshalTemplate(p.Template)
	if !bytes.Equal(want, got) {
		t.Errorf("template saved by LibreOffice differs: %s", firstDiff(string(want), string(got)))
	}
	data, _ = os.ReadFile(filepath.Join(lo, "list.xlsx"))
	cp, err := xlsx.ReadCommunities(bytes.NewReader(data))
	if err != nil || len(cp.Errors()) > 0 || len(cp.Rows) != 2 {
		t.Fatalf("list saved by LibreOffice: %v %s %d rows", err, issuesText(cp.Errors()), len(cp.Rows))
	}
	if v := cp.Rows[0].Value; v.Households != 1200 || v.Satisfaction == nil || *v.Satisfaction != 95.5 || v.PropertyCompany != "福建某物业" {
		t.Errorf("row 1: %+v", v)
	}
	if v := cp.Rows[1].Value; v.Households != 1350 || *v.Satisfaction != 92 {
		t.Errorf("row 2: %+v", v)
	}
}
