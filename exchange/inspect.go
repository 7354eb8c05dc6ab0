package exchange

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// PackageInfo describes a package: who signed it, what it holds, and
// whether it is valid.
type PackageInfo struct {
	File        string         `json:"file"`
	Size        int64          `json:"size"`
	Encrypted   bool           `json:"encrypted"`
	Format      int            `json:"format"`
	PackageID   string         `json:"package_id"`
	CreatedAt   time.Time      `json:"created_at"`
	SignerID    string         `json:"signer_id"`
	SignerName  string         `json:"signer_name"`
	Fingerprint string         `json:"fingerprint"`
	Content     string         `json:"content"`
	Office      string         `json:"office"`
	Incremental bool           `json:"incremental"`
	Counts      map[string]int `json:"counts"`
	// Trust is the signer's standing with the data file given ("" without).
	Trust string `json:"trust,omitempty"`
	// Valid: signature, layout and every row check out. Unchecked counts
	// references to records that could only be looked up in a data file.
	Valid     bool   `json:"valid"`
	Unchecked int    `json:"unchecked_references"`
	Problem   string `json:"problem,omitempty"`
}

// Inspect reads a package without importing it. db may be nil; with a data
// file, encrypted packages can be read, the signer's trust is shown and
// references are checked against it.
func Inspect(ctx context.Context, db *store.DB, path string, lim Limits) PackageInfo {
	info := PackageInfo{File: path}
	if st, err := os.Stat(path); err == nil {
		info.Size = st.Size()
	}
	fail := func(err error) PackageInfo {
		info.Problem = "数据包 " + filepath.Base(path) + " " + err.Error()
		return info
	}
	lim = lim.withDefaults()
	ids, err := identities(ctx, db)
	if err != nil {
		return fail(err)
	}
	o, err := openPackage(path, ids, lim, "")
	if err != nil {
		return fail(err)
	}
	defer o.close()
	h := o.env.Header
	info.Encrypted, info.Format, info.PackageID, info.CreatedAt = o.encrypted, h.Format, h.PackageID, h.CreatedAt
	info.SignerID, info.SignerName, info.Fingerprint = h.SignerID, h.SignerName, store.Fingerprint(h.SignerKey)
	info.Content, info.Office, info.Incremental = h.Content, h.Office, h.Incremental
	if db != nil {
		t, err := db.DeviceTrust(ctx, ed25519.PublicKey(h.SignerKey))
		if err != nil {
			return fail(err)
		}
		info.Trust = t.String()
	}
	c, err := o.checkContents(ctx, lim)
	if err != nil {
		return fail(err)
	}
	defer c.close()
	info.Counts = c.counts
	if info.Unchecked, err = validatePackage(ctx, db, c); err != nil && !errors.Is(err, errUnchecked) {
		return fail(err)
	}
	err = c.photos(ctx)(func(p store.Photo) error {
		if sum := sha256.Sum256(p.Data); hex.EncodeToString(sum[:]) != p.SHA256 {
			return fmt.Errorf("%w：照片 %.12s… 的内容与其摘要不符", ErrHostile, p.SHA256)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	info.Valid = true
	return info
}
