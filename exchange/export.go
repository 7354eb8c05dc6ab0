package exchange

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// ExportOptions choose what a package carries and how it is written.
type ExportOptions struct {
	// Office names the receiver (市局, 鼓楼区住建局 …). With an office the
	// package is incremental: only what changed here since the last
	// export to it (everything the first time); Full sends all anyway.
	Office  string
	Full    bool
	Content store.ExportContent // all (default) or reference
	// Recipient, when set, encrypts the package to the office's age
	// recipient (age1…).
	Recipient string
	// Progress, when set, is called as rows and photos are written.
	Progress func(done, total int)
	// TempDir holds the scratch database (default: the system's).
	TempDir string
}

// ExportResult says what was written.
type ExportResult struct {
	Path        string
	PackageID   string
	Incremental bool
	Encrypted   bool
	Counts      map[string]int // rows per table, and "photos"
	Size        int64
}

// Export writes a package of the data file's records to path (atomically:
// a partial file never appears under that name) and, when an office is
// named, records the export so the next one to it is incremental.
func Export(ctx context.Context, db *store.DB, path string, opts ExportOptions) (ExportResult, error) {
	res := ExportResult{Path: path}
	var recipient age.Recipient
	if opts.Recipient != "" {
		r, err := ParseRecipient(opts.Recipient)
		if err != nil {
			return res, err
		}
		recipient, res.Encrypted = r, true
	}
	set, err := db.ExportRows(ctx, store.ExportOptions{Office: opts.Office, Full: opts.Full, Content: opts.Content})
	if err != nil {
		return res, fmt.Errorf("无法读取要导出的记录：%w", err)
	}
	dir, err := os.MkdirTemp(opts.TempDir, "jiayuan-export-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)

	dev := db.Device()
	h := Header{Format: FormatVersion, PackageID: uuid.Must(uuid.NewV7()).String(), CreatedAt: db.Now().Truncate(time.Millisecond),
		SignerID: dev.ID, SignerName: dev.Name, SignerKey: dev.PublicKey, Content: string(opts.Content),
		Office: opts.Office, Incremental: set.Incremental, Counts: map[string]int{}}
	if h.Content == "" {
		h.Content = string(store.ContentAll)
	}
	if set.Incremental {
		h.Since = &set.Since
	}
	for _, r := range set.Rows {
		h.Counts[r.Entity]++
	}
	h.Counts["photos"] = len(set.Photos)
	res.PackageID, res.Counts, res.Incremental = h.PackageID, h.Counts, set.Incremental

	dbPath := filepath.Join(dir, "package.db")
	photos := func(fn func(store.Photo) error) error { return db.ExportPhotos(ctx, set.Photos, fn) }
	if err := buildDB(ctx, dbPath, h, set.Rows, len(set.Photos), photos, opts.Progress); err != nil {
		return res, fmt.Errorf("无法生成数据包：%w，未写入任何文件", noSpace(err))
	}
	if res.Size, err = writePackageFile(path, dbPath, h, dev.Sign, recipient); err != nil {
		return res, fmt.Errorf("无法写入数据包 %s：%w，未留下不完整的文件", filepath.Base(path), noSpace(err))
	}
	err = db.RecordExport(ctx, store.ExportRecord{PackageID: h.PackageID, Office: opts.Office, Full: !set.Incremental,
		AuditSeq: set.AuditSeq, CreatedAt: h.CreatedAt, FileName: filepath.Base(path), Rows: len(set.Rows), Photos: set.Photos})
	if err != nil {
		// Unrecorded, the package would be sent again next time; removed,
		// the data file and the folder are both as before the export.
		os.Remove(path)
		return res, fmt.Errorf("无法记录导出：%w；数据包 %s 已删除，数据文件未改动，请重试", noSpace(err), filepath.Base(path))
	}
	return res, nil
}

// buildDB writes the package database: meta, rows and photos in one
// transaction.
func buildDB(ctx context.Context, path string, h Header, rows []store.Row, nPhotos int,
	photos func(func(store.Photo) error) error, progress func(int, int)) error {
	db, err := createPackageDB(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := writeMeta(ctx, tx, h); err != nil {
		return err
	}
	total, done := len(rows)+nPhotos, 0
	step := func() {
		done++
		if progress != nil && (done%250 == 0 || done == total) {
			progress(done, total)
		}
	}
	stmts := map[string]*sql.Stmt{}
	// Every table's rows are written in the order the merge reads them
	// (answers by inspection, then id; the others by id), so that a run of
	// rows it reads is a run of rowids it can copy (store's copyChunk), and
	// the package says so (package_meta row_order, readOrder): the reader
	// then reads them in rowid order, without sorting.
	ordered := slices.Clone(rows)
	slices.SortStableFunc(ordered, func(a, b store.Row) int {
		if c := strings.Compare(a.Entity, b.Entity); c != 0 {
			return c
		}
		return compareReadOrder(a, b)
	})
	for _, r := range ordered {
		s, ok := stmts[r.Entity]
		if !ok {
			names := columnNames(r.Entity)
			s, err = tx.PrepareContext(ctx, `INSERT INTO `+r.Entity+`(`+strings.Join(names, ", ")+`, clock) VALUES (?`+
				strings.Repeat(", ?", len(names))+`)`)
			if err != nil {
				return err
			}
			defer s.Close()
			stmts[r.Entity] = s
		}
		if _, err := s.ExecContext(ctx, append(append([]any{}, r.Values...), r.Clock.String())...); err != nil {
			return err
		}
		step()
	}
	ps, err := tx.PrepareContext(ctx, `INSERT INTO photos(sha256, mime, width, height, data) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ps.Close()
	err = photos(func(p store.Photo) error {
		defer step()
		_, err := ps.ExecContext(ctx, p.SHA256, p.Mime, p.Width, p.Height, p.Data)
		return err
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

func columnNames(entity string) []string {
	var names []string
	for _, c := range store.TravelColumns(entity) {
		names = append(names, c.Name)
	}
	return names
}

// writeMeta mirrors the header in package_meta, for a person looking
// inside with the sqlite3 shell.
func writeMeta(ctx context.Context, tx *sql.Tx, h Header) error {
	counts, _ := json.Marshal(h.Counts)
	meta := map[string]string{
		"format": fmt.Sprint(h.Format), "package_id": h.PackageID, "created_at": h.CreatedAt.Format(time.RFC3339Nano),
		"signer_id": h.SignerID, "signer_name": h.SignerName, "signer_key": base64.StdEncoding.EncodeToString(h.SignerKey),
		"content": h.Content, "office": h.Office, "incremental": fmt.Sprint(h.Incremental), "counts": string(counts),
		"row_order": rowOrderRowid,
	}
	for k, v := range meta {
		if _, err := tx.ExecContext(ctx, `INSERT INTO package_meta(key, value) VALUES (?, ?)`, k, v); err != nil {
			return err
		}
	}
	return nil
}

// writePackageFile writes header, database and signature (encrypted when
// recipient is set) to a temporary file next to path, syncs it and
// renames it into place.
func writePackageFile(path, dbPath string, h Header, sign func([]byte) []byte, recipient age.Recipient) (int64, error) {
	src, err := os.Open(dbPath)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	var w io.Writer = tmp
	var enc io.WriteCloser
	if recipient != nil {
		if enc, err = age.Encrypt(tmp, recipient); err != nil {
			return 0, err
		}
		w = enc
	}
	if err := writeEnvelope(w, h, src, st.Size(), sign); err != nil {
		return 0, err
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return 0, err
		}
	}
	if err := tmp.Sync(); err != nil {
		return 0, err
	}
	size, _ := tmp.Seek(0, io.SeekCurrent)
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	return size, os.Rename(tmp.Name(), path)
}
