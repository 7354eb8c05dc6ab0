package exchange

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// Status is the outcome of importing one file.
type Status string

// Outcomes.
const (
	StatusMerged    Status = "merged"    // merged (possibly with conflicts kept for a person)
	StatusDuplicate Status = "duplicate" // imported before: nothing changed
	StatusHeld      Status = "held"      // valid, but the signer is not enrolled yet
	StatusRefused   Status = "refused"   // not merged; Message says why
)

// Result is what importing one file did.
type Result struct {
	File        string `json:"file"`
	Status      Status `json:"status"`
	New         int    `json:"new"`
	Updated     int    `json:"updated"`
	Duplicate   int    `json:"duplicate"`
	Conflicts   int    `json:"conflicts"`
	Photos      int    `json:"photos"`
	Signer      string `json:"signer"`
	SignerID    string `json:"signer_id"`
	Fingerprint string `json:"fingerprint"`
	PackageID   string `json:"package_id"`
	Message     string `json:"message"` // Chinese, names the file
	// PickProblems: pick limits the merged picks break that were not
	// broken before (the picks are kept; see docs/EXCHANGE.md).
	PickProblems []string `json:"pick_problems,omitempty"`
	// Err wraps ErrRefused or ErrHeld (and the specific cause); nil when
	// merged or duplicate.
	Err error `json:"-"`
}

// ImportOptions tune Import.
type ImportOptions struct {
	Limits  Limits
	TempDir string // scratch space for the package's database (default: the system's)
	// Progress, when set, is called with the file, the stage (校验、读取、
	// 备份、合并) and how far it is.
	Progress func(file, stage string, done, total int)
}

// Import imports package files one after the other, each in its own
// transaction (one bad file does not stop the others), after one backup
// copy of the data file taken before the first merge.
func Import(ctx context.Context, db *store.DB, paths []string, opts ImportOptions) []Result {
	imp := &importer{db: db, opts: opts, lim: opts.Limits.withDefaults()}
	defer store.RoomyGC(store.ImportGCPercent)()
	out := make([]Result, 0, len(paths))
	for _, p := range paths {
		out = append(out, imp.file(ctx, p))
	}
	return out
}

// ImportFile imports one package file.
func ImportFile(ctx context.Context, db *store.DB, path string, opts ImportOptions) Result {
	return Import(ctx, db, []string{path}, opts)[0]
}

type importer struct {
	db     *store.DB
	opts   ImportOptions
	lim    Limits
	backup string
}

func (imp *importer) progress(file, stage string, done, total int) {
	if imp.opts.Progress != nil {
		imp.opts.Progress(file, stage, done, total)
	}
}

