package exchange

import (
	"bufio"
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// allOrNothingSetup: an office that already holds records and trusts a
// district key, and a district package of n inspections signed with it.
func allOrNothingSetup(t *testing.T, n int) (*device, string) {
	t.Helper()
	office := newDevice(t, "office")
	office.finished("怡乐花园", "鼓楼区", 98, testJPEG(t, 32, 32, 4))
	pub, key, _ := ed25519.GenerateKey(crand.Reader)
	if _, err := office.db.TrustDevice(context.Background(), pub, "区局"); err != nil {
		t.Fatal(err)
	}
	return office, synthPackage(t, t.TempDir(), key, n, 20)
}

func TestDiskFullDuringImport(t *testing.T) {
	ctx := context.Background()
	office, pkg := allOrNothingSetup(t, 30)
	before := office.digest()
	var pages int
	if err := office.db.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	// Room for a few more pages only: the merge runs out half-way.
	raw := office.path
	info, _ := os.Stat(raw)
	pages = int(info.Size()/4096) + 40
	if err := office.db.LimitPages(ctx, pages); err != nil {
		t.Fatal(err)
	}
	res := mustRefuse(t, office, pkg, store.ErrDiskFull)
	if !strings.Contains(res.Message, "磁盘空间不足") || !strings.Contains(res.Message, "数据未作任何改动") {
		t.Fatalf("message: %s", res.Message)
	}
	t.Log(res.Message)
	office.verify()
	if office.digest() != before {
		t.Fatal("records changed")
	}
	if imports, _ := office.db.Imports(ctx); len(imports) != 0 {
		t.Fatal("an import was recorded")
	}
	// With room again the same package merges.
	if err := office.db.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	office.importOK(pkg)
	office.verify()
}

const killChildEnv = "JIAYUAN_IMPORT_KILL_CHILD"

// TestImportKillChild is the child process of TestKillDuringImport.
func TestImportKillChild(t *testing.T) {
	spec := os.Getenv(killChildEnv)
	if spec == "" {
		t.Skip("only runs as the kill test's child process")
	}
	dbPath, pkg, _ := strings.Cut(spec, "\t")
	db, err := store.Open(context.Background(), dbPath, store.Options{Actor: "子进程"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("ready")
	res := ImportFile(context.Background(), db, pkg, ImportOptions{})
	fmt.Println("done", res.Status, res.Message)
	os.Exit(0)
}

// importKills is how many times TestKillDuringImport kills an import: 12,
// or JIAYUAN_IMPORT_KILLS (make test-long: 50).
func importKills() int {
	if n, err := strconv.Atoi(os.Getenv("JIAYUAN_IMPORT_KILLS")); err == nil && n > 0 {
		return n
	}
	return 12
}

// TestKillDuringImport SIGKILLs a child process at random moments of an
// import: afterwards the data file verifies and holds either exactly what
// it held before or the whole package.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	office, pkg := allOrNothingSetup(t, 40)
	before := office.digest()
	office.db.Close()
	orig := office.path

	// The merged state, and how long an import takes.
	full := office.copyTo("merged")
	start := time.Now()
	full.importOK(pkg)
	took := time.Since(start)
	after := full.digest()
	full.db.Close()

	// The import is slower in a child (a cold process): spread the kills
	// over what it takes there, from "ready" to "done", measured once.
	if ct := childImportTime(t, orig, pkg); ct > took {
		took = ct
	}

	rng := rand.New(rand.NewPCG(7, 11))
	outcomes := map[string]int{}
	kills := importKills()
	for k := 0; k < kills; k++ {
		dir := t.TempDir()
		path := filepath.Join(dir, "jiayuan.db")
		body, _ := os.ReadFile(orig)
		os.WriteFile(path, body, 0o600)
		cmd := exec.Command(os.Args[0], "-test.run=^TestImportKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killChildEnv+"="+path+"\t"+pkg)
		out, _ := cmd.StdoutPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if !sc.Scan() || sc.Text() != "ready" {
			cmd.Wait()
			t.Fatalf("child did not start: %s", stderr.String())
		}
		delay := time.Duration(rng.Int64N(int64(took) * 13 / 10))
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		for sc.Scan() {
		}
		cmd.Wait()

		d := &device{t: t, path: path, name: fmt.Sprint("killed", k)}
		var err error
		if d.db, err = store.Open(context.Background(), path, store.Options{}); err != nil {
			t.Fatalf("kill %d: cannot reopen: %v", k, err)
		}
		d.verify()
		switch got := d.digest(); got {
		case before:
			outcomes["before"]++
		case after:
			outcomes["after"]++
		default:
			t.Fatalf("kill %d after %v: records are neither as before nor fully merged", k, delay)
		}
		d.db.Close()
	}
	t.Logf("import takes %v; %d kills: %v", took, kills, outcomes)
	if outcomes["before"] == 0 {
		t.Error("no kill landed before the commit: the test proves little")
	}
}

// childImportTime runs the kill test's child once to its end on a copy of
// the data file at orig and returns how long it took from "ready" to
// "done".
func childImportTime(t *testing.T, orig, pkg string) time.Duration {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jiayuan.db")
	body, _ := os.ReadFile(orig)
	os.WriteFile(path, body, 0o600)
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path+"\t"+pkg)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var ready time.Time
	var took time.Duration
	for sc := bufio.NewScanner(out); sc.Scan(); {
		switch {
		case sc.Text() == "ready":
			ready = time.Now()
		case strings.HasPrefix(sc.Text(), "done"):
			took = time.Since(ready)
		}
	}
	cmd.Wait()
	return took
}
