package pdf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// Loader loads what one record of a batch needs. It is called from
// several goroutines at once when printing into a folder.
type Loader func(ctx context.Context, id string) (Document, error)

// Progress is told after each record: done of total, and the file (or
// record) just finished. It is called from one goroutine at a time.
type Progress func(done, total int, name string)

// BatchResult is what a batch wrote and what it could not.
type BatchResult struct {
	Files  []string // paths written, in the order of the ids
	Failed []BatchError
}

// BatchError names a record that could not be printed.
type BatchError struct {
	ID  string
	Err error
}

func (e BatchError) Error() string {
	if strings.Contains(e.Err.Error(), e.ID) {
		return e.Err.Error()
	}
	return fmt.Sprintf("检查记录 %s：%v", e.ID, e.Err)
}

func (e BatchError) Unwrap() error { return e.Err }

// WriteFolder prints each record into its own file in dir (created if
// needed), named by FileName. A record that fails is reported in the
// result and the others still print; the error is non-nil if any failed
// or ctx was cancelled. Files are written under a temporary name and
// renamed, so a cancelled batch leaves no half-written PDF. Records are
// rendered on all cores; the font is parsed once.
func (fo *Font) WriteFolder(ctx context.Context, dir string, ids []string, load Loader, progress Progress) (BatchResult, error) {
	var res BatchResult
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("无法创建文件夹 %s：%w", dir, err)
	}
	type outcome struct {
		path string
		err  error
	}
	outcomes := make([]outcome, len(ids))
	var (
		mu    sync.Mutex
		names = map[string]bool{}
		done  int
	)
	// claim reserves a unique file name (two records of one community on
	// one day differ by id; identical names get a counter).
	claim := func(name string) string {
		mu.Lock()
		defer mu.Unlock()
		base := strings.TrimSuffix(name, ".pdf")
		for i := 2; names[strings.ToLower(name)]; i++ {
			name = fmt.Sprintf("%s_%d.pdf", base, i)
		}
		names[strings.ToLower(name)] = true
		return name
	}
	work := make(chan int)
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), 4, max(len(ids), 1))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				path, err := fo.writeOne(ctx, dir, ids[i], load, claim)
				mu.Lock()
				outcomes[i] = outcome{path, err}
				done++
				if progress != nil {
					name := ids[i]
					if path != "" {
						name = filepath.Base(path)
					}
					progress(done, len(ids), name)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range ids {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	var errs []error
	for i, o := range outcomes {
		switch {
		case o.err != nil:
			res.Failed = append(res.Failed, BatchError{ids[i], o.err})
			errs = append(errs, BatchError{ids[i], o.err})
		case o.path != "":
			res.Files = append(res.Files, o.path)
		}
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("批量打印已取消（已完成 %d 份）：%w", len(res.Files), err)
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("%d 份检查记录打印失败：%w", len(errs), errors.Join(errs...))
	}
	return res, nil
}

func (fo *Font) writeOne(ctx context.Context, dir, id string, load Loader, claim func(string) string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	doc, err := load(ctx, id)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".jiayuan-*.pdf.tmp")
	if err != nil {
		return "", fmt.Errorf("无法写入文件夹 %s：%w", dir, err)
	}
	defer os.Remove(tmp.Name())
	if err := fo.Write(tmp, doc); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("无法写入 %s：%w", tmp.Name(), err)
	}
	os.Chmod(tmp.Name(), 0o644) // CreateTemp makes it private
	path := filepath.Join(dir, claim(FileName(doc.Record)))
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("无法写入 %s：%w", path, err)
	}
	return path, nil
}

// WriteCombined prints every record into one PDF, each starting on a new
// page with its own 「第 x 页 共 y 页」 and footer. Any failure stops the
// batch (a combined file with a record missing would mislead). The whole
// file is built in memory before it is written: keep combined batches to
// a few hundred records.
func (fo *Font) WriteCombined(ctx context.Context, w io.Writer, ids []string, load Loader, progress Progress) error {
	if len(ids) == 0 {
		return errors.New("没有要打印的检查记录")
	}
	var p *printer
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("批量打印已取消：%w", err)
		}
		doc, err := load(ctx, id)
		if err != nil {
			return BatchError{id, err}
		}
		if p == nil {
			if p, err = fo.newPrinter(doc.PrintedAt); err != nil {
				return err
			}
			p.combined = true
			p.f.SetTitle(fmt.Sprintf("检查记录表（%d 份）", len(ids)), true)
		}
		if err := p.document(&doc, i); err != nil {
			return BatchError{id, err}
		}
		if progress != nil {
			progress(i+1, len(ids), doc.Record.Community.Name)
		}
	}
	return p.output(w)
}

