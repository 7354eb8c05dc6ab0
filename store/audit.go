package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// auditedTables are the tables whose rows the audit log follows; each has
// a text primary key named id.
var auditedTables = []string{"communities", "templates", "inspections", "answers", "corrective_actions", "liaisons", "picks", "assignments"}

// snapshot renders one row as canonical JSON (columns in table order), or
// "" when the row does not exist. The audit log stores it; Verify renders
// the live row the same way and compares.
func snapshot(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table, id string) (string, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM `+table+` WHERE id = ?`, id)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	if !rows.Next() {
		return "", rows.Err()
	}
	s, err := rowJSON(rows)
	if err != nil {
		return "", err
	}
	return s, rows.Close()
}

func rowJSON(rows *sql.Rows) (string, error) {
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return "", err
	}
	b := make([]byte, 0, 256)
	b = append(b, '{')
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendJSON(b, c); err != nil {
			return "", err
		}
		b = append(b, ':')
		v := vals[i]
		if bs, ok := v.([]byte); ok {
			v = "base64:" + base64.StdEncoding.EncodeToString(bs)
		}
		if b, err = appendJSON(b, v); err != nil {
			return "", err
		}
	}
	b = append(b, '}')
	return string(b), nil
}

// appendJSON appends v as json.Marshal renders it, without its reflection
// for the usual values (nil, integers, strings needing no escapes).
func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case string:
		if plainJSONString(x) {
			b = append(b, '"')
			b = append(b, x...)
			return append(b, '"'), nil
		}
	}
	enc, err := json.Marshal(v)
	return append(b, enc...), err
}

// plainJSONString reports whether json.Marshal renders s as itself in
// quotes: valid UTF-8 with no control character, quote, backslash, <, >,
// & (escaped for HTML), U+2028 or U+2029.
func plainJSONString(s string) bool {
	high := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c >= 0x80:
			high = true
		}
	}
	return !high || (utf8.ValidString(s) && !strings.ContainsRune(s, '\u2028') && !strings.ContainsRune(s, '\u2029'))
}

// Audit actions.
const (
	actionCreate   = "create"
	actionUpdate   = "update"
	actionFinalize = "finalize"
	actionAmend    = "amend"
	actionImport   = "import"
	// actionImportBatch is one entry for many rows new here that one
	// import wrote: entity_id is empty and new holds each row's state.
	// Written since 2026-11-27 in the compact form: a first line with the
	// table's column names as a JSON array, then one line per row with its
	// values as a JSON array in that order (["id","name",…] then
	// ["0192…","怡乐花园",…]); before that, and still when a chunk's rows
	// were read back, one JSON object per line (as snapshot renders it).
	// batchStates reads both. A row's JSON never holds a raw newline.
	actionImportBatch = "import-batch"
)

// batchStates splits an import-batch entry's new into the rows' ids and
// states, each state as snapshot renders the row (a JSON object),
// whichever form the entry was written in. A line of the compact form
// that does not match its header is skipped (Verify then reports its row
// as not in the audit log).
func batchStates(newState string, fn func(id, state string)) {
	if !strings.HasPrefix(newState, "[") {
		for line := range strings.SplitSeq(newState, "\n") {
			if line != "" {
				fn(jsonField(line, "id"), line)
			}
		}
		return
	}
	header, rows, _ := strings.Cut(newState, "\n")
	names, ok := jsonArrayItems(header)
	idAt := -1
	for i, n := range names {
		if n == `"id"` {
			idAt = i
		}
	}
	if !ok || idAt < 0 {
		return
	}
	var b strings.Builder
	for line := range strings.SplitSeq(rows, "\n") {
		vals, ok := jsonArrayItems(line)
		if !ok || len(vals) != len(names) {
			continue
		}
		b.Reset()
		b.WriteByte('{')
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(names[i])
			b.WriteByte(':')
			b.WriteString(v)
		}
		b.WriteByte('}')
		fn(strings.Trim(vals[idAt], `"`), b.String())
	}
}

// jsonArrayItems splits a one-line JSON array of scalars into its items'
// JSON texts (strings keep their quotes and escapes); ok is false for
// anything else.
func jsonArrayItems(s string) (items []string, ok bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	if body == "" {
		return nil, true
	}
	start, inString := 0, false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case inString && c == '\\':
			i++ // the escaped character
		case c == '"':
			inString = !inString
		case !inString && (c == '[' || c == '{' || c == ']' || c == '}'):
			return nil, false // not a scalar
		case !inString && c == ',':
			items = append(items, body[start:i])
			start = i + 1
		}
	}
	if inString {
		return nil, false
	}
	return append(items, body[start:]), true
}

var newline = []byte{'\n'}

func auditHash(prev, at, device, actor, entity, id, action, old, new string) string {
	h := sha256.New()
	var b []byte
	buf := make([]byte, 16<<10)
	for _, s := range []string{prev, at, device, actor, entity, id, action, old, new} {
		// "%d:%s\n" without fmt's copy of s (a batch entry is ~250 KB)
		// nor io.WriteString's (the hash takes bytes): s goes through buf.
		b = append(strconv.AppendInt(b[:0], int64(len(s)), 10), ':')
		h.Write(b)
		for rest := s; rest != ""; {
			n := copy(buf, rest)
			h.Write(buf[:n])
			rest = rest[n:]
		}
		h.Write(newline)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// audit appends one entry to the chain: the row's state before (old) and
// after (read back from the table, so the audit holds exactly what is
// stored).
func (c *change) audit(ctx context.Context, table, id, action, old string) error {
	return c.auditAs(ctx, table, id, action, old, c.actor, c.device)
}

func (c *change) auditAs(ctx context.Context, table, id, action, old, actor, device string) error {
	newState, err := snapshot(ctx, c.tx, table, id)
	if err != nil {
		return err
	}
	var prev string
	err = c.tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	at := formatTime(c.at)
	h := auditHash(prev, at, device, actor, table, id, action, old, newState)
	_, err = c.tx.ExecContext(ctx, `INSERT INTO audit_log(at, device_id, actor, entity, entity_id, action, old, new, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, at, device, actor, table, id, action, old, newState, prev, h)
	return err
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq      int64
	At       string
	DeviceID string
	Actor    string
	Entity   string
	EntityID string
	Action   string
	Old      string
	New      string
}

// AuditTrail lists the audit entries of one record, oldest first. A batch
// entry of an import that wrote the record is listed as that record's
// import entry.
func (db *DB) AuditTrail(ctx context.Context, entity, id string) ([]AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, at, device_id, actor, entity, entity_id, action, old, new
		FROM audit_log WHERE entity = ?1 AND (entity_id = ?2 OR (entity_id = '' AND action = ?3 AND instr(new, ?4) > 0))
		ORDER BY seq`, entity, id, actionImportBatch, jsonString(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.DeviceID, &e.Actor, &e.Entity, &e.EntityID, &e.Action, &e.Old, &e.New); err != nil {
			return nil, err
		}
		if e.Action == actionImportBatch && e.EntityID == "" {
			state := ""
			batchStates(e.New, func(rid, s string) {
				if rid == id {
					state = s
				}
			})
			if state == "" {
				continue
			}
			e.EntityID, e.Action, e.New = id, actionImport, state
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
