package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"strings"

	"modernc.org/sqlite"
)

// The bulk path: most rows of a package are records this installation has
// never seen (a district's package at the city). For them the merge rule
// has one outcome, "insert", so they are written in multi-row statements,
// read back in chunks and audited with one batch entry per chunk (action
// import-batch: the rows as read back, one per line), which Verify and the
// audit trail read like one entry per row.

const (
	bulkChunk   = 500  // rows per batch audit entry
	insertRows  = 2000 // rows per multi-row INSERT at most (see insertNew)
	streamChunk = 500  // rows read from a package before they are merged
)

// partitionNew splits rows into those with no local row and no open
// conflict, and the rest.
func (m *merger) partitionNew(entity string, rows []Row) (fresh, rest []Row, err error) {
	exists := map[string]bool{}
	for start := 0; start < len(rows); start += 500 {
		chunk := rows[start:min(start+500, len(rows))]
		args := make([]any, len(chunk))
		for i, r := range chunk {
			args[i] = r.ID()
		}
		q, err := m.tx.QueryContext(m.ctx, `SELECT id FROM `+entity+` WHERE id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, nil, err
		}
		for q.Next() {
			var id string
			if err := q.Scan(&id); err != nil {
				q.Close()
				return nil, nil, err
			}
			exists[id] = true
		}
		q.Close()
		if err := q.Err(); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range rows {
		if exists[r.ID()] || m.openConflicts[entity+"\x00"+r.ID()] {
			rest = append(rest, r)
		} else {
			fresh = append(fresh, r)
		}
	}
	return fresh, rest, nil
}

// insertNew writes rows that are new here, in multi-row statements of up
// to insertRows rows (fewer when the table is wide: SQLite takes at most
// 32,766 parameters). Each statement inside the transaction keeps a
// statement journal of the pages it changes that existed before it (a
// foreign key can abort it), so fewer, larger statements write less.
func (m *merger) insertNew(entity string, rows []Row) error {
	n := max(1, min(insertRows, 32766/(len(columnNames(entity))+1)))
	for start := 0; start < len(rows); start += n {
		if err := m.insertChunk(entity, rows[start:min(start+n, len(rows))]); err != nil {
			return err
		}
	}
	return nil
}

func (m *merger) insertChunk(entity string, rows []Row) error {
	names := columnNames(entity)
	if entity == "communities" {
		names = append(names, "initials")
	}
	ids := make([]any, len(rows))
	for i, r := range rows {
		ids[i] = r.ID()
	}
	if copied, err := m.copyChunk(entity, rows); err != nil {
		return err
	} else if !copied {
		one := "(?" + strings.Repeat(", ?", len(names)-1) + ")"
		ins, err := m.stmt(fmt.Sprintf("bulk:%s:%d", entity, len(rows)), `INSERT INTO `+entity+`(`+strings.Join(names, ", ")+`) VALUES `+
			one+strings.Repeat(", "+one, len(rows)-1))
		if err != nil {
			return err
		}
		args := make([]any, 0, len(rows)*len(names))
		for _, r := range rows {
			args = append(args, r.Values...)
			if entity == "communities" {
				args = append(args, Initials(r.Str("name")))
			}
		}
		if _, err := ins.ExecContext(m.ctx, args...); err != nil {
			return fmt.Errorf("无法写入 %s：%w", entity, err)
		}
	}
	for i := range rows {
		h := &head{row: rows[i]}
		// A row whose clock holds only its own version: nothing to store
		// (saveClock would skip it), no clock to build.
		if !rows[i].Clock.withOnlyOwn(rows[i].Version()) {
			h.clock = rows[i].Clock.With(rows[i].Version())
			if err := m.saveClock(entity, rows[i].ID(), h); err != nil {
				return err
			}
		}
		m.noteTouched(entity, rows[i].ID(), nil, h)
	}
	for start := 0; start < len(rows); start += bulkChunk {
		if err := m.auditBatch(entity, rows[start:min(start+bulkChunk, len(rows))], ids[start:min(start+bulkChunk, len(rows))]); err != nil {
			return err
		}
	}
	m.counts.New += len(rows)
	for range rows {
		m.step()
	}
	return nil
}

// auditBatch appends the import-batch audit entry of rows just inserted.
func (m *merger) auditBatch(entity string, rows []Row, ids []any) error {
	batch, ok, err := m.renderBatch(entity, rows)
	if err == nil && !ok {
		var snaps map[string]string
		if snaps, err = m.snapshots(entity, ids); err == nil {
			batch, err = joinSnapshots(entity, rows, snaps)
		}
	}
	if err != nil {
		return err
	}
	return m.auditEntry(entity, "", actionImportBatch, "", batch)
}

// layoutCol is one column of a record table, in table order: where its
// value comes from when the row was written from a package row.
type layoutCol struct {
	name string
	src  int // index in the travelling values; -1: communities.initials
}

// tableLayout returns the columns of entity's table when every one of
// them is written from the travelling values with the kind it has there
// (so the row read back is exactly those values), or nil: then rows are
// read back for their audit entry.
func (m *merger) tableLayout(entity string) ([]layoutCol, error) {
	return m.db.tableLayout(m.ctx, m.tx, entity)
}

// tableLayout is merger.tableLayout, read with q once per entity for the
// life of db (its tables do not change once it is open).
func (db *DB) tableLayout(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, entity string) ([]layoutCol, error) {
	db.layoutMu.Lock()
	defer db.layoutMu.Unlock()
	if l, ok := db.layouts[entity]; ok {
		return l, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, entity)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	kinds := map[ColumnKind]string{Text: "TEXT", Int: "INTEGER", Real: "REAL"}
	var out []layoutCol
	ok := true
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		c := layoutCol{name: name, src: -2}
		for i, t := range travelling[entity] {
			if t.Name == name && kinds[t.Kind] == strings.ToUpper(typ) {
				c.src = i
			}
		}
		if entity == "communities" && name == "initials" && strings.ToUpper(typ) == "TEXT" {
			c.src = -1
		}
		ok = ok && c.src != -2
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !ok || len(out) == 0 {
		out = nil
	}
	if db.layouts == nil {
		db.layouts = map[string][]layoutCol{}
	}
	db.layouts[entity] = out
	return out, nil
}

// AuditLine renders r, a package row already checked, as it will stand in
// an import-batch audit entry if the merge inserts it (renderBatch's line
// for it), or returns nil when it cannot be rendered ahead (the merge
// then renders or reads the row back itself). The import's reading
// goroutine renders the rows with it ahead of the merge.
func (db *DB) AuditLine(ctx context.Context, r Row) []byte {
	layout, err := db.tableLayout(ctx, db.read, r.Entity)
	if err != nil || layout == nil {
		return nil
	}
	b, ok, err := appendAuditLine(nil, layout, r)
	if err != nil || !ok {
		return nil
	}
	return b
}

// renderBatch renders rows just inserted from their values, in the
// compact form of an import-batch entry (audit.go: the column names, then
// each row's values, one line each, which batchStates reads back as
// snapshot would render the rows), when the table's layout allows (ok); a
// row's line rendered ahead (Row.Audit, by AuditLine) is taken as it is.
// The buffer is kept for the next chunk.
func (m *merger) renderBatch(entity string, rows []Row) (string, bool, error) {
	layout, err := m.tableLayout(entity)
	if err != nil || layout == nil {
		return "", false, err
	}
	b := append(m.batchBuf[:0], '[')
	for i, c := range layout {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), c.name...), '"')
	}
	b = append(b, ']')
	for _, r := range rows {
		b = append(b, '\n')
		if r.Audit != nil {
			b = append(b, r.Audit...)
			continue
		}
		var ok bool
		if b, ok, err = appendAuditLine(b, layout, r); err != nil || !ok {
			return "", false, err
		}
	}
	m.batchBuf = b
	return string(b), true, nil
}

// appendAuditLine appends r's line of an import-batch entry: its values
// in table order as a JSON array; ok is false when a value may not read
// back as rendered.
func appendAuditLine(b []byte, layout []layoutCol, r Row) (_ []byte, ok bool, err error) {
	b = append(b, '[')
	for i, c := range layout {
		if i > 0 {
			b = append(b, ',')
		}
		var v any
		if c.src == -1 {
			v = Initials(r.Str("name"))
		} else {
			v = r.Values[c.src]
		}
		if f, isFloat := v.(float64); isFloat && f == 0 && math.Signbit(f) {
			return b, false, nil // -0 may read back as 0
		}
		if b, err = appendJSON(b, v); err != nil {
			return b, false, err
		}
	}
	return append(b, ']'), true, nil
}

// snapshots reads rows back as the audit log stores them.
func (m *merger) snapshots(entity string, ids []any) (map[string]string, error) {
	s, err := m.stmt(fmt.Sprintf("snaps:%s:%d", entity, len(ids)), `SELECT * FROM `+entity+` WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`)
	if err != nil {
		return nil, err
	}
	rows, err := s.QueryContext(m.ctx, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]string, len(ids))
	for rows.Next() {
		js, err := rowJSON(rows)
		if err != nil {
			return nil, err
		}
		out[jsonField(js, "id")] = js
	}
	return out, rows.Err()
}

// joinSnapshots is the new state of an import-batch entry: every row of
// the chunk as read back, one per line.
func joinSnapshots(entity string, rows []Row, snaps map[string]string) (string, error) {
	var b strings.Builder
	for i, r := range rows {
		newState, ok := snaps[r.ID()]
		if !ok {
			return "", fmt.Errorf("写入后读不到 %s %s", entity, r.ID())
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(newState)
	}
	return b.String(), nil
}

// copyChunk writes rows new here with INSERT … SELECT from the package's
// database when the merge has it attached (Package.DBFile) and the
// chunk's rows are one run of consecutive rowids there, in rowid order
// (Row.Src: as the exporter writes every table), so SQLite reads them in
// sequence instead of the values being bound one by one. The rows were
// read from the same file, which nobody writes, and the package's tables
// are STRICT with the travelling columns' types, so the copy writes the
// values that were checked and are audited (a community's initials are
// worked out by jy_initials, the same Initials the audit line uses); it
// must write exactly the chunk's number of rows, or the merge fails
// (nothing is written). It reports whether it copied.
func (m *merger) copyChunk(entity string, rows []Row) (bool, error) {
	if m.pkg.DBFile == "" || len(rows) == 0 || rows[0].Src <= 0 {
		return false, nil
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Src != rows[0].Src+int64(i) {
			return false, nil
		}
	}
	ok, known := m.copyCols[entity]
	if !known {
		var err error
		if ok, err = m.packageHasColumns(entity); err != nil {
			return false, err
		}
		if m.copyCols == nil {
			m.copyCols = map[string]bool{}
		}
		m.copyCols[entity] = ok
	}
	if !ok {
		return false, nil
	}
	into := strings.Join(columnNames(entity), ", ")
	from := into
	if entity == "communities" {
		into, from = into+", initials", from+", jy_initials(name)"
	}
	s, err := m.stmt("copy:"+entity, `INSERT INTO main.`+entity+`(`+into+`) SELECT `+from+` FROM pkg.`+entity+
		` WHERE rowid BETWEEN ? AND ? ORDER BY rowid`)
	if err != nil {
		return false, err
	}
	res, err := s.ExecContext(m.ctx, rows[0].Src, rows[len(rows)-1].Src)
	if err != nil {
		return false, fmt.Errorf("无法写入 %s：%w", entity, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, err
	} else if n != int64(len(rows)) {
		return false, fmt.Errorf("从数据包复制 %s 时行数不符（应为 %d 行，实为 %d 行）", entity, len(rows), n)
	}
	return true, nil
}

// jy_initials(name) is Initials(name), registered on every connection
// this program opens, for copyChunk's communities.
func init() {
	sqlite.MustRegisterFunction("jy_initials", &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			name, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("jy_initials：小区名称不是文字")
			}
			return Initials(name), nil
		},
	})
}

// packageHasColumns reports whether the attached package's table has
// every travelling column of entity with its type (a package of an older
// format may lack one: its rows are bound instead).
func (m *merger) packageHasColumns(entity string) (bool, error) {
	rows, err := m.tx.QueryContext(m.ctx, `SELECT name, type FROM pragma_table_info(?, 'pkg')`, entity)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	have := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return false, err
		}
		have[name] = strings.ToUpper(typ)
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	for _, c := range travelling[entity] {
		if have[c.Name] != sqlTypeOf(c.Kind) {
			return false, nil
		}
	}
	return true, nil
}

// sqlTypeOf is the declared type of a column of kind k in a package's
// STRICT tables.
func sqlTypeOf(k ColumnKind) string {
	switch k {
	case Int:
		return "INTEGER"
	case Real:
		return "REAL"
	}
	return "TEXT"
}
