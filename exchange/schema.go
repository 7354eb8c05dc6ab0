package exchange

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/jiayuan-inspect/jiayuan/store"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// The database inside a package has the record tables of the data file
// with their travelling columns plus a clock (version vector) column, a
// photos table and package_meta. Its schema is fixed per format version:
// a package whose schema differs in any way (an extra table, column,
// index, trigger or view) is refused.

// formatEntities are the record tables a package of format version v
// holds: format 1 had the inspection records; format 2 added the liaison
// list, the offices' picks and assignments; format 3 added columns to the
// liaisons (columnsAdded). The columns of a table never change within a
// format; a column added later is read as empty from older packages.
func formatEntities(v int) []string {
	if v == 1 {
		return store.Entities[:5]
	}
	return store.Entities
}

// columnsAdded names the travelling columns added to a table after the
// format that first carried it, with the format that added them. A package
// of an older format lacks them; its rows are read with the column empty
// (NULL, or ” for a text column that cannot be NULL).
var columnsAdded = map[string]int{
	"liaisons.deleted_at": 3, // format 3: a deleted liaison travels as a tombstone
	"liaisons.deleted_by": 3,
}

// formatColumns are the travelling columns entity's table has in a package
// of format v.
func formatColumns(v int, entity string) []store.Column {
	var out []store.Column
	for _, c := range store.TravelColumns(entity) {
		if columnsAdded[entity+"."+c.Name] <= v {
			out = append(out, c)
		}
	}
	return out
}

func packageDDL(format int) []string {
	ddl := []string{`CREATE TABLE package_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`}
	for _, e := range formatEntities(format) {
		var cols []string
		for i, c := range formatColumns(format, e) {
			def := c.Name + " " + sqlType(c.Kind)
			if i == 0 {
				def += " PRIMARY KEY"
			} else if !c.Nullable {
				def += " NOT NULL"
			}
			cols = append(cols, def)
		}
		cols = append(cols, "clock TEXT NOT NULL")
		ddl = append(ddl, "CREATE TABLE "+e+" ("+strings.Join(cols, ", ")+") STRICT")
	}
	return append(ddl, `CREATE TABLE photos (sha256 TEXT PRIMARY KEY, mime TEXT NOT NULL, width INTEGER NOT NULL,
		height INTEGER NOT NULL, data BLOB NOT NULL) STRICT`)
}

func sqlType(k store.ColumnKind) string {
	switch k {
	case store.Int:
		return "INTEGER"
	case store.Real:
		return "REAL"
	}
	return "TEXT"
}

// schemaEntry is one row of sqlite_master.
type schemaEntry struct {
	Type, Name, Table string
	SQL               sql.NullString
}

// expectedSchema is, per format version, the sqlite_master of a package
// of that version as this program writes it.
type expectedSchema struct {
	once   sync.Once
	schema []schemaEntry
	err    error
}

var expectedSchemas [FormatVersion + 1]expectedSchema

// expected is the sqlite_master of a package of format v, read from a
// scratch database made with packageDDL.
func expected(ctx context.Context, v int) ([]schemaEntry, error) {
	if v < OldestFormat || v > FormatVersion {
		return nil, fmt.Errorf("%w（格式版本 %d 无法识别）", ErrNotPackage, v)
	}
	e := &expectedSchemas[v]
	e.once.Do(func() {
		dir, err := os.MkdirTemp("", "jiayuan-schema-*")
		if err != nil {
			e.err = err
			return
		}
		defer os.RemoveAll(dir)
		db, err := createPackageDBFormat(ctx, filepath.Join(dir, "schema.db"), v)
		if err != nil {
			e.err = err
			return
		}
		defer db.Close()
		e.schema, e.err = readSchema(ctx, db)
	})
	return e.schema, e.err
}

