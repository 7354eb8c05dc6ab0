package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Backups live in the folder backups/ next to the data file, one SQLite
// file each (VACUUM INTO: a consistent, compact copy made while the file
// is open), named <data file>-<yyyymmdd-hhmmss.mmm>-<reason>.db. Reasons:
// import (before every import, see Backup), daily (the first start of the
// day, DailyBackup), manual (设置 → 备份), before-restore (the file a
// restore replaced, kept whatever the count). Every copy is verified after
// it is written (VerifyFile) and removed again if it does not verify.

// DailyBackupsKept is how many daily (and how many manual) backups are
// kept.
const DailyBackupsKept = 10

// Backup reasons.
const (
	BackupImport        = "import"
	BackupDaily         = "daily"
	BackupManual        = "manual"
	BackupBeforeRestore = "before-restore"
)

const backupStamp = "20060102-150405.000"

// BackupInfo is one backup file.
type BackupInfo struct {
	Path   string
	Reason string
	Time   time.Time // local time the copy was made, from its name
	Size   int64
}

// BackupDir is the folder holding the backups of the data file at dataPath.
func BackupDir(dataPath string) string { return filepath.Join(filepath.Dir(dataPath), "backups") }

func backupBase(dataPath string) string {
	return strings.TrimSuffix(filepath.Base(dataPath), filepath.Ext(dataPath))
}

// ListBackups lists the backups of the data file at dataPath, newest
// first. A missing folder is an empty list.
func ListBackups(dataPath string) ([]BackupInfo, error) {
	base := backupBase(dataPath)
	entries, err := os.ReadDir(BackupDir(dataPath))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("无法读取备份文件夹：%w", err)
	}
	var out []BackupInfo
	for _, e := range entries {
		name := e.Name()
		rest, ok := strings.CutPrefix(name, base+"-")
		if !ok || !strings.HasSuffix(rest, ".db") || len(rest) < len(backupStamp)+5 || e.IsDir() {
			continue
		}
		at, err := time.ParseInLocation(backupStamp, rest[:len(backupStamp)], time.Local)
		if err != nil || rest[len(backupStamp)] != '-' {
			continue
		}
		reason := strings.TrimSuffix(rest[len(backupStamp)+1:], ".db")
		if i := strings.LastIndexByte(reason, '-'); i > 0 && strings.Trim(reason[i+1:], "0123456789") == "" {
			reason = reason[:i] // a second copy in the same millisecond: -2, -3 …
		}
		info := BackupInfo{Path: filepath.Join(BackupDir(dataPath), name), Reason: reason, Time: at}
		if st, err := e.Info(); err == nil {
			info.Size = st.Size()
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path > out[j].Path })
	return out, nil
}

// DailyBackup makes the day's backup unless one was made today already
// (by the store's clock), keeping the newest DailyBackupsKept. It returns
// the new copy's path, or "" when there was one already. The app calls it
// in the background at start.
func (db *DB) DailyBackup(ctx context.Context) (string, error) {
	list, err := ListBackups(db.path)
	if err != nil {
		return "", err
	}
	today := db.now().In(time.Local).Format("20060102")
	for _, b := range list {
		if b.Reason == BackupDaily && b.Time.Format("20060102") == today {
			return "", nil
		}
	}
	return db.writeBackup(ctx, BackupDaily, DailyBackupsKept)
}

// BackupNow makes a backup on request (设置 → 立即备份).
func (db *DB) BackupNow(ctx context.Context) (string, error) {
	return db.writeBackup(ctx, BackupManual, DailyBackupsKept)
}

// writeBackup writes and verifies one backup, then removes the oldest
// copies made for the same reason beyond keep.
func (db *DB) writeBackup(ctx context.Context, reason string, keep int) (string, error) {
	dir := BackupDir(db.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("无法创建备份文件夹 %s：%w", dir, err)
	}
	path := newBackupPath(db.path, db.now(), reason)
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("备份数据文件失败（%s）：%w", path, diskFull(err))
	}
	if err := verifyBackup(ctx, path); err != nil {
		os.Remove(path)
		return "", err
	}
	pruneBackups(db.path, reason, keep)
	return path, nil
}

func newBackupPath(dataPath string, at time.Time, reason string) string {
	dir, base := BackupDir(dataPath), backupBase(dataPath)
	stamp := at.In(time.Local).Format(backupStamp)
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.db", base, stamp, reason))
	for i := 2; fileExists(path); i++ {
		path = filepath.Join(dir, fmt.Sprintf("%s-%s-%s-%d.db", base, stamp, reason, i))
	}
	return path
}

func pruneBackups(dataPath, reason string, keep int) {
	list, _ := ListBackups(dataPath)
	n := 0
	for _, b := range list { // newest first
		if b.Reason != reason {
			continue
		}
		if n++; n > keep {
			os.Remove(b.Path)
		}
	}
}

