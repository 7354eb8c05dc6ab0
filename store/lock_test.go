package store_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

const lockChildEnv = "JIAYUAN_LOCK_CHILD"

// TestLockChild is the other process of TestOneWriterPerDataFile: with
// "hold" it takes the lock and waits to be killed; with "try" it tries to
// take it, reads the file read-only, and reports.
func TestLockChild(t *testing.T) {
	spec := os.Getenv(lockChildEnv)
	if spec == "" {
		t.Skip("only runs as the lock test's child process")
	}
	mode, path, _ := strings.Cut(spec, "\t")
	switch mode {
	case "hold":
		if _, err := store.LockFile(path); err != nil {
			fmt.Println("error", err)
			os.Exit(0)
		}
		fmt.Println("locked")
		select {}
	case "try":
		_, err := store.LockFile(path)
		fmt.Printf("locked=%v errlocked=%v msg=%v\n", err == nil, errors.Is(err, store.ErrLocked), err)
		rep, err := store.VerifyFile(context.Background(), path)
		fmt.Printf("readonly ok=%v err=%v records=%d\n", err == nil && rep.OK(), err, rep.Records)
		os.Exit(0)
	}
}

func lockChild(t *testing.T, mode, path string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+mode+"\t"+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}

// TestOneWriterPerDataFile: while one process holds a data file's lock, a
// second process is refused with a Chinese message naming the holder and
// can still read the file read-only; when the holder is killed (a crash),
// the lock is free again at once.
func TestOneWriterPerDataFile(t *testing.T) {
	db, path := openTest(t)
	addCommunity(t, db, "怡乐花园", "鼓楼区")

	holder, hout := lockChild(t, "hold", path)
	if !hout.Scan() || hout.Text() != "locked" {
		holder.Process.Kill()
		t.Fatalf("holder: %q", hout.Text())
	}
	// In this process too (another open file description).
	if _, err := store.LockFile(path); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second lock in another handle: %v", err)
	} else if !strings.Contains(err.Error(), fmt.Sprint("进程 ", holder.Process.Pid)) || !strings.Contains(err.Error(), "已在另一个窗口或程序中打开") {
		t.Fatalf("message does not name the holder: %v", err)
	}
	try, tout := lockChild(t, "try", path)
	var lines []string
	for tout.Scan() {
		lines = append(lines, tout.Text())
	}
	try.Wait()
	got := strings.Join(lines, "\n")
	if !strings.Contains(got, "locked=false errlocked=true") || !strings.Contains(got, "readonly ok=true") {
		t.Fatalf("second process:\n%s", got)
	}
	t.Log(got)

	holder.Process.Signal(syscall.SIGKILL)
	holder.Wait()
	l, err := store.LockFile(path)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	defer l.Close()
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "test.db.lock")); err != nil {
		t.Fatal(err)
	}
}
