package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gen runs the gen command itself (its registration in commands() is one
// line in cli.go).
func gen(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := newCLI(&out, &errOut).cmdGen(args)
	return out.String(), err
}

// TestGenCityAndPackages: a tiny city verifies, its district's package
// imports into an empty office file without conflicts and verifies there.
func TestGenCityAndPackages(t *testing.T) {
	dir := t.TempDir()
	city := filepath.Join(dir, "city.db")
	pk := filepath.Join(dir, "pk")
	out, err := gen(t, "--db", city, "--scale", "0.01", "--seed", "5", "--packages", pk, "--package-district", "鼓楼区")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"县（市）区 12 个", "小区 50 个", "区-鼓楼区.jypkg"} {
		if !strings.Contains(out, want) {
			t.Errorf("gen says no %q:\n%s", want, out)
		}
	}
	mustCtl(t, "verify", "--db", city)
	entries, _ := os.ReadDir(pk)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "区-鼓楼区.db 区-鼓楼区.jypkg" {
		t.Errorf("packages folder holds %v", names)
	}
	office := filepath.Join(dir, "office.db")
	pkg := filepath.Join(pk, "区-鼓楼区.jypkg")
	mustCtl(t, "init", "--db", office)
	mustCtl(t, "trust", "--db", office, "--package", pkg)
	if out := mustCtl(t, "import", "--db", office, pkg); !strings.Contains(out, "冲突 0 条") {
		t.Errorf("import says:\n%s", out)
	}
	mustCtl(t, "verify", "--db", office)

	if _, err := gen(t, "--db", city, "--scale", "0.01"); err == nil || !strings.Contains(err.Error(), "已有数据") {
		t.Errorf("gen into a full file: %v", err)
	}
	for _, args := range [][]string{{"--scale", "0.01"}, {"--db", filepath.Join(dir, "x.db"), "--scale", "0"},
		{"--db", filepath.Join(dir, "x.db"), "--scale", "0.01", "--packages", pk, "--package-district", "无此区"}} {
		if _, err := gen(t, args...); err == nil {
			t.Errorf("gen %v succeeded", args)
		}
	}
}
