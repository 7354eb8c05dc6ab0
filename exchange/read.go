package exchange

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"filippo.io/age"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// Limits bound what a package may hold. The zero value means the defaults.
type Limits struct {
	MaxFileSize   int64 // the whole file, and the database inside (default 2 GiB)
	MaxRows       int   // rows per table (default 2,000,000)
	MaxText       int   // bytes in one text cell (default 256 KiB)
	MaxTemplate   int   // bytes in a template body (default 4 MiB)
	MaxPhotoBytes int   // bytes in one photo (default store.MaxPhotoBytes)
}

func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = 2 << 30
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 2_000_000
	}
	if l.MaxText <= 0 {
		l.MaxText = 256 << 10
	}
	if l.MaxTemplate <= 0 {
		l.MaxTemplate = 4 << 20
	}
	if l.MaxPhotoBytes <= 0 {
		l.MaxPhotoBytes = store.MaxPhotoBytes
	}
	return l
}

const ageHeader = "age-encryption.org/v1\n"

// opened is a package whose envelope and signature were checked; its
// database sits in a private temporary folder until close.
type opened struct {
	env       *envelope
	dir       string
	encrypted bool
}

func (o *opened) close() {
	if o != nil && o.dir != "" {
		os.RemoveAll(o.dir)
	}
}

// openPackage reads the file at path (decrypting it with one of ids when
// it is encrypted) into a private temporary folder and checks its layout
// and signature. Nothing inside the file is used as a path.
func openPackage(path string, ids []age.Identity, lim Limits, tempDir string) (*opened, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("无法打开文件：%w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w（不是普通文件）", ErrNotPackage)
	} else if st.Size() > lim.MaxFileSize+1<<20 {
		return nil, fmt.Errorf("%w（文件 %d MB，上限 %d MB）", ErrTooLarge, st.Size()>>20, lim.MaxFileSize>>20)
	}
	br := bufio.NewReader(f)
	var r io.Reader = br
	o := &opened{}
	if head, _ := br.Peek(len(ageHeader)); bytes.Equal(head, []byte(ageHeader)) {
		if len(ids) == 0 {
			return nil, ErrEncrypted
		}
		dr, err := age.Decrypt(br, ids...)
		if err != nil {
			return nil, fmt.Errorf("%w：%v", ErrEncrypted, err)
		}
		r, o.encrypted = dr, true
	}
	if o.dir, err = os.MkdirTemp(tempDir, "jiayuan-package-*"); err != nil {
		return nil, fmt.Errorf("无法创建临时文件夹：%w", err)
	}
	o.env, err = readEnvelope(r, filepath.Join(o.dir, "package.db"), lim.MaxFileSize)
	if err != nil {
		o.close()
		if o.encrypted && !isExchangeError(err) {
			err = fmt.Errorf("%w（解密失败：%v）", ErrBadSignature, err)
		}
		return nil, err
	}
	return o, nil
}

