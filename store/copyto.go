package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrCopyExists is returned by CopyTo when the destination exists already:
// a data file is never overwritten by a copy.
var ErrCopyExists = errors.New("目标位置已有同名文件")

// CopyTo writes a consistent copy of the data file to path while it stays
// open (VACUUM INTO, through the writer, so no change is half in), then
// checks the copy read-only: integrity_check says ok and every table holds
// as many rows as here. The data file itself is not touched. A copy that
// fails the check is removed. Used to move the data file (设置 → 移动数据
// 文件…): the caller switches to the copy only after this returns nil.
func (db *DB) CopyTo(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%w：%s", ErrCopyExists, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("无法创建文件夹 %s：%w", filepath.Dir(path), err)
	}
	want, err := tableCounts(ctx, db.write)
	if err != nil {
		return fmt.Errorf("读取数据文件失败：%w", err)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("复制数据文件到 %s 失败（磁盘已满或无写入权限？）：%w", path, err)
	}
	if err := checkCopy(ctx, path, want); err != nil {
		os.Remove(path)
		return fmt.Errorf("复制到 %s 的数据文件校验未通过，已删除该副本，原文件未改动：%w", path, err)
	}
	return nil
}

// checkCopy opens the copy read-only and compares it with want.
func checkCopy(ctx context.Context, path string, want map[string]int64) error {
	c, err := sql.Open("sqlite", dsn(path, "query_only(1)")+"&mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	var ok string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
		return err
	}
	if ok != "ok" {
		return fmt.Errorf("integrity_check: %s", ok)
	}
	got, err := tableCounts(ctx, c)
	if err != nil {
		return err
	}
	for t, n := range want {
		if got[t] != n {
			return fmt.Errorf("表 %s：原文件 %d 行，副本 %d 行", t, n, got[t])
		}
	}
	return nil
}

// tableCounts counts the rows of every table.
func tableCounts(ctx context.Context, q *sql.DB) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		if err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM "%s"`, n)).Scan(&c); err != nil {
			return nil, err
		}
		out[n] = c
	}
	return out, nil
}
