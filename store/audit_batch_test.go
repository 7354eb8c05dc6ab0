package store

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestBatchCompactFormReadsAsObjects: an import-batch entry in the compact
// form (column names, then each row's values) reads back through
// batchStates as the same ids and the same states as the entry written one
// JSON object per row, for rows of awkward values; lines that do not fit
// their header are skipped.
func TestBatchCompactFormReadsAsObjects(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 11))
	strs := []string{"", "怡乐花园", `引号"和\反斜杠`, "逗号,方括号[]{}", "换\n行", "\u2028", "<&>", "01a21b13-4ae5-74bc-932c-89a0498f3a45", `["a","b"]`}
	names := []string{"id", "name", "note", "households", "satisfaction", "photos"}
	layout := make([]layoutCol, len(names))
	for i, n := range names {
		layout[i] = layoutCol{name: n, src: i}
	}
	for round := range 200 {
		var objects, compact strings.Builder
		compact.WriteString(`["id","name","note","households","satisfaction","photos"]`)
		var want [][2]string
		for i := range 1 + rng.IntN(6) {
			id := "0192" + strings.Repeat(string(rune('a'+i)), 4)
			vals := []any{id, strs[rng.IntN(len(strs))], strs[rng.IntN(len(strs))], int64(rng.IntN(3000)) - 5, nil, strs[rng.IntN(len(strs))]}
			if rng.IntN(2) == 0 {
				vals[4] = rng.NormFloat64() * 1e3
			}
			r := Row{Entity: "communities", Values: vals}
			line, ok, err := appendAuditLine(nil, layout, r)
			if err != nil || !ok {
				t.Fatal(err, ok)
			}
			compact.WriteByte('\n')
			compact.Write(line)
			// The same row as one object, as the entries were written before.
			obj := "{"
			for j, n := range names {
				v, err := appendJSON(nil, vals[j])
				if err != nil {
					t.Fatal(err)
				}
				if j > 0 {
					obj += ","
				}
				obj += `"` + n + `":` + string(v)
			}
			obj += "}"
			if objects.Len() > 0 {
				objects.WriteByte('\n')
			}
			objects.WriteString(obj)
			want = append(want, [2]string{id, obj})
			var back map[string]any
			if err := json.Unmarshal([]byte(obj), &back); err != nil {
				t.Fatalf("round %d: %s is not JSON: %v", round, obj, err)
			}
		}
		read := func(entry string) (got [][2]string) {
			batchStates(entry, func(id, state string) { got = append(got, [2]string{id, state}) })
			return got
		}
		if got := read(objects.String()); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d, objects: %q, want %q", round, got, want)
		}
		if got := read(compact.String()); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d, compact: %q, want %q", round, got, want)
		}
	}

	var got []string
	batchStates("[\"id\",\"name\"]\n[\"a\",\"甲\"]\n[\"b\"]\n[\"c\",\"丙\",\"多\"]\n{\"id\":\"d\"}\n[\"e\",\"戊\"]", func(id, state string) {
		got = append(got, id+" "+state)
	})
	if want := []string{`a {"id":"a","name":"甲"}`, `e {"id":"e","name":"戊"}`}; !reflect.DeepEqual(got, want) {
		t.Errorf("lines that do not fit the header: got %q, want %q", got, want)
	}
	for _, bad := range []string{`[`, `["a"`, `["a,"b"]`, `[["a"]]`, `[{"a":1}]`, `"a"`} {
		if items, ok := jsonArrayItems(bad); ok {
			t.Errorf("jsonArrayItems(%s) = %q, want refused", bad, items)
		}
	}
}
