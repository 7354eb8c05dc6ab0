package store_test

import (
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// TestEveryEntityHasALabel: an export, an import and Verify name tables
// to people by store.EntityLabel; a travelling table without a label
// would print as a bare number (「， 0，」) in their messages.
func TestEveryEntityHasALabel(t *testing.T) {
	for _, e := range append(append([]string{}, store.Entities...), "photos", "audit_log", "database") {
		if store.EntityLabel(e) == "" {
			t.Errorf("%s has no label", e)
		}
	}
	if got := store.EntityLabel("liaisons"); got != "联络员" {
		t.Errorf("liaisons: %q", got)
	}
	if got := store.EntityLabel("sqlite_master"); got != "" {
		t.Errorf("an unknown table has label %q", got)
	}
}