// verifyBackup checks a copy just written: it opens read-only and passes
// integrity_check and the audit verification.
func verifyBackup(ctx context.Context, path string) error {
	rep, err := VerifyFile(ctx, path)
	if err != nil {
		return fmt.Errorf("备份 %s 写入后无法校验：%w", filepath.Base(path), err)
	}
	if !rep.OK() {
		return fmt.Errorf("备份 %s 写入后校验未通过：%s", filepath.Base(path), rep.Problems[0])
	}
	return nil
}

// VerifyFile runs Verify on a data file opened read-only (a backup, or a
// file another program has open): nothing is migrated, created or written.
func VerifyFile(ctx context.Context, path string) (VerifyReport, error) {
	if st, err := os.Stat(path); err != nil {
		return VerifyReport{}, fmt.Errorf("无法读取 %s：%w", path, err)
	} else if !st.Mode().IsRegular() {
		return VerifyReport{}, fmt.Errorf("%s 不是文件", path)
	}
	read, err := sql.Open("sqlite", dsn(path, "query_only(1)", "busy_timeout(10000)")+"&mode=ro")
	if err != nil {
		return VerifyReport{}, err
	}
	defer read.Close()
	var version int
	if err := read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return VerifyReport{}, fmt.Errorf("%s 不是家园巡检数据文件：%w", filepath.Base(path), err)
	}
	if version > SchemaVersion() {
		return VerifyReport{}, fmt.Errorf("%w（数据结构版本 %d，本程序只支持到 %d）：%s", ErrNewerSchema, version, SchemaVersion(), path)
	}
	return (&DB{path: path, read: read}).Verify(ctx)
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	From  string // the backup restored
	Aside string // where the replaced data file was moved (a backup itself)
}

// Restore replaces the data file at dataPath with the backup at from. The
// backup is verified first (a copy that does not verify is refused and
// nothing changes); the current file is checkpointed if it can be, then
// moved aside into the backups folder (reason before-restore: kept, and
// restorable) together with its WAL; the backup is copied next to the data
// file, synced and renamed into place. The data file must not be open:
// lock is the caller's write lock on it, or nil to take it here (a running
// app refuses it with ErrLocked).
func Restore(ctx context.Context, dataPath, from string, lock *Lock) (RestoreResult, error) {
	res := RestoreResult{From: from}
	if lock == nil {
		l, err := LockFile(dataPath)
		if err != nil {
			return res, err
		}
		defer l.Close()
	}
	if abs, _ := filepath.Abs(from); abs != "" {
		if cur, _ := filepath.Abs(dataPath); cur == abs {
			return res, fmt.Errorf("不能用数据文件自身恢复")
		}
	}
	rep, err := VerifyFile(ctx, from)
	if err != nil {
		return res, fmt.Errorf("备份无法使用：%w", err)
	}
	if !rep.OK() {
		return res, fmt.Errorf("备份 %s 校验未通过，未恢复：%s", filepath.Base(from), rep.Problems[0])
	}
	if err := os.MkdirAll(BackupDir(dataPath), 0o700); err != nil {
		return res, fmt.Errorf("无法创建备份文件夹：%w", err)
	}
	// Copy first, beside the data file, so a full disk fails before
	// anything is moved.
	tmp, err := copyToTemp(from, dataPath)
	if err != nil {
		return res, fmt.Errorf("无法复制备份（数据文件未改动）：%w", err)
	}
	defer os.Remove(tmp)
	if fileExists(dataPath) {
		checkpoint(ctx, dataPath)
		res.Aside = newBackupPath(dataPath, time.Now(), BackupBeforeRestore)
		if err := os.Rename(dataPath, res.Aside); err != nil {
			return res, fmt.Errorf("无法移开当前数据文件（未改动）：%w", err)
		}
		if fileExists(dataPath + "-wal") {
			if err := os.Rename(dataPath+"-wal", res.Aside+"-wal"); err != nil {
				os.Rename(res.Aside, dataPath)
				return res, fmt.Errorf("无法移开当前数据文件的日志（未改动）：%w", err)
			}
		}
		os.Remove(dataPath + "-shm")
	}
	if err := os.Rename(tmp, dataPath); err != nil {
		if res.Aside != "" {
			os.Rename(res.Aside, dataPath)
			os.Rename(res.Aside+"-wal", dataPath+"-wal")
		}
		return res, fmt.Errorf("无法放回备份（数据文件未改动）：%w", err)
	}
	syncDir(filepath.Dir(dataPath))
	return res, nil
}

// checkpoint folds the WAL of the data file into it, when the file opens.
func checkpoint(ctx context.Context, path string) {
	db, err := sql.Open("sqlite", dsn(path, "busy_timeout(10000)"))
	if err != nil {
		return
	}
	defer db.Close()
	db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
}

func copyToTemp(from, dataPath string) (string, error) {
	src, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(filepath.Dir(dataPath), "."+filepath.Base(dataPath)+".restore-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return "", err
	}
	return dst.Name(), nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