func (imp *importer) file(ctx context.Context, path string) Result {
	name := filepath.Base(path)
	res := Result{File: path}
	imp.progress(path, "校验", 0, 1)
	ids, err := identities(ctx, imp.db)
	if err != nil {
		return refuse(res, name, err)
	}
	o, err := openPackage(path, ids, imp.lim, imp.opts.TempDir)
	if err != nil {
		return refuse(res, name, err)
	}
	defer o.close()
	h := o.env.Header
	key := ed25519.PublicKey(h.SignerKey)
	res.Signer, res.SignerID, res.Fingerprint, res.PackageID = h.SignerName, h.SignerID, store.Fingerprint(key), h.PackageID

	trust, err := imp.db.DeviceTrust(ctx, key)
	switch {
	case err != nil:
		return refuse(res, name, err)
	case trust == store.TrustRevoked:
		return refuse(res, name, fmt.Errorf("由已吊销的设备「%s」（%s）签名：%w", h.SignerName, h.SignerID, ErrRevoked))
	case trust == store.TrustUnknown:
		res.Status, res.Err = StatusHeld, ErrHeld
		res.Message = fmt.Sprintf("数据包 %s 由未登记的设备「%s」（编号 %s）签名，设备指纹 %s。请与对方核对指纹后登记该设备"+
			"（受信设备，或 jiayuanctl trust --package %s），再重新导入", name, h.SignerName, h.SignerID, res.Fingerprint, name)
		return res
	}

	digest := hex.EncodeToString(o.env.Digest[:])
	if rec, found, err := imp.db.FindImport(ctx, h.PackageID, digest); err != nil {
		return refuse(res, name, err)
	} else if found {
		if rec.PackageID != h.PackageID || rec.Digest != digest {
			return refuse(res, name, fmt.Errorf("%w：数据包编号与已导入的另一数据包重复，但内容不同", ErrHostile))
		}
		return duplicate(res, name, rec)
	}

	imp.progress(path, "读取", 0, 1)
	c, err := o.checkContents(ctx, imp.lim)
	if err != nil {
		return refuse(res, name, err)
	}
	defer c.close()
	// The rows are read and checked from here on, and the photos hashed,
	// while the backup is made.
	photos := c.checkPhotosAhead(ctx)
	rows, stop := prefetch(checkedSource(ctx, imp.db, c))
	defer stop() // before c.close
	if imp.backup == "" {
		imp.progress(path, "备份", 0, 1)
		if imp.backup, err = imp.db.Backup(ctx, "import"); err != nil {
			return refuse(res, name, err)
		}
	}
	pkg := store.Package{ID: h.PackageID, Digest: digest, FileName: name, SignerID: h.SignerID, SignerName: h.SignerName,
		CreatedAt: h.CreatedAt, Backup: imp.backup, Rows: rows, RowCount: c.rowCount(), PhotoCount: c.counts["photos"], DBFile: o.env.DBPath,
		PhotosChecked: photos}
	counts, err := imp.db.MergePackage(ctx, pkg, func(done, total int) { imp.progress(path, "合并", done, total) })
	if errors.Is(err, store.ErrDuplicatePackage) {
		rec, _, _ := imp.db.FindImport(ctx, h.PackageID, digest)
		return duplicate(res, name, rec)
	}
	if errors.Is(err, ErrHostile) || errors.Is(err, ErrTooLarge) {
		return refuse(res, name, err) // a row failed its check while merging: nothing was written
	}
	if err != nil {
		return refuse(res, name, fmt.Errorf("%w，数据未作任何改动", err))
	}
	res.Status = StatusMerged
	res.New, res.Updated, res.Duplicate, res.Conflicts, res.Photos = counts.New, counts.Updated, counts.Duplicate, counts.Conflicts, counts.Photos
	res.Message = fmt.Sprintf("数据包 %s 已导入：新增 %d 条，更新 %d 条，重复 %d 条，冲突 %d 条，照片 %d 张（签名：%s）",
		name, res.New, res.Updated, res.Duplicate, res.Conflicts, res.Photos, h.SignerName)
	if res.Conflicts > 0 {
		res.Message += "；有冲突待处理（冲突处理，或 jiayuanctl conflicts）"
	}
	if res.PickProblems = counts.PickProblems; len(res.PickProblems) > 0 {
		res.Message += "；导入的选树推荐超出限额，已保留，请在选树中撤销多余的推荐：" + strings.Join(res.PickProblems, "；")
	}
	return res
}

func refuse(res Result, name string, err error) Result {
	res.Status, res.Err = StatusRefused, fmt.Errorf("%w：%w", ErrRefused, err)
	res.Message = fmt.Sprintf("数据包 %s %v，已拒绝导入", name, err)
	return res
}

func duplicate(res Result, name string, rec store.ImportRecord) Result {
	res.Status = StatusDuplicate
	res.Message = fmt.Sprintf("数据包 %s 已导入过（%s 导入），未作改动", name, rec.ImportedAt.Format("2006-01-02 15:04"))
	return res
}

// SignerInfo is who signed a package and how this installation regards
// them.
type SignerInfo struct {
	ID          string
	Name        string
	PublicKey   ed25519.PublicKey
	Fingerprint string
	Trust       store.TrustLevel
	PackageID   string
}

// ReadSigner checks a package's signature and returns its signer, for a
// person to compare the fingerprint before enrolling it.
func ReadSigner(ctx context.Context, db *store.DB, path string, lim Limits) (SignerInfo, error) {
	ids, err := identities(ctx, db)
	if err != nil {
		return SignerInfo{}, err
	}
	o, err := openPackage(path, ids, lim.withDefaults(), "")
	if err != nil {
		return SignerInfo{}, fmt.Errorf("数据包 %s：%w", filepath.Base(path), err)
	}
	defer o.close()
	h := o.env.Header
	s := SignerInfo{ID: h.SignerID, Name: h.SignerName, PublicKey: h.SignerKey, Fingerprint: store.Fingerprint(h.SignerKey), PackageID: h.PackageID}
	if db != nil {
		if s.Trust, err = db.DeviceTrust(ctx, s.PublicKey); err != nil {
			return s, err
		}
	}
	return s, nil
}
