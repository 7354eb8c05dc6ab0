// Package store keeps 家园巡检's data in one local SQLite file (modernc.org/sqlite,
// pure Go). Every use case is one method that commits before it returns, so
// what the screen shows as saved survives a crash or a power cut: WAL with
// synchronous=FULL, one writer connection with immediate transactions, and a
// separate read-only pool.
//
// Every row that travels between installations carries a UUID, a version
// (hybrid logical clock), the version it was edited from, the device and the
// person; every change is written to a hash-chained audit log in the same
// transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrNewerSchema: the file was written by a newer version of the program.
var ErrNewerSchema = errors.New("数据文件由较新版本的家园巡检创建")

// Options tune Open. The zero value is what the app uses.
type Options struct {
	// Now is the clock; tests set it. Default time.Now.
	Now func() time.Time
	// Actor is the person acting, recorded on every change. It can be
	// changed later with SetActor.
	Actor string
	// DeviceName labels this installation's key on first open.
	DeviceName string
}

// DB is an open data file.
type DB struct {
	path  string
	write *sql.DB // one connection, immediate transactions
	read  *sql.DB // query_only connections
	now   func() time.Time

	mu     sync.Mutex
	actor  string
	hlc    hlc
	device Device

	tplMu     sync.Mutex
	templates map[string]*inspection.Template // by row id, parsed once

	layoutMu sync.Mutex
	layouts  map[string][]layoutCol // record tables' layouts for audit lines (tableLayout)
}

func dsn(path string, pragmas ...string) string {
	// Escape the characters that SQLite's URI parser treats specially so
	// any file name (spaces, Chinese, '?', '#', '%') opens.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return "file:" + esc + "?" + q.Encode()
}

// Open opens (creating if needed) the data file at path, applies pending
// migrations and creates the device key on first open.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("%w：未指定数据文件", inspection.ErrInvalid)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("无法创建数据文件夹 %s：%w", dir, err)
		}
	}
	common := []string{"busy_timeout(10000)", "foreign_keys(1)"}
	write, err := sql.Open("sqlite", dsn(path, append([]string{"journal_mode(WAL)", "synchronous(FULL)"}, common...)...)+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	db := &DB{path: path, write: write, now: opts.Now, actor: opts.Actor, templates: map[string]*inspection.Template{}}
	if db.now == nil {
		db.now = time.Now
	}
	if db.actor == "" {
		db.actor = defaultActor()
	}
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("无法打开数据文件 %s：%w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	db.read, err = sql.Open("sqlite", dsn(path, append([]string{"query_only(1)"}, common...)...))
	if err != nil {
		write.Close()
		return nil, err
	}
	db.read.SetMaxOpenConns(4)
	if err := db.loadDevice(ctx, opts.DeviceName); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.loadClock(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	return errors.Join(errs...)
}

// Path is the data file's path.
func (db *DB) Path() string { return db.path }

// Now is the store's clock.
func (db *DB) Now() time.Time { return db.now() }

// SetActor sets the person recorded on the changes that follow.
func (db *DB) SetActor(name string) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if strings.TrimSpace(name) != "" {
		db.actor = strings.TrimSpace(name)
	}
}

// Actor is the person recorded on changes.
func (db *DB) Actor() string {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.actor
}

func defaultActor() string {
	for _, k := range []string{"USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "未署名"
}

// migrations lists the embedded .sql files in order; a file's number is
// the schema version it brings.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// SchemaVersion is the newest schema this program knows.
func SchemaVersion() int {
	names, _ := migrations()
	return len(names)
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("无法初始化数据文件 %s：%w", db.path, err)
	}
	var current int
	if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("无法读取数据结构版本：%w", err)
	}
	names, err := migrations()
	if err != nil {
		return err
	}
	if current > len(names) {
		return fmt.Errorf("%w（数据结构版本 %d，本程序只支持到 %d），请升级程序后再打开：%s",
			ErrNewerSchema, current, len(names), db.path)
	}
	for i := current; i < len(names); i++ {
		body, err := migrationFS.ReadFile(names[i])
		if err != nil {
			return err
		}
		err = db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
				i+1, filepath.Base(names[i]), formatTime(db.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("升级数据结构（%s）失败：%w", names[i], err)
		}
	}
	return nil
}

// inTx runs fn in one immediate write transaction and commits it; the
// commit is durable (synchronous=FULL) before inTx returns.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return commitTx(ctx, db.write, fn)
}

// commitTx is inTx on b: the writer pool, or a connection of it.
func commitTx(ctx context.Context, b interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}, fn func(tx *sql.Tx) error) error {
	tx, err := b.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("无法开始写入：%w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return savedNothing(err) // store/diskfull.go
	}
	if err := tx.Commit(); err != nil {
		return savedNothing(fmt.Errorf("保存失败：%w", err))
	}
	return nil
}

// change is the bookkeeping of one write transaction: the new version and
// who made it, shared by every row and audit entry the transaction writes.
type change struct {
	tx      *sql.Tx
	version string
	at      time.Time
	device  string
	actor   string
}

// inChange runs fn in a write transaction with a fresh version.
func (db *DB) inChange(ctx context.Context, fn func(c *change) error) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := db.newChange(ctx, tx)
		if err != nil {
			return err
		}
		return fn(c)
	})
}

func (db *DB) newChange(ctx context.Context, tx *sql.Tx) (*change, error) {
	now := db.now()
	db.mu.Lock()
	v := db.hlc.next(now, db.device.ID)
	actor := db.actor
	db.mu.Unlock()
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('hlc_last', ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, v); err != nil {
		return nil, err
	}
	return &change{tx: tx, version: v, at: now, device: db.device.ID, actor: actor}, nil
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.Format(timeLayout) }

func parseTime(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// Setting reads a local setting ("" when unset).
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting writes a local setting (settings never travel in packages).
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