// VolumeSize is the most records WriteVolumes puts into one combined PDF
// (each is built in memory).
const VolumeSize = 500

// VolumeName is the n-th (from 1) volume's file of a combined PDF path
// printed in volumes: 鼓楼区检查记录表-第2册.pdf for 鼓楼区检查记录表.pdf.
func VolumeName(path string, n int) string {
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-第%d册%s", strings.TrimSuffix(path, ext), n, ext)
}

// WriteVolumes prints the records combined (WriteCombined) into the file
// path or, when they are more than per, into volumes of at most per
// records each, named by VolumeName; progress counts over all of them.
// It returns the files written. All or nothing: each volume is written
// under a temporary name and renamed, and after a failure or a cancel
// no volume is left.
func (fo *Font) WriteVolumes(ctx context.Context, path string, ids []string, per int, load Loader, progress Progress) ([]string, error) {
	if len(ids) == 0 {
		return nil, errors.New("没有要打印的检查记录")
	}
	if per <= 0 {
		per = VolumeSize
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建文件夹 %s：%w", dir, err)
	}
	n := (len(ids) + per - 1) / per
	var files []string
	fail := func(err error) ([]string, error) {
		for _, f := range files {
			os.Remove(f)
		}
		return nil, err
	}
	for v := range n {
		part := ids[v*per : min((v+1)*per, len(ids))]
		name := path
		if n > 1 {
			name = VolumeName(path, v+1)
		}
		tmp, err := os.CreateTemp(dir, ".jiayuan-*.pdf.tmp")
		if err != nil {
			return fail(fmt.Errorf("无法写入文件夹 %s：%w", dir, err))
		}
		before := v * per
		err = fo.WriteCombined(ctx, tmp, part, load, func(done, _ int, what string) {
			if progress != nil {
				progress(before+done, len(ids), what)
			}
		})
		if cerr := tmp.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("无法写入 %s：%w", name, cerr)
		}
		if err == nil {
			os.Chmod(tmp.Name(), 0o644) // CreateTemp makes it private
			if rerr := os.Rename(tmp.Name(), name); rerr != nil {
				err = fmt.Errorf("无法写入 %s：%w", name, rerr)
			}
		}
		if err != nil {
			os.Remove(tmp.Name())
			return fail(err)
		}
		files = append(files, name)
	}
	return files, nil
}

// FileName is a record's PDF file name, 小区名_日期_短编号.pdf, safe on
// Windows, macOS and Linux whatever the data holds: no path separators or
// reserved characters, no trailing dots or spaces, at most 40 characters
// of name. The short id is the end of the record id (the random part of a
// UUIDv7; its start is a timestamp shared by records made together).
func FileName(r inspection.Record) string {
	name := safeName(r.Community.Name, 40)
	if name == "" {
		name = "小区"
	}
	date := "未开始"
	if !r.Inspection.StartedAt.IsZero() {
		date = r.Inspection.StartedAt.Format("20060102")
	}
	id := safeName(strings.ReplaceAll(r.Inspection.ID, "-", ""), 64)
	if len(id) > 8 {
		id = id[len(id)-8:]
	}
	if id == "" {
		id = "无编号"
	}
	suffix := ""
	if r.Inspection.Status != inspection.Finalized {
		suffix = "_草稿"
	}
	return name + "_" + date + "_" + id + suffix + ".pdf"
}

// safeName keeps letters, digits and harmless punctuation, replaces the
// rest with "_" and cuts to max runes.
func safeName(s string, max int) string {
	var b strings.Builder
	n := 0
	lastUnderscore := false
	for _, r := range s {
		if n >= max {
			break
		}
		ok := unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-（）()·、＃#＆&+，,。", r)
		if r == utf8.RuneError || unicode.Is(unicode.Co, r) {
			ok = false
		}
		if !ok {
			if lastUnderscore || b.Len() == 0 {
				continue
			}
			b.WriteByte('_')
			lastUnderscore = true
			n++
			continue
		}
		b.WriteRune(r)
		lastUnderscore = false
		n++
	}
	return strings.Trim(b.String(), "_. ")
}