func readSchema(ctx context.Context, db *sql.DB) ([]schemaEntry, error) {
	rows, err := db.QueryContext(ctx, `SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schemaEntry
	for rows.Next() {
		var e schemaEntry
		if err := rows.Scan(&e.Type, &e.Name, &e.Table, &e.SQL); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func fileDSN(path string, params ...string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	return "file:" + esc + "?" + strings.Join(params, "&")
}

func pragma(p string) string { return "_pragma=" + url.QueryEscape(p) }

// createPackageDB makes a new, empty package database of the current
// format at path.
func createPackageDB(ctx context.Context, path string) (*sql.DB, error) {
	return createPackageDBFormat(ctx, path, FormatVersion)
}

func createPackageDBFormat(ctx context.Context, path string, format int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", fileDSN(path, pragma("journal_mode(DELETE)"), pragma("synchronous(OFF)")))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	for _, stmt := range packageDDL(format) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("无法创建数据包数据库：%w", err)
		}
	}
	return db, nil
}

// openPackageDB opens a package's database as untrusted input: read-only,
// immutable, trusted_schema off; the file header is checked before SQLite
// sees it, the exact schema of its format next (no trigger, no view), and
// then SQLite's quick_check reads every page while also (when not nil)
// runs its own checks of the tables on a second connection: the database
// is returned only when both passed, and quick_check's finding comes
// first.
func openPackageDB(ctx context.Context, path string, format int, also func(*sql.DB) error) (*sql.DB, error) {
	if err := checkDBHeader(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", fileDSN(path, "mode=ro", "immutable=1", pragma("trusted_schema(0)"),
		pragma("query_only(1)"), pragma("cell_size_check(1)"), pragma("mmap_size(0)")))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	if err := checkSchema(ctx, db, format); err != nil {
		if qerr := quickCheck(ctx, db); qerr != nil {
			err = qerr // a damaged file is named as such, whatever else it has
		}
		db.Close()
		return nil, err
	}
	alsoErr := make(chan error, 1)
	if also != nil {
		go func() { alsoErr <- also(db) }()
	} else {
		alsoErr <- nil
	}
	err = quickCheck(ctx, db)
	if aerr := <-alsoErr; err == nil {
		err = aerr
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// checkDBHeader reads the 100-byte SQLite header: the magic string, a
// rollback-journal (not WAL) file, a sane page size, and a page count that
// matches the file's size.
func checkDBHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	var h [100]byte
	if _, err := f.ReadAt(h[:], 0); err != nil {
		return fmt.Errorf("%w：内含数据库不完整", ErrHostile)
	}
	if string(h[:16]) != "SQLite format 3\x00" {
		return fmt.Errorf("%w：内含的不是 SQLite 数据库", ErrHostile)
	}
	if h[18] != 1 || h[19] != 1 {
		return fmt.Errorf("%w：内含数据库的日志模式不对", ErrHostile)
	}
	pageSize := int64(h[16])<<8 | int64(h[17])
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("%w：内含数据库的页大小 %d 不合法", ErrHostile, pageSize)
	}
	pages := int64(h[28])<<24 | int64(h[29])<<16 | int64(h[30])<<8 | int64(h[31])
	if pages*pageSize != st.Size() {
		return fmt.Errorf("%w：内含数据库的页数与大小不符", ErrHostile)
	}
	return nil
}

// quickCheck runs SQLite's quick_check over the whole file.
func quickCheck(ctx context.Context, db *sql.DB) error {
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check(1)`).Scan(&res); err != nil {
		return fmt.Errorf("%w：内含数据库已损坏：%v", ErrHostile, err)
	}
	if res != "ok" {
		return fmt.Errorf("%w：内含数据库已损坏（%s）", ErrHostile, res)
	}
	return nil
}

// checkSchema compares the database's schema with its format's.
func checkSchema(ctx context.Context, db *sql.DB, format int) error {
	got, err := readSchema(ctx, db)
	if err != nil {
		return fmt.Errorf("%w：无法读取内含数据库的结构：%v", ErrHostile, err)
	}
	want, err := expected(ctx, format)
	if err != nil {
		return err
	}
	return compareSchema(got, want)
}

func compareSchema(got, want []schemaEntry) error {
	index := map[string]schemaEntry{}
	for _, e := range want {
		index[e.Type+" "+e.Name] = e
	}
	for _, e := range got {
		w, ok := index[e.Type+" "+e.Name]
		switch {
		case e.Type == "trigger" || e.Type == "view":
			return fmt.Errorf("%w：内含数据库带有%s「%s」", ErrHostile, map[string]string{"trigger": "触发器", "view": "视图"}[e.Type], e.Name)
		case !ok:
			return fmt.Errorf("%w：内含数据库有多余的%s「%s」", ErrHostile, e.Type, e.Name)
		case w != e:
			return fmt.Errorf("%w：内含数据库中「%s」的结构与格式不符", ErrHostile, e.Name)
		}
		delete(index, e.Type+" "+e.Name)
	}
	for k := range index {
		return fmt.Errorf("%w：内含数据库缺少「%s」", ErrHostile, k)
	}
	return nil
}

// readMeta reads package_meta into a map (named keys only are used).
func readMeta(ctx context.Context, db *sql.DB) (map[string]string, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM package_meta`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 100 {
		return nil, fmt.Errorf("%w：package_meta 条目过多", ErrHostile)
	}
	rows, err := db.QueryContext(ctx, `SELECT key, value FROM package_meta WHERE octet_length(key) <= 100 AND octet_length(value) <= 65536`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}
