package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func exCtl(t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if got := run(args, &out, &errb); got != want {
		t.Fatalf("jiayuanctl %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, want, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func TestExchangeCommands(t *testing.T) {
	dir := t.TempDir()
	inspector, office := filepath.Join(dir, "inspector.db"), filepath.Join(dir, "office.db")
	exCtl(t, 0, "demo", "--db", inspector, "--communities", "4", "--name", "检查员笔记本")
	exCtl(t, 0, "init", "--db", office, "--name", "区局")

	keyOut, _ := exCtl(t, 0, "exchange-key", "--db", office)
	recipient := regexp.MustCompile(`age1[0-9a-z]+`).FindString(keyOut)
	if recipient == "" {
		t.Fatalf("no recipient in %s", keyOut)
	}
	pkg := filepath.Join(dir, "巡检 数据.jypkg")
	out, _ := exCtl(t, 0, "export", "--db", inspector, "--out", pkg, "--since-last", "区局", "--to", recipient)
	if !strings.Contains(out, "已加密") {
		t.Fatalf("export: %s", out)
	}

	// Unknown signer: held, exit 1, JSON says so.
	out, _ = exCtl(t, 1, "import", "--db", office, "--json", pkg)
	var results []map[string]any
	if err := json.Unmarshal([]byte(out), &results); err != nil || len(results) != 1 || results[0]["status"] != "held" {
		t.Fatalf("held import: %s %v", out, err)
	}
	fp, _ := results[0]["fingerprint"].(string)
	out, _ = exCtl(t, 0, "trust", "--db", office, "--package", pkg)
	if !strings.Contains(out, fp) || !strings.Contains(out, "已登记受信设备") {
		t.Fatalf("trust: %s", out)
	}
	out, _ = exCtl(t, 0, "import", "--db", office, pkg)
	if !strings.Contains(out, "已导入") {
		t.Fatalf("import: %s", out)
	}
	out, _ = exCtl(t, 0, "import", "--db", office, "--json", pkg)
	if err := json.Unmarshal([]byte(out), &results); err != nil || results[0]["status"] != "duplicate" {
		t.Fatalf("second import: %s", out)
	}
	exCtl(t, 0, "verify", "--db", office)

	out, _ = exCtl(t, 0, "inspect-package", pkg, "--db", office)
	if !strings.Contains(out, "有效") || !strings.Contains(out, "受信") {
		t.Fatalf("inspect-package: %s", out)
	}
	_, errOut := exCtl(t, 1, "inspect-package", pkg)
	if !strings.Contains(errOut, "加密") {
		t.Fatalf("inspect-package without the key: %s", errOut)
	}
	out, _ = exCtl(t, 0, "conflicts", "--db", office)
	if !strings.Contains(out, "没有待处理的冲突") {
		t.Fatalf("conflicts: %s", out)
	}
	out, _ = exCtl(t, 0, "trust", "--db", office, "--list")
	if !strings.Contains(out, "检查员笔记本") {
		t.Fatalf("trust --list: %s", out)
	}

	// A refused file among good ones: exit 1, the good one still merges.
	bad := filepath.Join(dir, "bad.jypkg")
	exCtl(t, 0, "export", "--db", inspector, "--out", bad)
	corrupt(t, bad)
	out, _ = exCtl(t, 1, "import", "--db", office, "--json", bad, pkg)
	if err := json.Unmarshal([]byte(out), &results); err != nil || results[0]["status"] != "refused" || results[1]["status"] != "duplicate" {
		t.Fatalf("mixed import: %s", out)
	}
	if msg, _ := results[0]["message"].(string); !strings.Contains(msg, "bad.jypkg") || !strings.Contains(msg, "已拒绝导入") {
		t.Fatalf("refusal message: %s", msg)
	}
	exCtl(t, 2, "import", "--db", office)
	exCtl(t, 2, "conflicts", "--db", office, "--resolve", "x", "--keep", "maybe")
}

func corrupt(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
