package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Problem is one finding of Verify.
type Problem struct {
	Entity   string // table, or "database" / "audit_log" / "photos"
	EntityID string
	Message  string
}

func (p Problem) String() string {
	if p.EntityID == "" {
		return fmt.Sprintf("%s：%s", p.Entity, p.Message)
	}
	return fmt.Sprintf("%s %s：%s", p.Entity, p.EntityID, p.Message)
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	AuditEntries int
	Records      int
	Photos       int
	Problems     []Problem
}

// OK reports whether nothing was found.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Verify checks the data file: SQLite's integrity_check, the audit chain
// (every entry's hash over the previous one), that every record is exactly
// as its last audit entry says (an edit made behind the program's back, with
// the sqlite3 shell say, is named), that every photo matches its digest,
// and that the report cache (report_cache.go) agrees with the answers.
func (db *DB) Verify(ctx context.Context) (VerifyReport, error) {
	var rep VerifyReport
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return rep, err
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return rep, err
		}
		if msg != "ok" {
			rep.Problems = append(rep.Problems, Problem{Entity: "database", Message: "完整性检查失败：" + msg})
		}
	}
	rows.Close()

	// The chain, and the last state of each record according to it.
	last := map[string]string{} // entity \x00 id -> new
	rows, err = tx.QueryContext(ctx, `SELECT seq, at, device_id, actor, entity, entity_id, action, old, new, prev_hash, hash
		FROM audit_log ORDER BY seq`)
	if err != nil {
		return rep, err
	}
	prev := ""
	broken := false
	for rows.Next() {
		var seq int64
		var at, device, actor, entity, id, action, old, newState, prevHash, hash string
		if err := rows.Scan(&seq, &at, &device, &actor, &entity, &id, &action, &old, &newState, &prevHash, &hash); err != nil {
			rows.Close()
			return rep, err
		}
		rep.AuditEntries++
		if !broken && (prevHash != prev || auditHash(prevHash, at, device, actor, entity, id, action, old, newState) != hash) {
			rep.Problems = append(rep.Problems, Problem{Entity: entity, EntityID: id,
				Message: fmt.Sprintf("审计日志第 %d 条被改动或删除（哈希链断开）", seq)})
			broken = true
		}
		prev = hash
		if action == actionImportBatch && id == "" {
			batchStates(newState, func(rid, state string) { last[entity+"\x00"+rid] = state })
			continue
		}
		last[entity+"\x00"+id] = newState
	}
	rows.Close()

	// Every record against its last audit entry.
	for _, table := range auditedTables {
		rows, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY id`)
		if err != nil {
			return rep, err
		}
		seen := map[string]bool{}
		for rows.Next() {
			s, err := rowJSON(rows)
			if err != nil {
				rows.Close()
				return rep, err
			}
			id := jsonField(s, "id")
			seen[id] = true
			rep.Records++
			want, ok := last[table+"\x00"+id]
			switch {
			case !ok:
				rep.Problems = append(rep.Problems, Problem{Entity: table, EntityID: id, Message: "记录不在审计日志中（可能是绕过本程序直接写入的）"})
			case want != s:
				rep.Problems = append(rep.Problems, Problem{Entity: table, EntityID: id, Message: "记录内容与审计日志不符（可能被绕过本程序修改）"})
			}
		}
		rows.Close()
		var gone []string
		for key, state := range last {
			entity, id, _ := strings.Cut(key, "\x00")
			if entity == table && !seen[id] && state != "" {
				gone = append(gone, id)
			}
		}
		sort.Strings(gone)
		for _, id := range gone {
			rep.Problems = append(rep.Problems, Problem{Entity: table, EntityID: id, Message: "审计日志中的记录已不存在（可能被绕过本程序删除）"})
		}
	}

	rows, err = tx.QueryContext(ctx, `SELECT sha256, data FROM photos ORDER BY sha256`)
	if err != nil {
		return rep, err
	}
	for rows.Next() {
		var sha string
		var data []byte
		if err := rows.Scan(&sha, &data); err != nil {
			rows.Close()
			return rep, err
		}
		rep.Photos++
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != sha {
			rep.Problems = append(rep.Problems, Problem{Entity: "photos", EntityID: sha, Message: "照片内容与其摘要不符"})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	// The report cache is derived from the answers; a valid entry must
	// say what they say.
	if err := verifyReportCache(ctx, tx, &rep); err != nil {
		return rep, err
	}
	return rep, db.verifyReportSummaries(ctx, tx, &rep)
}

// jsonField pulls a string field out of a snapshot without a full decode.
func jsonField(s, name string) string {
	key := `"` + name + `":"`
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	rest := s[i+len(key):]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return rest[:j]
}
