package main

import (
	"context"
	"fmt"
	"log"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
)

// prepare readies a data file: the first time (no communities), it fills
// it with the demo city, which installs the default template; otherwise
// it installs the default template if missing (saving an identical
// version again changes nothing).
func prepare(ctx context.Context, db *store.DB, clock *demo.Clock, communities int) error {
	empty, err := demo.IsEmpty(ctx, db)
	if err != nil {
		return err
	}
	if empty {
		sum, err := demo.Populate(ctx, db, demo.Options{Seed: 1, Communities: communities, Clock: clock})
		if err != nil {
			return fmt.Errorf("写入演示数据失败：%w", err)
		}
		log.Printf("demo data: %d communities, %d inspections finalized, %d drafts", sum.Communities, sum.Finalized, sum.Drafts)
		return nil
	}
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		return err
	}
	if _, err := db.Template(ctx, tpl.ID, tpl.Version); err == nil {
		return nil // installed already (a stored version never changes)
	}
	return db.SaveTemplate(ctx, tpl)
}