func isExchangeError(err error) bool {
	for _, e := range []error{ErrNotPackage, ErrNewerFormat, ErrBadSignature, ErrTooLarge, ErrHostile, ErrEncrypted} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// contents is what a package's database holds, checked.
type contents struct {
	meta   map[string]string
	counts map[string]int
	format int
	db     *sql.DB // open for reading rows and photos; closed by close
	// photosDone is closed when the photo check that checkPhotosAhead
	// started has ended (nil: none started); startPhotos lets it begin.
	photosDone  chan struct{}
	startPhotos func()
}

func (c *contents) close() {
	if c != nil && c.photosDone != nil {
		c.startPhotos()
		<-c.photosDone
	}
	if c != nil && c.db != nil {
		c.db.Close()
	}
}

// checkPhotosAhead hashes every photo of the package on a goroutine of
// its own, on a second connection to the package's database (the same
// private, immutable, checked file), while the answers are read and
// merged (it begins when the reader reaches them, so that the reader has
// the second core to itself for the tables the merge waits for first),
// and returns what store.Package.PhotosChecked returns: the photos'
// digests, or store.PhotoMismatch for the first photo in digest order
// whose bytes do not hash to its digest.
func (c *contents) checkPhotosAhead(ctx context.Context) (wait func() ([]string, error)) {
	c.db.SetMaxOpenConns(2)
	c.photosDone = make(chan struct{})
	begin := make(chan struct{})
	c.startPhotos = sync.OnceFunc(func() { close(begin) })
	var digests []string
	var err error
	go func() {
		defer close(c.photosDone)
		<-begin
		digests, err = c.photoDigests(ctx)
	}()
	return func() ([]string, error) {
		c.startPhotos() // in case the merge asks before the reader reached the answers
		<-c.photosDone
		return digests, err
	}
}

func (c *contents) photoDigests(ctx context.Context) ([]string, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT sha256, data FROM photos`)
	if err != nil {
		return nil, fmt.Errorf("%w：无法读取照片：%v", ErrHostile, err)
	}
	defer rows.Close()
	digests := make([]string, 0, c.counts["photos"])
	var sha, bad string
	var data sql.RawBytes // hashed in place, before the next row
	var sum [sha256.Size]byte
	var hexSum [2 * sha256.Size]byte
	for rows.Next() {
		if err := rows.Scan(&sha, &data); err != nil {
			return nil, fmt.Errorf("%w：照片：%v", ErrHostile, err)
		}
		sum = sha256.Sum256(data)
		hex.Encode(hexSum[:], sum[:])
		if string(hexSum[:]) != sha && (bad == "" || sha < bad) {
			bad = sha
		}
		digests = append(digests, sha)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%w：无法读取照片：%v", ErrHostile, err)
	}
	if bad != "" {
		return nil, store.PhotoMismatch(bad)
	}
	return digests, nil
}

// checkContents opens the package's database as hostile input and checks
// its metadata, every table's row count and cell sizes and the photos
// (while SQLite's quick_check reads every page: see openPackageDB); the
// rows are then read, one at a time, with each.
func (o *opened) checkContents(ctx context.Context, lim Limits) (*contents, error) {
	c := &contents{counts: map[string]int{}, format: o.env.Header.Format}
	db, err := openPackageDB(ctx, o.env.DBPath, o.env.Header.Format, func(db *sql.DB) error {
		c.db = db
		if err := c.readMeta(ctx, o.env.Header); err != nil {
			return err
		}
		var err error
		for _, e := range formatEntities(c.format) {
			if c.counts[e], err = checkTable(ctx, db, c.format, e, lim); err != nil {
				return err
			}
		}
		c.counts["photos"], err = checkPhotoTable(ctx, db, lim)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.db = db
	return c, nil
}

// rowCount is how many record rows the package holds.
func (c *contents) rowCount() int {
	n := 0
	for _, e := range formatEntities(c.format) {
		n += c.counts[e]
	}
	return n
}

// source streams the rows as store.Package.Rows wants them (an entity the
// package's format lacks has none).
func (c *contents) source(ctx context.Context) func(entity string, yield func(store.Row) error) error {
	return func(entity string, yield func(store.Row) error) error {
		if _, ok := c.counts[entity]; !ok {
			return nil
		}
		return c.each(ctx, entity, yield)
	}
}

func (c *contents) readMeta(ctx context.Context, h Header) error {
	meta, err := readMeta(ctx, c.db)
	if err != nil {
		return fmt.Errorf("%w：无法读取 package_meta：%v", ErrHostile, err)
	}
	want := map[string]string{"format": fmt.Sprint(h.Format), "package_id": h.PackageID, "signer_id": h.SignerID}
	for k, v := range want {
		if meta[k] != v {
			return fmt.Errorf("%w：package_meta 中的 %s 与数据包头不符", ErrHostile, k)
		}
	}
	c.meta = meta
	return nil
}

// checkTable counts an entity's rows and refuses oversized cells before
// any row is read.
func checkTable(ctx context.Context, db *sql.DB, format int, entity string, lim Limits) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+entity).Scan(&n); err != nil {
		return 0, fmt.Errorf("%w：无法读取 %s：%v", ErrHostile, entity, err)
	}
	if n > lim.MaxRows {
		return 0, fmt.Errorf("%w：%s 有 %d 行，超过上限 %d", ErrTooLarge, entity, n, lim.MaxRows)
	}
	var tooBig []string
	for _, c := range formatColumns(format, entity) {
		if c.Kind == store.Text {
			max := lim.MaxText
			if entity == "templates" && c.Name == "body" {
				max = lim.MaxTemplate
			}
			tooBig = append(tooBig, fmt.Sprintf("octet_length(%s) > %d", c.Name, max))
		}
	}
	tooBig = append(tooBig, fmt.Sprintf("octet_length(clock) > %d", lim.MaxText))
	var big string
	err := db.QueryRowContext(ctx, `SELECT id FROM `+entity+` WHERE `+strings.Join(tooBig, " OR ")+` LIMIT 1`).Scan(&big)
	if err == nil {
		return 0, fmt.Errorf("%w：%s 中的记录 %.40q 有超长字段", ErrTooLarge, entity, big)
	} else if err != sql.ErrNoRows {
		return 0, fmt.Errorf("%w：无法读取 %s：%v", ErrHostile, entity, err)
	}
	return n, nil
}

// rowOrderRowid is package_meta's row_order of a package whose tables'
// rowid order is readOrder's (every package written since it was
// introduced): each then reads in rowid order, without SQLite sorting
// the table, and refuses the package if a row is out of that order.
const rowOrderRowid = "rowid"

// compareReadOrder orders two rows of one entity as each yields them:
// answers by inspection, then id; the others by id.
func compareReadOrder(a, b store.Row) int {
	if a.Entity == "answers" {
		if c := strings.Compare(a.Str("inspection_id"), b.Str("inspection_id")); c != 0 {
			return c
		}
	}
	return strings.Compare(a.ID(), b.ID())
}

// each reads an entity's rows through named columns, one at a time:
// answers ordered by inspection (one inspection's answers together), the
// others by id.
func (c *contents) each(ctx context.Context, entity string, fn func(store.Row) error) error {
	var names, sel []string
	for _, col := range store.TravelColumns(entity) {
		names = append(names, col.Name)
		switch {
		case columnsAdded[entity+"."+col.Name] <= c.format:
			sel = append(sel, col.Name)
		case col.Nullable:
			sel = append(sel, "NULL") // a column added after this package's format
		case col.Kind == store.Text:
			sel = append(sel, "''")
		default:
			sel = append(sel, "0")
		}
	}
	order := "id"
	if entity == "answers" {
		order = "inspection_id, id"
	}
	byRowid := c.meta["row_order"] == rowOrderRowid
	if byRowid {
		order = "rowid" // the exporter's order, checked below
	}
	rows, err := c.db.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+`, clock, rowid FROM `+entity+` ORDER BY `+order)
	if err != nil {
		return fmt.Errorf("%w：无法读取 %s：%v", ErrHostile, entity, err)
	}
	defer rows.Close()
	vals := make([]any, len(names)+1)
	var src int64
	ptrs := make([]any, len(vals), len(vals)+1)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	ptrs = append(ptrs, &src)
	var prev store.Row // the row before, when the rows come in rowid order
	for rows.Next() {
		clear(vals)
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("%w：%s：%v", ErrHostile, entity, err)
		}
		norm, err := store.NormalizeRow(entity, vals[:len(names)])
		if err != nil {
			return fmt.Errorf("%w：%v", ErrHostile, err)
		}
		r := store.Row{Entity: entity, Values: norm, Src: src}
		clock, _ := vals[len(names)].(string)
		if r.Clock, err = store.ParseClock(clock); err != nil {
			return fmt.Errorf("%w：%s %.40q：%v", ErrHostile, entity, r.ID(), err)
		}
		if byRowid {
			if prev.Values != nil && compareReadOrder(prev, r) >= 0 {
				return fmt.Errorf("%w：%s的行未按数据包声明的顺序排列（%.40q）", ErrHostile, store.EntityLabel(entity), r.ID())
			}
			prev = r
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%w：%s：%v", ErrHostile, entity, err)
	}
	return nil
}

func checkPhotoTable(ctx context.Context, db *sql.DB, lim Limits) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM photos`).Scan(&n); err != nil {
		return 0, fmt.Errorf("%w：无法读取照片：%v", ErrHostile, err)
	}
	if n > lim.MaxRows {
		return 0, fmt.Errorf("%w：照片 %d 张，超过上限 %d", ErrTooLarge, n, lim.MaxRows)
	}
	var bad string
	err := db.QueryRowContext(ctx, `SELECT sha256 FROM photos WHERE octet_length(sha256) <> 64 OR octet_length(data) > ?
		OR octet_length(data) = 0 OR mime <> 'image/jpeg' OR width NOT BETWEEN 1 AND 20000 OR height NOT BETWEEN 1 AND 20000 LIMIT 1`,
		lim.MaxPhotoBytes).Scan(&bad)
	if err == nil {
		return 0, fmt.Errorf("%w：照片 %.64q 的大小、类型或尺寸不合规", ErrHostile, bad)
	} else if err != sql.ErrNoRows {
		return 0, fmt.Errorf("%w：无法读取照片：%v", ErrHostile, err)
	}
	return n, nil
}

// photos streams the package's photos (checked against their digest by
// the merge).
func (c *contents) photos(ctx context.Context) func(yield func(store.Photo) error) error {
	return func(yield func(store.Photo) error) error {
		rows, err := c.db.QueryContext(ctx, `SELECT sha256, mime, width, height, data FROM photos ORDER BY sha256`)
		if err != nil {
			return fmt.Errorf("%w：无法读取照片：%v", ErrHostile, err)
		}
		defer rows.Close()
		var data sql.RawBytes // valid until the next row: the merge stores it before asking for another
		for rows.Next() {
			var p store.Photo
			if err := rows.Scan(&p.SHA256, &p.Mime, &p.Width, &p.Height, &data); err != nil {
				return fmt.Errorf("%w：照片：%v", ErrHostile, err)
			}
			if !isHex64(p.SHA256) {
				return fmt.Errorf("%w：照片摘要 %.64q 不合法", ErrHostile, p.SHA256)
			}
			p.Data = data
			if err := yield(p); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}
