package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
)

// The commands that make data files: init and demo.

func (c *cli) cmdInit(args []string) error {
	fs := newFlags("init")
	path := fs.String("db", "", "")
	name := fs.String("name", "", "")
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
	existed := fileExists(*path)
	db, err := store.Open(c.ctx, *path, store.Options{DeviceName: *name})
	if err != nil {
		return err
	}
	defer db.Close()
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		return err
	}
	if err := db.SaveTemplate(c.ctx, tpl); err != nil {
		return fmt.Errorf("无法安装默认检查模板：%w", err)
	}
	if existed {
		fmt.Fprintf(c.stdout, "数据文件已存在：%s（已检查数据结构和默认模板）\n", *path)
	} else {
		fmt.Fprintf(c.stdout, "已创建数据文件：%s\n", *path)
	}
	c.printDevice(db, tpl)
	return nil
}

func (c *cli) cmdDemo(args []string) error {
	fs := newFlags("demo")
	path := fs.String("db", "", "")
	seed := fs.Uint64("seed", 1, "")
	n := fs.Int("communities", demo.DefaultCommunities, "")
	name := fs.String("name", "", "")
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
	if *n < 1 {
		return misuse("小区数量必须是正整数（现为 %d）", *n)
	}
	existed := fileExists(*path)
	clock := demo.NewClock()
	db, err := store.Open(c.ctx, *path, store.Options{Now: clock.Now, DeviceName: *name})
	if err != nil {
		return err
	}
	defer db.Close()
	empty, err := demo.IsEmpty(c.ctx, db)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("数据文件中已有数据，不能写入演示数据：%s（请换一个新的文件名）", *path)
	}
	start := time.Now()
	sum, err := demo.Populate(c.ctx, db, demo.Options{Seed: *seed, Communities: *n, Clock: clock})
	if err != nil {
		if !existed { // leave no half-made file behind
			db.Close()
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(*path + suffix)
			}
		}
		if errors.Is(err, demo.ErrNotEmpty) {
			return fmt.Errorf("数据文件中已有数据，不能写入演示数据：%s（请换一个新的文件名）", *path)
		}
		return fmt.Errorf("写入演示数据失败：%w", err)
	}
	elapsed := time.Since(start)
	verb := "已创建数据文件并写入演示数据"
	if existed {
		verb = "已写入演示数据"
	}
	fmt.Fprintf(c.stdout, "%s：%s（随机种子 %d，用时 %.1f 秒）\n", verb, *path, *seed, elapsed.Seconds())
	fmt.Fprintf(c.stdout, "小区 %d 个：已完成检查 %d 个（其中一票否决 %d 个），检查中 %d 个，未检查 %d 个\n",
		sum.Communities, sum.Finalized, sum.Vetoed, sum.Drafts, sum.Uninspected)
	fmt.Fprintf(c.stdout, "更正记录 %d 份，整改事项 %d 项，照片 %d 张（附于检查项 %d 次）\n",
		sum.Amendments, sum.Actions, sum.Photos, sum.Attachments)
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		return err
	}
	c.printDevice(db, tpl)
	return nil
}

func (c *cli) printDevice(db *store.DB, tpl *inspection.Template) {
	dev := db.Device()
	fmt.Fprintf(c.stdout, "检查模板：%s（%s 第 %d 版）\n", tpl.Name, tpl.ID, tpl.Version)
	fmt.Fprintf(c.stdout, "本机编号：%s\n", dev.ID)
	fmt.Fprintf(c.stdout, "密钥指纹：%s\n", store.Fingerprint(dev.PublicKey))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
