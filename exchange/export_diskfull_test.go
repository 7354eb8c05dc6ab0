//go:build linux

package exchange

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

const exportFullChildEnv = "JIAYUAN_EXPORT_FULL_CHILD"

// TestExportFullDiskChild is the child of TestDiskFullDuringExport: it
// opens the data file, then limits the size of every file it writes
// (RLIMIT_FSIZE: writes beyond it fail with EFBIG, as on a full disk) and
// exports.
func TestExportFullDiskChild(t *testing.T) {
	spec := os.Getenv(exportFullChildEnv)
	if spec == "" {
		t.Skip("only runs as the export disk-full test's child process")
	}
	parts := strings.Split(spec, "\t")
	limit, _ := strconv.ParseUint(parts[2], 10, 64)
	db, err := store.Open(context.Background(), parts[0], store.Options{})
	if err != nil {
		fmt.Println("open", err)
		os.Exit(3)
	}
	signal.Ignore(syscall.SIGXFSZ)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		fmt.Println("rlimit", err)
		os.Exit(3)
	}
	_, err = Export(context.Background(), db, parts[1], ExportOptions{Office: "鼓楼区住建局", TempDir: parts[3]})
	if err != nil {
		fmt.Printf("failed diskfull=%v %s\n", errors.Is(err, store.ErrDiskFull) || errors.Is(err, ErrWriteFailed), err)
	} else {
		fmt.Println("ok")
	}
	db.Close()
	os.Exit(0)
}

// TestDiskFullDuringExport: the disk fills up at every stage of an export
// (building the package's database, writing the package file, recording
// the export in the data file). Each time: a Chinese message starting
// with 磁盘空间不足, no package and no temporary file left in the folder,
// the data file unchanged and verifying, no export recorded. An export
// that fits is whole and valid.
func TestDiskFullDuringExport(t *testing.T) {
	a := newDevice(t, "inspector")
	a.finished("怡乐花园", "鼓楼区", 98, testJPEG(t, 200, 150, 3))
	a.finished("金山小区", "仓山区", 97, testJPEG(t, 220, 160, 9))
	before := a.digest()
	a.db.Close()
	orig, _ := os.ReadFile(a.path)
	// The size of a package, and of the WAL the export record writes into.
	probe := a.copyTo("probe")
	full := probe.export(ExportOptions{})
	st, _ := os.Stat(full)
	pkgSize := st.Size()
	probe.db.Close()

	stages := map[string]int{}
	for _, limit := range []int64{4 << 10, 24 << 10, 64 << 10, pkgSize / 3, pkgSize / 2, pkgSize - 100, pkgSize + 1<<10, pkgSize + 64<<10, 64 << 20} {
		dir := t.TempDir()
		path := filepath.Join(dir, "jiayuan.db")
		os.WriteFile(path, orig, 0o600)
		outDir, tmpDir := filepath.Join(dir, "U盘"), filepath.Join(dir, "tmp")
		os.MkdirAll(outDir, 0o700)
		os.MkdirAll(tmpDir, 0o700)
		out := filepath.Join(outDir, "怡乐花园"+Extension)
		cmd := exec.Command(os.Args[0], "-test.run=^TestExportFullDiskChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), exportFullChildEnv+"="+strings.Join([]string{path, out, fmt.Sprint(limit), tmpDir}, "\t"))
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var line string
		for sc := bufio.NewScanner(stdout); sc.Scan(); {
			if l := sc.Text(); strings.HasPrefix(l, "ok") || strings.HasPrefix(l, "failed") || strings.HasPrefix(l, "open") || strings.HasPrefix(l, "rlimit") {
				line = l
			}
		}
		cmd.Wait()

		d := &device{t: t, path: path, name: fmt.Sprint("limit", limit)}
		var err error
		if d.db, err = store.Open(context.Background(), path, store.Options{}); err != nil {
			t.Fatalf("limit %d: cannot reopen: %v", limit, err)
		}
		d.verify()
		left, _ := os.ReadDir(outDir)
		scratch, _ := os.ReadDir(tmpDir)
		exports, _ := d.db.Exports(context.Background())
		switch {
		case line == "ok":
			stages["ok"]++
			if len(left) != 1 || len(exports) != 1 {
				t.Fatalf("limit %d: exported, but %d files and %d export records", limit, len(left), len(exports))
			}
			if info := Inspect(context.Background(), nil, out, Limits{}); !info.Valid {
				t.Fatalf("limit %d: the package is not valid: %s", limit, info.Problem)
			}
		case strings.HasPrefix(line, "failed"):
			switch {
			case strings.Contains(line, "无法生成数据包"):
				stages["building"]++
			case strings.Contains(line, "无法写入数据包"):
				stages["writing"]++
			case strings.Contains(line, "无法记录导出"):
				stages["recording"]++
			}
			if !strings.Contains(line, "diskfull=true") || !(strings.Contains(line, "磁盘空间不足") || strings.Contains(line, "写入磁盘失败")) {
				t.Fatalf("limit %d: not ErrDiskFull or ErrWriteFailed: %s", limit, line)
			}
			if len(left) != 0 || len(exports) != 0 {
				t.Fatalf("limit %d: failed (%s) but left %v and %d export records", limit, line, left, len(exports))
			}
			if got := d.digest(); got != before {
				t.Fatalf("limit %d: a failed export changed the records", limit)
			}
		default:
			t.Fatalf("limit %d: %q", limit, line)
		}
		if len(scratch) != 0 {
			t.Fatalf("limit %d: scratch files left: %v", limit, scratch)
		}
		t.Logf("limit %d: %s", limit, line)
		d.db.Close()
	}
	t.Logf("stages: %v", stages)
	if stages["building"] == 0 || stages["writing"] == 0 || stages["ok"] == 0 {
		t.Errorf("the limits did not reach every stage: %v", stages)
	}
}

// TestDiskFullRecordingExport: the data file itself is full when the
// export is recorded (PRAGMA max_page_count at its current size): the
// package just written is removed, the data file is unchanged.
func TestDiskFullRecordingExport(t *testing.T) {
	ctx := context.Background()
	a := newDevice(t, "inspector")
	in := a.start(a.community("怡乐花园", "鼓楼区").ID)
	for i := range 150 { // enough photos that recording them needs new pages
		if _, err := a.db.AttachPhoto(ctx, in.ID, "1.1", testJPEG(t, 16, 16, uint8(i)), false); err != nil {
			t.Fatal(err)
		}
	}
	before := a.digest()
	if err := a.db.LimitPages(ctx, 1); err != nil { // = its current page count
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "市局"+Extension)
	_, err := Export(ctx, a.db, out, ExportOptions{Office: "市局"})
	if !errors.Is(err, store.ErrDiskFull) || !strings.Contains(err.Error(), "无法记录导出：磁盘空间不足") {
		t.Fatalf("want a full data file when recording, got %v", err)
	}
	t.Log(err)
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
	if a.digest() != before {
		t.Fatal("records changed")
	}
	if exports, _ := a.db.Exports(ctx); len(exports) != 0 {
		t.Fatal("an export was recorded")
	}
	a.verify()
	if err := a.db.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	if _, err := Export(ctx, a.db, out, ExportOptions{Office: "市局"}); err != nil {
		t.Fatal(err)
	}
}
