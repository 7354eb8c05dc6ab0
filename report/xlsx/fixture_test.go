package xlsx_test

import "github.com/jiayuan-inspect/jiayuan/report/internal/fixture"

// The fixtures live in report/internal/fixture, shared with report/xlsx.

type recordOpts = fixture.RecordOpts

var (
	openDB     = fixture.OpenDB
	photo      = fixture.Photo
	signature  = fixture.Signature
	makeRecord = fixture.MakeRecord
)
