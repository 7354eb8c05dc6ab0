package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// TestFilterCommunityRowsSameAsQuery checks that filtering the whole list
// in memory gives exactly what ListCommunityRows gives for the same
// filter, on the demo (with a few Latin, digit and full-width names
// added): Chinese substrings, pinyin initials, digits, mixed-case Latin,
// full-width letters, LIKE's special characters, spaces, misses, every
// status and district and some streets.
func TestFilterCommunityRowsSameAsQuery(t *testing.T) {
	ctx := context.Background()
	db := demoCity(t)
	extra := []inspection.Community{
		{Name: "SOHO国际Ａ座", District: "鼓楼区", Street: "东街街道", Community: "Soho社区", Address: "五四路158号"},
		{Name: "abc_100%花园", District: "台江区", Street: "Wuyi街道", Address: `中山路1\2号`},
		{Name: "Kelvin公寓", District: "台江区", Address: "kelvin路 8号"},
		{Name: "万科城3期", District: "仓山区", Community: "金山", Address: "ＡＢＣ大道"},
	}
	if err := db.AddCommunities(ctx, extra); err != nil {
		t.Fatal(err)
	}
	all, err := db.ListCommunityRows(ctx, store.CommunityRowFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 60 {
		t.Fatalf("only %d rows", len(all))
	}
	queries := []string{"", "  ", "\u3000", "花园", "小区", "路", "号", "ylhy", "y", "Y", "YLHY", "Ylhy", "hy", "sf",
		"1", "15", "8号", "3期", "soho", "SOHO", "SoHo", "so", "ｓｏｈｏ", "Ａ", "ａ", "ＡＢＣ", "abc", "ABC", "_", "%",
		"100%", `\`, `1\2`, "c_1", "K", "\u212a", "kelvin", "KELVIN", "wuyi", "WUYI", "五四", " 花园 ", "花 园",
		"无此小区", "zzzz", "金山", "社区", "街道", "q", "x"}
	// A piece of some names and addresses, and the initials of some.
	for i := 0; i < len(all); i += 7 {
		r := all[i]
		queries = append(queries, firstRunes(r.Name, 2), firstRunes(r.Address, 3), r.Initials, r.Street)
		if len(r.Initials) > 2 {
			queries = append(queries, r.Initials[1:3])
		}
	}
	districts := map[string]bool{"": true, "无此区": true}
	streets := map[[2]string]bool{{"", ""}: true}
	for _, r := range all {
		districts[r.District] = true
		streets[[2]string{r.District, r.Street}] = true
		streets[[2]string{"", r.Street}] = true
	}
	statuses := append([]store.CommunityStatus{store.StatusAll}, store.CommunityStatuses...)
	var filters []store.CommunityRowFilter
	for _, q := range queries {
		for _, st := range statuses {
			filters = append(filters, store.CommunityRowFilter{Query: q, Status: st})
		}
	}
	for d := range districts {
		for _, st := range statuses {
			for _, q := range []string{"", "花园", "y", "1"} {
				filters = append(filters, store.CommunityRowFilter{District: d, Status: st, Query: q})
			}
		}
	}
	for ds := range streets {
		filters = append(filters, store.CommunityRowFilter{District: ds[0], Street: ds[1]},
			store.CommunityRowFilter{District: ds[0], Street: ds[1], Query: "h"})
	}
	seenStatus := map[store.CommunityStatus]bool{}
	nonEmpty, partial := 0, 0
	for _, f := range filters {
		want, err := db.ListCommunityRows(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got := store.FilterCommunityRows(all, f)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v: the filter in memory gives %d rows %s, ListCommunityRows gives %d %s",
				f, len(got), rowNames(got), len(want), rowNames(want))
		}
		nonEmpty++
		if len(want) < len(all) {
			partial++
		}
		for _, r := range want {
			seenStatus[r.Status] = true
		}
	}
	// The comparison must cover real matches, not only empty answers.
	if nonEmpty < len(filters)/3 || partial < len(filters)/4 {
		t.Errorf("only %d of %d filters match something (%d a part of the list)", nonEmpty, len(filters), partial)
	}
	for _, st := range store.CommunityStatuses {
		if !seenStatus[st] {
			t.Errorf("no row has status %s: the comparison does not cover it", st)
		}
	}
	// Queries that must match (so that a filter answering nothing, or
	// everything, fails above).
	for q, want := range map[string]string{"soho": "SOHO国际Ａ座", "ＡＢＣ": "万科城3期", "kelvin": "Kelvin公寓", "100%": "abc_100%花园"} {
		if got := store.FilterCommunityRows(all, store.CommunityRowFilter{Query: q}); len(got) != 1 || got[0].Name != want {
			t.Errorf("%q finds %s, want %s", q, rowNames(got), want)
		}
	}
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func rowNames(rows []store.CommunityRow) string {
	if len(rows) > 8 {
		return fmt.Sprintf("%v…", rowNames(rows[:8]))
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return fmt.Sprint(out)
}
