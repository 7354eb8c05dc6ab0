package store_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// The crash test: a child process autosaves notes as fast as it can and
// prints each one only after the store call returned; the parent SIGKILLs
// it at random moments. After every kill the file must open, pass
// integrity_check and the audit verification, and hold every printed note
// (or a later one for the same item).

const crashChildEnv = "JIAYUAN_CRASH_CHILD"

func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashChildEnv)
	if spec == "" {
		t.Skip("only runs as the crash test's child process")
	}
	// spec: path \t inspection id \t first index \t item codes (comma separated)
	parts := strings.Split(spec, "\t")
	start, _ := strconv.Atoi(parts[2])
	codes := strings.Split(parts[3], ",")
	ctx := context.Background()
	db, err := store.Open(ctx, parts[0], store.Options{Actor: "崩溃测试"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for i := start; ; i++ {
		code := codes[i%len(codes)]
		note := fmt.Sprintf("n%08d", i)
		if _, err := db.SetNote(ctx, parts[1], code, note); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Printf("%s %s\n", code, note) // acknowledged: the call returned
	}
}

func crashKills() int {
	if n, err := strconv.Atoi(os.Getenv("JIAYUAN_CRASH_KILLS")); err == nil && n > 0 {
		return n
	}
	return 30
}

func TestCrashDuringAutosave(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	ctx := context.Background()
	db, path := openTest(t)
	tpl := defaultTemplate(t)
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	in, err := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, []string{"张三"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	var codes []string
	for _, it := range tpl.Items() {
		codes = append(codes, it.Code)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	acked := map[string]int{} // item code -> highest acknowledged index
	next := 0
	kills := crashKills()
	for k := 0; k < kills; k++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+strings.Join([]string{path, in.ID, strconv.Itoa(next), strings.Join(codes, ",")}, "\t"))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		if l, ok := <-lines; !ok || l != "ready" {
			cmd.Wait()
			t.Fatalf("child did not start: %q %s", l, stderr.String())
		}
		timer := time.After(time.Duration(5+rng.IntN(120)) * time.Millisecond)
		killed := false
		for !killed {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("child ended on its own: %s", stderr.String())
				}
				record(t, acked, l, &next)
			case <-timer:
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}
		for l := range lines { // lines printed before the kill landed
			record(t, acked, l, &next)
		}
		cmd.Wait()
		next += 2 // skip the index that may have committed unacknowledged

		db, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatalf("kill %d: cannot reopen: %v", k, err)
		}
		rep, err := db.Verify(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("kill %d: verify: %v %v", k, rep.Problems, err)
		}
		rec, err := db.Inspection(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		for code, idx := range acked {
			got := rec.Answers[code].Note
			n, _ := strconv.Atoi(strings.TrimPrefix(got, "n"))
			if got == "" || n < idx {
				t.Fatalf("kill %d: item %s has note %q, but n%08d was acknowledged", k, code, got, idx)
			}
		}
		db.Close()
	}
	t.Logf("%d kills, about %d acknowledged autosaves, all present after every kill", kills, next-2*kills)
	if next < kills*2+10 {
		t.Errorf("too few writes (%d) for the test to mean anything", next)
	}
}

func record(t *testing.T, acked map[string]int, line string, next *int) {
	code, note, ok := strings.Cut(line, " ")
	if !ok {
		t.Fatalf("bad child line %q", line)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(note, "n"))
	if err != nil {
		t.Fatalf("bad child line %q", line)
	}
	if prev, seen := acked[code]; !seen || n > prev {
		acked[code] = n
	}
	if n+1 > *next {
		*next = n + 1
	}
}
