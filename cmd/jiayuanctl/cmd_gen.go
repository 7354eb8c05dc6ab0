package main

// gen: the city-scale generated data of the benchmarks (store/demo's
// Generate), and the district and inspector packages the merge
// benchmarks import.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
)

var genCommand = command{"gen", "--db 文件 --scale N [--seed S] [--packages 文件夹]",
	"生成城市规模的测试数据（用于性能测试）：规模 1 为 12 个县（市）区、5000 个小区、约 2 万份检查记录、约 10 万张照片",
	"  --db 文件            数据文件（必须是新的或空的）\n  --scale N            规模（1 为一个城市；0.1 快速测试；0.01 用于持续集成）\n" +
		"  --seed S             随机种子，相同的种子得到相同的数据（默认 1）\n" +
		"  --packages 文件夹    另外生成每个县（市）区的数据包（区-名称.jypkg）和第一个县（市）区每名检查员的数据包\n" +
		"                       （检查员-姓名.jypkg），以及同样内容的数据文件（.db），供合并性能测试使用\n" +
		"  --package-district D 只生成该县（市）区的数据包（不生成检查员的数据包）\n" +
		"  --workers N          并行生成照片的线程数（默认为处理器核数）\n  进度显示在标准错误输出",
	(*cli).cmdGen}

func (c *cli) cmdGen(args []string) error {
	fs := newFlags("gen")
	path := fs.String("db", "", "")
	scale := fs.Float64("scale", 1, "")
	seed := fs.Uint64("seed", 1, "")
	packages := fs.String("packages", "", "")
	workers := fs.Int("workers", 0, "")
	only := fs.String("package-district", "", "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	if err := requireDB(*path); err != nil {
		return err
	}
	if !(*scale > 0) || *scale > 1000 {
		return misuse("规模必须是 0 到 1000 之间的正数（现为 %v）", *scale)
	}
	opts := demo.GenOptions{Seed: *seed, Scale: *scale, Workers: *workers}
	sum, err := c.genFile(*path, "生成的城市数据", opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已生成：%s（规模 %s，随机种子 %d）\n", *path, strconv.FormatFloat(*scale, 'f', -1, 64), *seed)
	c.printGenSummary(sum, *path)
	if *packages == "" {
		return nil
	}
	if err := os.MkdirAll(*packages, 0o755); err != nil {
		return err
	}
	teams, err := demo.GenTeams(*seed, *scale)
	if err != nil {
		return err
	}
	type part struct{ name, district, inspector string }
	var parts []part
	districts := demo.GenDistricts()
	for _, d := range districts {
		if *only == "" || d == *only {
			parts = append(parts, part{"区-" + d, d, ""})
		}
	}
	if len(parts) == 0 {
		return misuse("没有县（市）区「%s」（可用：%s）", *only, strings.Join(districts, "、"))
	}
	if *only == "" {
		for _, n := range teams[districts[0]] {
			parts = append(parts, part{"检查员-" + n, "", n})
		}
	}
	for _, p := range parts {
		dbPath := filepath.Join(*packages, p.name+".db")
		pkgPath := filepath.Join(*packages, p.name+".jypkg")
		for _, f := range []string{dbPath, dbPath + "-wal", dbPath + "-shm", pkgPath} {
			os.Remove(f)
		}
		o := opts
		o.District, o.Inspector = p.district, p.inspector
		device := p.district + "住建局"
		if p.inspector != "" {
			device = p.inspector + "的笔记本"
		}
		sum, err := c.genFile(dbPath, device, o)
		if err != nil {
			return err
		}
		db, err := store.Open(c.ctx, dbPath, store.Options{})
		if err != nil {
			return err
		}
		t := time.Now()
		res, err := exchange.Export(c.ctx, db, pkgPath, exchange.ExportOptions{TempDir: *packages})
		db.Close()
		if err != nil {
			return fmt.Errorf("无法导出 %s：%w", p.name, err)
		}
		fmt.Fprintf(c.stdout, "%s：检查记录 %d 份，检查项答案 %d 条，照片 %d 张；数据包 %.1f MB（导出用时 %.1f 秒）\n",
			pkgPath, sum.Inspections, sum.Answers, res.Counts["photos"], float64(res.Size)/(1<<20), time.Since(t).Seconds())
	}
	return nil
}

// genFile generates into a new data file at path, removing it again when
// generation fails.
func (c *cli) genFile(path, device string, opts demo.GenOptions) (demo.GenSummary, error) {
	existed := fileExists(path)
	db, err := store.Open(c.ctx, path, store.Options{Actor: "市房管局管理员", DeviceName: device})
	if err != nil {
		return demo.GenSummary{}, err
	}
	last := time.Now()
	opts.Progress = func(done, total int) {
		if time.Since(last) > 2*time.Second || done == total {
			last = time.Now()
			fmt.Fprintf(c.stderr, "\r%s：%d / %d 个小区", filepath.Base(path), done, total)
			if done == total {
				fmt.Fprintln(c.stderr)
			}
		}
	}
	sum, err := demo.Generate(c.ctx, db, opts)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if !existed {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		if errors.Is(err, demo.ErrNotEmpty) {
			return sum, fmt.Errorf("数据文件中已有数据，不能写入生成的数据：%s（请换一个新的文件名）", path)
		}
		return sum, fmt.Errorf("生成数据失败：%w", err)
	}
	return sum, nil
}

func (c *cli) printGenSummary(sum demo.GenSummary, path string) {
	fmt.Fprintf(c.stdout, "县（市）区 %d 个，检查员 %d 名，小区 %d 个\n", sum.Districts, sum.Inspectors, sum.Communities)
	fmt.Fprintf(c.stdout, "检查记录 %d 份：已定稿 %d 份（其中更正 %d 份，一票否决 %d 份），检查中 %d 份；检查项答案 %d 条\n",
		sum.Inspections, sum.Finalized, sum.Amendments, sum.Vetoed, sum.Drafts, sum.Answers)
	fmt.Fprintf(c.stdout, "整改事项 %d 项，照片 %d 张（附于检查项 %d 次）\n", sum.Actions, sum.Photos, sum.Attachments)
	size := int64(0)
	for _, suffix := range []string{"", "-wal"} {
		if st, err := os.Stat(path + suffix); err == nil {
			size += st.Size()
		}
	}
	fmt.Fprintf(c.stdout, "用时 %.1f 秒（写入 %.1f 秒，生成照片 %.1f 秒 CPU），写入记录 %d 条，文件 %.0f MB\n",
		sum.Elapsed.Seconds(), sum.LoadTime.Seconds(), sum.PhotoCPU.Seconds(), sum.Rows, float64(size)/(1<<20))
}

// withGenCommand adds gen before "help".
func withGenCommand(cmds []command) []command {
	for i, cmd := range cmds {
		if cmd.name == "help" {
			return append(append(cmds[:i:i], genCommand), cmds[i:]...)
		}
	}
	return append(cmds, genCommand)
}
