package store

import (
	"context"
	"strings"
)

// FilterCommunityRows keeps the rows that ListCommunityRows(f) would
// list, in their order: rows is the whole list (ListCommunityRows with an
// empty filter), and the answer is exactly ListCommunityRows(f) over the
// same data. It runs no SQL, so the 小区列表 can filter on every keystroke
// without touching the file (docs/PERFORMANCE.md). The answer shares rows'
// backing array only when nothing is filtered out.
//
// Query matches as SQLite's LIKE '%q%' does there: a substring of the
// name, address, street or community, with ASCII letters in any case and
// every other character exactly; or a substring of the pinyin initials of
// the lower-cased query.
func FilterCommunityRows(rows []CommunityRow, f CommunityRowFilter) []CommunityRow {
	q := strings.TrimSpace(f.Query)
	if f.District == "" && f.Street == "" && f.Status == StatusAll && q == "" {
		return rows
	}
	var qText, qInitials string
	if q != "" {
		qText, qInitials = foldASCII(q), foldASCII(strings.ToLower(q))
	}
	out := make([]CommunityRow, 0, len(rows)/4)
	for i := range rows {
		r := &rows[i]
		if f.District != "" && r.District != f.District ||
			f.Street != "" && r.Street != f.Street ||
			f.Status != StatusAll && r.Status != f.Status {
			continue
		}
		if q != "" && !containsFold(r.Name, qText) && !containsFold(r.Address, qText) && !containsFold(r.Street, qText) &&
			!containsFold(r.Community, qText) && !containsFold(r.Initials, qInitials) {
			continue
		}
		out = append(out, *r)
	}
	return out
}

// foldASCII lower-cases the ASCII letters of s and leaves every other
// byte alone, as SQLite's LIKE folds case.
func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// containsFold reports whether s holds sub (already foldASCII'd) with
// ASCII letters compared in any case. Both are UTF-8, so a byte match is a
// character match. It allocates nothing.
func containsFold(s, sub string) bool {
	if len(sub) == 0 {
		return true
	}
	if !hasASCIILetter(sub) {
		return strings.Contains(s, sub)
	}
	first := sub[0]
	for i := 0; i+len(sub) <= len(s); i++ {
		if lowerASCII(s[i]) != first {
			continue
		}
		j := 1
		for j < len(sub) && lowerASCII(s[i+j]) == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

func hasASCIILetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; 'a' <= c && c <= 'z' {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ChangeMark is a value that moves whenever the file's data changes: the
// last entry of the audit log (every change, import and merge appends to
// it) and the last clock version stored (every change writes it). The
// 小区列表 keeps its rows in memory and reads them again when the mark
// moves. Two indexed look-ups, no scan.
func (db *DB) ChangeMark(ctx context.Context) (string, error) {
	var mark string
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(seq) FROM audit_log), 0) || '/' ||
		COALESCE((SELECT value FROM settings WHERE key = 'hlc_last'), '')`).Scan(&mark)
	return mark, err
}
