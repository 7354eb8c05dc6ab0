package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"
)

// TestAppendJSONAsMarshal: the audit log's fast JSON renders every value
// exactly as encoding/json does (Verify compares the strings).
func TestAppendJSONAsMarshal(t *testing.T) {
	vals := []any{nil, int64(0), int64(-42), int64(math.MaxInt64), 0.0, 1.5, 3.0, 1e21, 1e-7, math.Copysign(0, -1),
		"", "plain ascii", "怡乐花园 鼓楼区", "a\"b", `back\slash`, "<tag>", "a&b", "tab\there", "line\nbreak",
		"\u2028", "x\u2029y", "bad \xff utf8", "\x7f", "emoji 😀", "base64:AAEC"}
	for _, v := range vals {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON([]byte("pre"), v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "pre"+string(want) {
			t.Errorf("%#v: got %s, json.Marshal %s", v, got[3:], want)
		}
	}
}

// TestTableLayoutsRendered: every travelling table's rows are rendered
// for the audit from their values (no read-back) — a column added to a
// table without travelling makes this fail, and the merge fall back.
func TestTableLayoutsRendered(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "t.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		m := &merger{db: db, ctx: ctx, tx: tx}
		for _, e := range Entities {
			l, err := m.tableLayout(e)
			if err != nil {
				return err
			}
			if l == nil {
				t.Errorf("%s: rows would be read back for the audit", e)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestParseClockFastPath: the one-device shortcut gives what the JSON
// decoder gives, and refuses what it refuses.
func TestParseClockFastPath(t *testing.T) {
	v := "1732600000000-00001-0123456789abcdef"
	for _, s := range []string{`{"0123456789abcdef":"` + v + `"}`, `{"0123456789abcdee":"` + v + `"}`,
		`{"0123456789abcdef":"1732600000000-0000x-0123456789abcdef"}`, `{}`} {
		got, err := ParseClock(s)
		want := Clock{}
		jerr := json.Unmarshal([]byte(s), &want)
		ok := jerr == nil && len(want) <= 1
		for d, x := range want {
			ok = ok && ValidVersion(x) && VersionDevice(x) == d
		}
		if (err == nil) != ok || (ok && got.String() != want.String()) {
			t.Errorf("%s: got %v %v, decoder says %v ok=%v", s, got, err, want, ok)
		}
	}
}
