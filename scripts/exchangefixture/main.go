// Command exchangefixture prepares the exchange screenshots
// (scripts/screenshots.sh): next to an office's demo data file it makes two
// inspectors' data files, sends them the reference data, has one of them
// edit two communities that the office edits too (so that importing makes
// conflicts), and writes their packages plus a damaged copy. The office
// trusts the first inspector, not the second (whose package is held).
//
// Usage: go run ./scripts/exchangefixture --db OFFICE.db --out DIR
//
// It prints the package paths, one a line: trusted, unknown signer,
// damaged.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func main() {
	dbPath := flag.String("db", "", "the office's data file")
	out := flag.String("out", "", "folder for the inspectors' data files and packages")
	flag.Parse()
	if *dbPath == "" || *out == "" {
		log.Fatal("usage: exchangefixture --db OFFICE.db --out DIR")
	}
	if err := run(context.Background(), *dbPath, *out); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, dbPath, out string) error {
	office, err := store.Open(ctx, dbPath, store.Options{Actor: "陈科长"})
	if err != nil {
		return err
	}
	defer office.Close()
	if _, err := exchange.OfficeRecipient(ctx, office); err != nil {
		return err
	}
	wang, err := store.Open(ctx, filepath.Join(out, "wang.db"), store.Options{Actor: "王检查员", DeviceName: "王检查员的笔记本"})
	if err != nil {
		return err
	}
	defer wang.Close()
	li, err := store.Open(ctx, filepath.Join(out, "li.db"), store.Options{Actor: "李检查员", DeviceName: "李检查员的平板"})
	if err != nil {
		return err
	}
	defer li.Close()

	// Reference data from the office to both inspectors.
	ref := filepath.Join(out, "reference.jypkg")
	if _, err := exchange.Export(ctx, office, ref, exchange.ExportOptions{Content: store.ContentReference}); err != nil {
		return err
	}
	for _, db := range []*store.DB{wang, li} {
		if _, err := db.TrustDevice(ctx, office.Device().PublicKey, "市住建局"); err != nil {
			return err
		}
		if r := exchange.ImportFile(ctx, db, ref, exchange.ImportOptions{}); r.Status != exchange.StatusMerged {
			return fmt.Errorf("reference data: %s", r.Message)
		}
	}
	if _, err := office.TrustDevice(ctx, wang.Device().PublicKey, "王检查员的笔记本"); err != nil {
		return err
	}

	// An export from the office before the edits below, for its history
	// (the next one to that office carries the edits).
	if _, err := exchange.Export(ctx, office, filepath.Join(out, "家园巡检_市住建局_2024-09-09.jypkg"),
		exchange.ExportOptions{Office: "鼓楼区住建局"}); err != nil {
		return err
	}
	cs, err := office.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil || len(cs) < 4 {
		return fmt.Errorf("the office's data file has too few communities (%d): %v", len(cs), err)
	}
	// Concurrent edits of two communities.
	edit := func(db *store.DB, id string, f func(*inspection.Community)) error {
		c, err := db.Community(ctx, id)
		if err != nil {
			return err
		}
		f(&c)
		_, err = db.UpdateCommunity(ctx, c)
		return err
	}
	if err := edit(wang, cs[0].ID, func(c *inspection.Community) { c.PropertyCompany = "福州安居物业管理有限公司" }); err != nil {
		return err
	}
	if err := edit(office, cs[0].ID, func(c *inspection.Community) { c.PropertyCompany = "福建恒兴物业服务有限公司" }); err != nil {
		return err
	}
	if err := edit(wang, cs[1].ID, func(c *inspection.Community) { c.Households += 24; c.Committee = "业主委员会" }); err != nil {
		return err
	}
	if err := edit(office, cs[1].ID, func(c *inspection.Community) { c.Households += 12 }); err != nil {
		return err
	}

	// Each inspector inspects a community.
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		return err
	}
	for i, db := range []*store.DB{wang, li} {
		in, err := db.StartInspection(ctx, cs[2+i].ID, tpl.ID, tpl.Version, []string{db.Actor()})
		if err != nil {
			return err
		}
		for _, it := range tpl.Items() {
			if it.Kind == inspection.KindCheck {
				if _, err := db.SetResult(ctx, in.ID, it.Code, inspection.Pass); err != nil {
					return err
				}
			}
		}
	}

	wangPkg := filepath.Join(out, "家园巡检_王检查员_2024-09-10.jypkg")
	liPkg := filepath.Join(out, "家园巡检_李检查员_2024-09-10.jypkg")
	for db, p := range map[*store.DB]string{wang: wangPkg, li: liPkg} {
		if _, err := exchange.Export(ctx, db, p, exchange.ExportOptions{Office: "市住建局"}); err != nil {
			return err
		}
	}
	body, err := os.ReadFile(wangPkg)
	if err != nil {
		return err
	}
	body[len(body)/2] ^= 0x20
	bad := filepath.Join(out, "家园巡检_张检查员_2024-09-09.jypkg")
	if err := os.WriteFile(bad, body, 0o600); err != nil {
		return err
	}
	fmt.Println(wangPkg)
	fmt.Println(liPkg)
	fmt.Println(bad)
	return nil
}
