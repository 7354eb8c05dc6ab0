package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// withRestoreCommand adds backup and restore before help.
func withRestoreCommand(cmds []command) []command {
	return withBeforeHelp(cmds,
		command{"backup", "--db 文件", "立即备份数据文件（写入数据文件旁的 backups 文件夹，写完后校验）",
			"  --db 文件   数据文件\n  备份文件名含时间；手动备份保留最近 10 份", (*cli).cmdBackup},
		command{"restore", "--db 文件 [--list] [--from 备份]", "列出备份，或从备份恢复数据文件（先校验备份，原文件移到 backups 保留）",
			"  --db 文件     数据文件\n  --list        列出备份（不带 --from 时也是列出），最新的在前，带编号\n" +
				"  --from 备份   要恢复的备份：--list 中的编号、backups 中的文件名或完整路径\n" +
				"  恢复前先校验备份（数据库完整性、审计日志）；原数据文件连同其日志移到 backups 文件夹（before-restore）保留。\n" +
				"  家园巡检程序打开着该数据文件时不能恢复：请先关闭程序", (*cli).cmdRestore},
	)
}

var reasonLabels = map[string]string{
	store.BackupImport: "导入前", store.BackupDaily: "每日", store.BackupManual: "手动", store.BackupBeforeRestore: "恢复前的原文件",
}

func (c *cli) cmdBackup(args []string) error {
	fs := newFlags("backup")
	path := fs.String("db", "", "")
	db, err := c.openFlags(fs, args, path)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.BackupNow(c.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已备份并校验：%s\n", p)
	return nil
}

func (c *cli) cmdRestore(args []string) error {
	fs := newFlags("restore")
	path := fs.String("db", "", "")
	list := fs.Bool("list", false, "")
	from := fs.String("from", "", "")
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
	backups, err := store.ListBackups(*path)
	if err != nil {
		return err
	}
	if *list || *from == "" {
		if len(backups) == 0 {
			fmt.Fprintf(c.stdout, "没有备份（%s）\n", store.BackupDir(*path))
			return nil
		}
		t := &table{header: []string{"编号", "时间", "类型", "大小", "文件"}, right: map[int]bool{0: true, 3: true}}
		for i, b := range backups {
			label := reasonLabels[b.Reason]
			if label == "" {
				label = b.Reason
			}
			t.add(strconv.Itoa(i+1), b.Time.Format("2006-01-02 15:04:05"), label, fmt.Sprintf("%d KB", b.Size>>10), filepath.Base(b.Path))
		}
		t.write(c.stdout)
		fmt.Fprintf(c.stdout, "恢复：jiayuanctl restore --db %s --from 编号\n", *path)
		return nil
	}
	src := *from
	if n, err := strconv.Atoi(src); err == nil {
		if n < 1 || n > len(backups) {
			return misuse("没有编号为 %d 的备份（共 %d 份，见 --list）", n, len(backups))
		}
		src = backups[n-1].Path
	} else if _, err := os.Stat(src); err != nil {
		if alt := filepath.Join(store.BackupDir(*path), filepath.Base(src)); isFile(alt) {
			src = alt
		} else {
			return fmt.Errorf("找不到备份 %s", *from)
		}
	}
	rep, err := store.VerifyFile(c.ctx, src)
	if err != nil {
		return fmt.Errorf("备份无法使用：%w", err)
	}
	if !rep.OK() {
		fmt.Fprintf(c.stderr, "备份 %s 校验未通过，未恢复：%s\n", src, describeProblem(rep.Problems[0]))
		return failed{}
	}
	res, err := store.Restore(c.ctx, *path, src, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已校验备份：%s（审计日志 %d 条，记录 %d 条，照片 %d 张）\n", src, rep.AuditEntries, rep.Records, rep.Photos)
	if res.Aside != "" {
		fmt.Fprintf(c.stdout, "原数据文件已移到：%s（保留，也可用 restore 恢复）\n", res.Aside)
	}
	fmt.Fprintf(c.stdout, "已恢复：%s\n", *path)
	return nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
