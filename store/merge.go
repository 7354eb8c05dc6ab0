package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"modernc.org/sqlite"
)

// Sentinel errors of merging a package.
var (
	// ErrDuplicatePackage: the package (same id or same content) was
	// imported before; nothing was changed.
	ErrDuplicatePackage = errors.New("数据包已导入过")
	// ErrFinalizedClash: a package carries a finalized inspection whose
	// content differs from a finalized version of it held here.
	ErrFinalizedClash = errors.New("签字定稿的检查记录不能被另一份内容不同的定稿覆盖")
	// ErrMissingReference: a row refers to a record or photo that is
	// neither in the package nor here.
	ErrMissingReference = errors.New("数据包缺少引用的记录")
	// ErrDiskFull: the disk (or the file's size limit) is full; the
	// transaction was rolled back.
	ErrDiskFull = errors.New("磁盘空间不足")
)

const actionResolve = "resolve"

// Photo is a content-addressed photo as it travels.
type Photo struct {
	SHA256 string
	Mime   string
	Width  int
	Height int
	Data   []byte
}

// Package is a verified package ready to merge: what it is, who signed it,
// its rows (each checked by the caller) and its photos, both read one at a
// time so a package of any size is merged in bounded memory.
type Package struct {
	ID         string
	Digest     string // SHA-256 of the signed content
	FileName   string
	SignerID   string
	SignerName string
	CreatedAt  time.Time
	Backup     string // the backup taken before the import, recorded with it
	// Rows streams the rows of one entity: answers ordered by inspection
	// (the answers of one inspection together), the others by id. It is
	// called once per entity, in Entities order.
	Rows       func(entity string, yield func(Row) error) error
	RowCount   int // for progress
	PhotoCount int
	// Photos streams the photos; a Photo's Data may be reused once yield
	// returns (the merge stores it before).
	Photos func(yield func(Photo) error) error
	// DBFile, when set, is the package's database (checked, private to
	// this import, not written by anyone; its rows are what Rows yields),
	// attached to the merge's transaction: the merge then copies the
	// photos from its photos table inside SQLite, each checked against its
	// digest there (see copyPhotos), and Photos is not used; and it copies
	// runs of answers new here instead of binding their values (copyChunk).
	DBFile string
	// PhotosChecked, when set with DBFile, waits until the caller has
	// hashed every photo of DBFile and returns their digests, or the error
	// naming the first photo (in digest order) whose bytes do not hash to
	// its digest; the merge then copies the photos without hashing them
	// again (copyPhotos).
	PhotosChecked func() (digests []string, err error)
}

// MergeCounts is what a merge did, per row.
type MergeCounts struct {
	New       int // rows that did not exist here
	Updated   int // rows replaced by a newer or winning version
	Duplicate int // rows already known (same or included version)
	Conflicts int // concurrent versions newly kept for a person to resolve
	Photos    int // photos stored (not already here)
	// PickProblems lists what breaks the pick limits (PickProblems) after
	// the merge and did not before it: picks that arrive are kept (each
	// was legal where it was made, and withdrawing one is a person's
	// decision), but never silently.
	PickProblems []string
}

// Progress reports how far a long operation is.
type Progress func(done, total int)

// ImportRecord is one row of the import history.
type ImportRecord struct {
	PackageID  string
	Digest     string
	FileName   string
	SignerID   string
	SignerName string
	CreatedAt  time.Time
	ImportedAt time.Time
	ImportedBy string
	Counts     MergeCounts
	Backup     string
}

// FindImport looks up an earlier import of a package by id or digest.
func (db *DB) FindImport(ctx context.Context, packageID, digest string) (ImportRecord, bool, error) {
	recs, err := db.queryImports(ctx, `WHERE package_id = ? OR digest = ?`, packageID, digest)
	if err != nil || len(recs) == 0 {
		return ImportRecord{}, false, err
	}
	return recs[0], true, nil
}

// Imports lists the import history, newest first.
func (db *DB) Imports(ctx context.Context) ([]ImportRecord, error) {
	return db.queryImports(ctx, ``)
}

func (db *DB) queryImports(ctx context.Context, where string, args ...any) ([]ImportRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT package_id, digest, file_name, signer_id, signer_name, created_at, imported_at,
		imported_by, new_rows, updated, duplicate, conflicts, photos, backup FROM imports `+where+` ORDER BY imported_at DESC, package_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportRecord
	for rows.Next() {
		var r ImportRecord
		var created, imported string
		if err := rows.Scan(&r.PackageID, &r.Digest, &r.FileName, &r.SignerID, &r.SignerName, &created, &imported, &r.ImportedBy,
			&r.Counts.New, &r.Counts.Updated, &r.Counts.Duplicate, &r.Counts.Conflicts, &r.Counts.Photos, &r.Backup); err != nil {
			return nil, err
		}
		r.CreatedAt, r.ImportedAt = parseTime(created), parseTime(imported)
		out = append(out, r)
	}
	return out, rows.Err()
}

// BackupCopiesKept is how many import backups are kept in backups/.
const BackupCopiesKept = 5

// Backup writes a consistent copy of the data file (VACUUM INTO) to the
// backups folder next to it, named with the time and the reason, and
// removes the oldest copies made for the same reason beyond
// BackupCopiesKept. It returns the copy's path.
func (db *DB) Backup(ctx context.Context, reason string) (string, error) {
	dir := filepath.Join(filepath.Dir(db.path), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("无法创建备份文件夹 %s：%w", dir, err)
	}
	base := strings.TrimSuffix(filepath.Base(db.path), filepath.Ext(db.path))
	stamp := db.now().Format("20060102-150405.000")
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.db", base, stamp, reason))
	for i := 2; fileExists(path); i++ {
		path = filepath.Join(dir, fmt.Sprintf("%s-%s-%s-%d.db", base, stamp, reason, i))
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("导入前备份数据文件失败（%s）：%w", path, diskFull(err))
	}
	if err := verifyBackup(ctx, path); err != nil { // store/backup.go
		os.Remove(path)
		return "", fmt.Errorf("导入前备份数据文件失败：%w", err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, base+"-*-"+reason+"*.db"))
	sort.Strings(old)
	for len(old) > BackupCopiesKept {
		os.Remove(old[0])
		old = old[1:]
	}
	return path, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// LimitPages caps the data file at n pages (PRAGMA max_page_count) on the
// writer connection. Tests use it to simulate a full disk.
func (db *DB) LimitPages(ctx context.Context, n int) error {
	_, err := db.write.ExecContext(ctx, `PRAGMA max_page_count = `+itoa(n))
	return err
}

// diskFull marks SQLite's "database or disk is full" as ErrDiskFull.
func diskFull(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == 13 {
		return fmt.Errorf("%w：%w", ErrDiskFull, err)
	}
	return err
}

// MergePackage merges a verified package into the data file in one
// transaction: every row by the merge rule (see docs/EXCHANGE.md), the
// photos, an audit entry per changed row, the scores of the inspections
// it touched and an imports row. On any error nothing is changed.
func (db *DB) MergePackage(ctx context.Context, p Package, progress Progress) (MergeCounts, error) {
	if rec, ok, err := db.FindImport(ctx, p.ID, p.Digest); err != nil {
		return MergeCounts{}, err
	} else if ok {
		return rec.Counts, fmt.Errorf("%w（%s 导入）", ErrDuplicatePackage, rec.ImportedAt.Format("2006-01-02 15:04"))
	}
	m := &merger{db: db, ctx: ctx, pkg: &p, progress: progress, total: p.RowCount + p.PhotoCount}
	run := func(tx *sql.Tx) error {
		m.tx = tx
		m.ch = &change{tx: tx, at: db.now(), device: db.device.ID, actor: db.Actor()}
		defer m.closeStmts()
		return m.run()
	}
	var err error
	if p.DBFile != "" {
		err = db.inTxAttached(ctx, p.DBFile, run)
	} else {
		err = db.inTx(ctx, run)
	}
	if err != nil {
		return MergeCounts{}, diskFull(err)
	}
	db.ObserveVersion(m.maxVersion)
	db.tplMu.Lock()
	for id := range m.templatesTouched {
		delete(db.templates, id)
	}
	db.tplMu.Unlock()
	return m.counts, nil
}

// merger is the state of one MergePackage transaction.
type merger struct {
	db       *DB
	ctx      context.Context
	tx       *sql.Tx
	ch       *change
	pkg      *Package
	progress Progress
	done     int
	total    int

	prevHash         string
	openConflicts    map[string]bool // entity \x00 id
	stmts            map[string]*sql.Stmt
	counts           MergeCounts
	maxVersion       string
	rescore          map[string]bool // inspection ids
	templatesTouched map[string]bool
	templates        map[string]*inspection.Template
	photoRefs        map[string]bool
	scored           map[string]bool              // inspections new here, scored from the answers as they arrived
	batchBuf         []byte                       // renderBatch's buffer, reused chunk after chunk
	copyCols         map[string]bool              // per entity: whether the attached package's table has every travelling column (copyChunk)
	scoreAnswers     map[string]inspection.Answer // scoreFrom's, reused
}

func (m *merger) run() error {
	ctx, tx := m.ctx, m.tx
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return err
	}
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&m.prevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	m.stmts, m.rescore, m.templatesTouched = map[string]*sql.Stmt{}, map[string]bool{}, map[string]bool{}
	m.templates, m.photoRefs = map[string]*inspection.Template{}, map[string]bool{}
	m.scored = map[string]bool{}
	if err := m.loadOpenConflicts(); err != nil {
		return err
	}
	sameTemplate := func(a, b Row) bool { return a.Str("body") == b.Str("body") }
	for _, e := range []string{"communities", "templates"} {
		rows, err := m.load(e)
		if err != nil {
			return err
		}
		same := sameTemplate
		if e != "templates" {
			same = nil
		}
		if err := m.mergeAll(rows, same); err != nil {
			return err
		}
	}
	inspections, err := m.load("inspections")
	if err != nil {
		return err
	}
	if err := m.mergeInspections(inspections); err != nil {
		return err
	}
	picksBefore, err := pickProblems(ctx, tx)
	if err != nil {
		return err
	}
	for _, e := range []string{"corrective_actions", "liaisons", "picks", "assignments"} {
		if err := m.mergeStream(e); err != nil {
			return err
		}
	}
	picksAfter, err := pickProblems(ctx, tx)
	if err != nil {
		return err
	}
	for _, p := range picksAfter {
		if !slices.Contains(picksBefore, p) {
			m.counts.PickProblems = append(m.counts.PickProblems, p)
		}
	}
	if err := m.mergePhotos(); err != nil {
		return err
	}
	if err := m.checkPhotoRefs(); err != nil {
		return err
	}
	var ids []string
	for _, id := range sortedKeys(m.rescore) {
		if !m.scored[id] {
			ids = append(ids, id)
		}
	}
	for start := 0; start < len(ids); start += rescoreChunk {
		if err := m.rescoreInspections(ids[start:min(start+rescoreChunk, len(ids))]); err != nil {
			return err
		}
	}
	if err := m.observeClock(); err != nil {
		return err
	}
	return m.recordImport()
}

// observe notes what every incoming row brings to the whole merge: the
// highest version (for the clock) and the photos it uses.
func (m *merger) observe(r Row) {
	for _, v := range r.Clock { // the versions of r.Clock.With(r.Version())
		if v > m.maxVersion {
			m.maxVersion = v
		}
	}
	if v := r.Version(); v > m.maxVersion && VersionDevice(v) != "" {
		m.maxVersion = v
	}
	for _, sha := range PhotoRefs(r) {
		m.photoRefs[sha] = true
	}
}

// load reads all rows of a small entity (communities, templates,
// inspections).
func (m *merger) load(entity string) ([]Row, error) {
	var out []Row
	err := m.pkg.Rows(entity, func(r Row) error {
		if r.Entity != entity {
			return fmt.Errorf("数据包行来源错误：%s 中出现 %s", entity, r.Entity)
		}
		m.observe(r)
		out = append(out, r)
		return nil
	})
	return out, err
}

// mergeStream merges an entity's rows in chunks as they are read.
func (m *merger) mergeStream(entity string) error {
	chunk := make([]Row, 0, streamChunk)
	err := m.pkg.Rows(entity, func(r Row) error {
		if r.Entity != entity {
			return fmt.Errorf("数据包行来源错误：%s 中出现 %s", entity, r.Entity)
		}
		m.observe(r)
		chunk = append(chunk, r)
		if len(chunk) == streamChunk {
			err := m.mergeAll(chunk, nil)
			chunk = chunk[:0]
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return m.mergeAll(chunk, nil)
}

func (m *merger) mergeAll(rows []Row, same func(a, b Row) bool) error {
	if len(rows) == 0 {
		return nil
	}
	entity := rows[0].Entity
	fresh, rows, err := m.partitionNew(entity, rows)
	if err != nil {
		return err
	}
	if err := m.insertNew(entity, fresh); err != nil {
		return err
	}
	for i := range rows {
		if err := m.mergeRow(rows[i].Entity, rows[i].ID(), &rows[i], pin{}, same); err != nil {
			return err
		}
	}
	return nil
}

func (m *merger) step() {
	m.done++
	if m.progress != nil && (m.done%250 == 0 || m.done == m.total) {
		m.progress(m.done, m.total)
	}
}

func (m *merger) stmt(key, query string) (*sql.Stmt, error) {
	if s, ok := m.stmts[key]; ok {
		return s, nil
	}
	s, err := m.tx.PrepareContext(m.ctx, query)
	if err != nil {
		return nil, err
	}
	m.stmts[key] = s
	return s, nil
}

func (m *merger) closeStmts() {
	for _, s := range m.stmts {
		s.Close()
	}
}

func (m *merger) loadOpenConflicts() error {
	m.openConflicts = map[string]bool{}
	rows, err := m.tx.QueryContext(m.ctx, `SELECT entity, entity_id FROM conflicts WHERE resolved_at IS NULL`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e, id string
		if err := rows.Scan(&e, &id); err != nil {
			return err
		}
		m.openConflicts[e+"\x00"+id] = true
	}
	return rows.Err()
}

// mergeInspections merges inspection rows, then the answers inspection by
// inspection as they are read: the answers of a finalized inspection are
// exactly those it was signed with; any other version of them is kept as
// a conflict.
func (m *merger) mergeInspections(inspections []Row) error {
	inPackage := map[string]bool{}
	finalizedBefore := map[string]bool{}
	for _, r := range inspections {
		inPackage[r.ID()] = true
		st, _, err := m.inspectionStatus(r.ID())
		if err != nil {
			return err
		}
		finalizedBefore[r.ID()] = st == string(inspection.Finalized)
	}
	fresh, inspections, err := m.partitionNew("inspections", inspections)
	if err != nil {
		return err
	}
	if err := m.insertNew("inspections", fresh); err != nil {
		return err
	}
	// An inspection new here has no local answers (nor conflicts on them):
	// its answers are all new.
	newHere := map[string]Row{}
	for _, r := range fresh {
		newHere[r.ID()] = r
	}
	for i := range inspections {
		if err := m.mergeInspectionRow(inspections[i]); err != nil {
			return err
		}
	}
	var freshAnswers []Row
	done := map[string]bool{}
	answersOf := func(id string, answers []Row) error {
		if done[id] {
			return fmt.Errorf("数据包中检查记录 %s 的答案未按检查记录排列", id)
		}
		done[id] = true
		var st string
		var err error
		insp, allNew := newHere[id]
		if allNew {
			st = insp.Str("status") // as just inserted
		} else if st, _, err = m.inspectionStatus(id); err != nil {
			return err
		}
		before, ok := finalizedBefore[id]
		if !ok { // not in the package: its status is as it was
			before = st == string(inspection.Finalized)
		}
		for i := 0; allNew && i < len(answers); i++ {
			allNew = !m.openConflicts["answers\x00"+answers[i].ID()]
		}
		switch {
		case st == "":
			return fmt.Errorf("%w：检查项答案所属的检查记录 %s 不存在", ErrMissingReference, id)
		case allNew:
			freshAnswers = append(freshAnswers, answers...)
			err = m.scoreFrom(insp, answers)
		case st == string(inspection.Finalized) && before:
			err = m.mergeFinalizedAnswers(id, answers, true)
		default:
			// New answers are inserted in bulk; for an inspection
			// finalized by this package its answers are the target, and
			// the local ones it lacks go.
			var fresh, rest []Row
			if fresh, rest, err = m.partitionNew("answers", answers); err != nil {
				return err
			}
			freshAnswers = append(freshAnswers, fresh...)
			if st == string(inspection.Finalized) {
				err = m.mergeFinalizedAnswers(id, rest, false)
			} else {
				err = m.mergeAll(rest, nil)
			}
		}
		if err != nil {
			return err
		}
		if len(freshAnswers) >= insertRows {
			err = m.insertNew("answers", freshAnswers)
			freshAnswers = freshAnswers[:0]
		}
		return err
	}
	var cur string
	var group []Row
	err = m.pkg.Rows("answers", func(r Row) error {
		if r.Entity != "answers" {
			return fmt.Errorf("数据包行来源错误：answers 中出现 %s", r.Entity)
		}
		m.observe(r)
		if id := r.Str("inspection_id"); id != cur {
			if group != nil {
				if err := answersOf(cur, group); err != nil {
					return err
				}
			}
			cur, group = id, group[:0]
		}
		group = append(group, r)
		return nil
	})
	if err != nil {
		return err
	}
	if len(group) > 0 {
		if err := answersOf(cur, group); err != nil {
			return err
		}
	}
	for _, id := range sortedKeys(inPackage) {
		if !done[id] {
			if err := answersOf(id, nil); err != nil {
				return err
			}
		}
	}
	return m.insertNew("answers", freshAnswers)
}

func (m *merger) inspectionStatus(id string) (status, version string, err error) {
	s, err := m.stmt("status", `SELECT status, version FROM inspections WHERE id = ?`)
	if err != nil {
		return "", "", err
	}
	err = s.QueryRowContext(m.ctx, id).Scan(&status, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	return status, version, err
}

// mergeInspectionRow merges one inspection row. A finalized version wins
// over any draft; two finalized versions must have the same content.
func (m *merger) mergeInspectionRow(in Row) error {
	cur, losers, err := m.existing("inspections", in.ID())
	if err != nil {
		return err
	}
	all := append(append([]head{}, losers...), head{row: in})
	if cur != nil {
		all = append(all, *cur)
	}
	var p pin
	digest := ""
	for _, h := range all {
		if h.row.Str("status") != string(inspection.Finalized) {
			continue
		}
		d := h.row.Str("content_digest")
		if digest != "" && d != digest {
			return fmt.Errorf("%w：检查记录 %s（定稿摘要 %.12s… 与 %.12s…）", ErrFinalizedClash, in.ID(), digest, d)
		}
		digest = d
		if !p.set || h.version() > p.version {
			p = pin{set: true, version: h.version()}
		}
	}
	same := func(a, b Row) bool {
		return a.Str("status") == string(inspection.Finalized) && b.Str("status") == a.Str("status") &&
			a.Str("content_digest") == b.Str("content_digest")
	}
	return m.mergeRow("inspections", in.ID(), &in, p, same)
}

// mergeFinalizedAnswers makes the answers of finalized inspection id those
// it was signed with: the local ones when it was finalized here before,
// else the package's (which the caller checked against the content
// digest).
func (m *merger) mergeFinalizedAnswers(id string, incoming []Row, finalizedBefore bool) error {
	local, err := m.localAnswers(id)
	if err != nil {
		return err
	}
	target := map[string]string{} // answer id -> version it must have
	byID := map[string]*Row{}
	for i := range incoming {
		byID[incoming[i].ID()] = &incoming[i]
	}
	if finalizedBefore {
		for aid, v := range local {
			target[aid] = v
		}
	} else {
		for aid, r := range byID {
			target[aid] = r.Version()
		}
	}
	ids := map[string]bool{}
	for aid := range local {
		ids[aid] = true
	}
	for aid := range byID {
		ids[aid] = true
	}
	for _, aid := range sortedKeys(ids) {
		if byID[aid] == nil && local[aid] == target[aid] && !m.openConflicts["answers\x00"+aid] {
			continue // unchanged and nothing to reconsider
		}
		if err := m.mergeRow("answers", aid, byID[aid], pin{set: true, version: target[aid]}, nil); err != nil {
			return err
		}
	}
	return nil
}

func (m *merger) localAnswers(inspectionID string) (map[string]string, error) {
	rows, err := m.tx.QueryContext(m.ctx, `SELECT id, version FROM answers WHERE inspection_id = ?`, inspectionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// existing loads the current row of a record and its open conflicts.
func (m *merger) existing(entity, id string) (*head, []head, error) {
	cur, err := m.current(entity, id)
	if err != nil {
		return nil, nil, err
	}
	var losers []head
	if m.openConflicts[entity+"\x00"+id] {
		if losers, err = openLosers(m.ctx, m.tx, entity, id); err != nil {
			return nil, nil, err
		}
	}
	return cur, losers, nil
}

func (m *merger) current(entity, id string) (*head, error) {
	s, err := m.stmt("cur:"+entity, `SELECT `+strings.Join(columnNames(entity), ", ")+`,
		(SELECT clock FROM row_clocks WHERE entity = '`+entity+`' AND entity_id = ?1) FROM `+entity+` WHERE id = ?1`)
	if err != nil {
		return nil, err
	}
	return scanCurrent(s.QueryRowContext(m.ctx, id), entity)
}

func scanCurrent(row *sql.Row, entity string) (*head, error) {
	n := len(travelling[entity])
	vals := make([]any, n+1)
	ptrs := make([]any, n+1)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := row.Scan(ptrs...); errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	norm, err := NormalizeRow(entity, vals[:n])
	if err != nil {
		return nil, fmt.Errorf("本地记录损坏：%w", err)
	}
	r := Row{Entity: entity, Values: norm, Clock: Clock{}}
	if s, ok := vals[n].(string); ok {
		if r.Clock, err = ParseClock(s); err != nil {
			return nil, err
		}
	}
	return &head{row: r, clock: r.Clock.With(r.Version()), current: true}, nil
}

func openLosers(ctx context.Context, q querier, entity, id string) ([]head, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, row, clock FROM conflicts WHERE entity = ? AND entity_id = ? AND resolved_at IS NULL
		ORDER BY version`, entity, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []head
	for rows.Next() {
		var cid, js, clock string
		if err := rows.Scan(&cid, &js, &clock); err != nil {
			return nil, err
		}
		r, err := rowFromJSON(entity, js)
		if err != nil {
			return nil, fmt.Errorf("冲突记录 %s 损坏：%w", cid, err)
		}
		if r.Clock, err = ParseClock(clock); err != nil {
			return nil, err
		}
		out = append(out, head{row: r, clock: r.Clock.With(r.Version()), conflictID: cid})
	}
	return out, rows.Err()
}

// conflictID is the same for the same losing version everywhere.
var conflictNamespace = uuid.MustParse("0b6c3f7e-2d7a-4f3b-8a51-6c9e1d2f4a70")

func conflictID(entity, id, version string) string {
	return uuid.NewSHA1(conflictNamespace, []byte(entity+"\x00"+id+"\x00"+version)).String()
}

// mergeRow merges one record: incoming (nil when only a pin changed)
// against the current row and the open conflicts, then writes the winner,
// the new conflicts and the superseded ones.
func (m *merger) mergeRow(entity, id string, incoming *Row, p pin, same func(a, b Row) bool) error {
	if incoming != nil {
		defer m.step()
	}
	cur, losers, err := m.existing(entity, id)
	if err != nil {
		return err
	}
	existing := losers
	if cur != nil {
		existing = append([]head{*cur}, losers...)
	}
	var in *head
	if incoming != nil {
		in = &head{row: *incoming, clock: incoming.Clock.With(incoming.Version())}
	}
	out := resolve(existing, in, p, same)

	curVersion, winVersion := "", ""
	if cur != nil {
		curVersion = cur.version()
	}
	if out.winner != nil {
		winVersion = out.winner.version()
	}
	changed := winVersion != curVersion
	if changed {
		if err := m.writeWinner(entity, id, cur, out.winner); err != nil {
			return err
		}
	}
	recorded, err := m.syncConflicts(entity, id, losers, out)
	if err != nil {
		return err
	}
	switch {
	case changed && cur == nil:
		m.counts.New++
	case changed:
		m.counts.Updated++
	case incoming != nil && !recorded[incoming.Version()]:
		m.counts.Duplicate++
	}
	return nil
}

// syncConflicts makes the open conflicts of a record its losing heads: new
// losers are recorded (once: the id is derived from the version), open
// ones that are no longer heads are closed as superseded, or removed when
// they won.
func (m *merger) syncConflicts(entity, id string, before []head, out outcome) (map[string]bool, error) {
	want := map[string]head{}
	for _, l := range out.losers {
		want[l.version()] = l
	}
	recorded := map[string]bool{}
	for _, h := range before {
		if _, still := want[h.version()]; still {
			delete(want, h.version())
			continue
		}
		var err error
		if out.winner != nil && out.winner.version() == h.version() {
			_, err = m.tx.ExecContext(m.ctx, `DELETE FROM conflicts WHERE id = ?`, h.conflictID)
		} else {
			_, err = m.tx.ExecContext(m.ctx, `UPDATE conflicts SET resolved_at = ?, resolution = 'superseded', resolved_by = ?
				WHERE id = ?`, formatTime(m.ch.at), "自动（已被较新版本包含）", h.conflictID)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, v := range sortedKeys(want) {
		l := want[v]
		res, err := m.tx.ExecContext(m.ctx, `INSERT INTO conflicts(id, entity, entity_id, version, row, clock, detected_at, package_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			conflictID(entity, id, v), entity, id, v, l.row.JSON(), l.clock.String(), formatTime(m.ch.at), m.pkg.ID)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			recorded[v] = true
			m.counts.Conflicts++
			m.openConflicts[entity+"\x00"+id] = true
		}
	}
	return recorded, nil
}

// writeWinner stores the winning row (or deletes the row when the winner
// is "no row"), its clock, and the audit entry.
func (m *merger) writeWinner(entity, id string, cur, winner *head) error {
	old := ""
	if cur != nil {
		var err error
		if old, err = m.snapshot(entity, id); err != nil {
			return err
		}
	}
	if winner == nil {
		if _, err := m.tx.ExecContext(m.ctx, `DELETE FROM `+entity+` WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := m.tx.ExecContext(m.ctx, `DELETE FROM row_clocks WHERE entity = ? AND entity_id = ?`, entity, id); err != nil {
			return err
		}
	} else if err := m.upsert(winner.row); err != nil {
		return err
	} else if err := m.saveClock(entity, id, winner); err != nil {
		return err
	}
	m.noteTouched(entity, id, cur, winner)
	return m.audit(entity, id, actionImport, old)
}

func (m *merger) noteTouched(entity, id string, cur, winner *head) {
	switch entity {
	case "inspections":
		m.rescore[id] = true
	case "answers":
		for _, h := range []*head{cur, winner} {
			if h != nil {
				m.rescore[h.row.Str("inspection_id")] = true
			}
		}
	case "templates":
		m.templatesTouched[id] = true
	}
}

func (m *merger) upsert(r Row) error {
	names := columnNames(r.Entity)
	args := append([]any{}, r.Values...)
	if r.Entity == "communities" {
		names = append(names, "initials")
		args = append(args, Initials(r.Str("name")))
	}
	s, err := m.stmt("upsert:"+r.Entity, upsertSQL(r.Entity, names))
	if err != nil {
		return err
	}
	if _, err := s.ExecContext(m.ctx, args...); err != nil {
		return fmt.Errorf("无法写入 %s %s：%w", r.Entity, r.ID(), err)
	}
	return nil
}

func upsertSQL(table string, names []string) string {
	var sets []string
	for _, n := range names[1:] {
		sets = append(sets, n+" = excluded."+n)
	}
	return `INSERT INTO ` + table + `(` + strings.Join(names, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(names)-1) +
		`) ON CONFLICT(id) DO UPDATE SET ` + strings.Join(sets, ", ")
}

// saveClock stores the row's version vector unless it holds only the
// row's own version.
func (m *merger) saveClock(entity, id string, h *head) error {
	if h.clock.onlyOwn(h.version()) {
		_, err := m.tx.ExecContext(m.ctx, `DELETE FROM row_clocks WHERE entity = ? AND entity_id = ?`, entity, id)
		return err
	}
	_, err := m.tx.ExecContext(m.ctx, `INSERT INTO row_clocks(entity, entity_id, clock) VALUES (?, ?, ?)
		ON CONFLICT(entity, entity_id) DO UPDATE SET clock = excluded.clock`, entity, id, h.clock.String())
	return err
}

func (m *merger) snapshot(entity, id string) (string, error) {
	s, err := m.stmt("snap:"+entity, `SELECT * FROM `+entity+` WHERE id = ?`)
	if err != nil {
		return "", err
	}
	rows, err := s.QueryContext(m.ctx, id)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	if !rows.Next() {
		return "", rows.Err()
	}
	js, err := rowJSON(rows)
	if err != nil {
		return "", err
	}
	return js, rows.Close()
}

// audit appends an entry as change.audit does (the row read back after
// the write), keeping the chain's last hash in memory.
func (m *merger) audit(entity, id, action, old string) error {
	newState, err := m.snapshot(entity, id)
	if err != nil {
		return err
	}
	return m.auditEntry(entity, id, action, old, newState)
}

func (m *merger) auditEntry(entity, id, action, old, newState string) error {
	at := formatTime(m.ch.at)
	h := auditHash(m.prevHash, at, m.ch.device, m.ch.actor, entity, id, action, old, newState)
	s, err := m.stmt("audit", `INSERT INTO audit_log(at, device_id, actor, entity, entity_id, action, old, new, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	if _, err := s.ExecContext(m.ctx, at, m.ch.device, m.ch.actor, entity, id, action, old, newState, m.prevHash, h); err != nil {
		return err
	}
	m.prevHash = h
	return nil
}

func (m *merger) mergePhotos() error {
	if m.pkg.DBFile != "" {
		return m.copyPhotos()
	}
	if m.pkg.Photos == nil {
		return nil
	}
	s, err := m.stmt("photo", `INSERT INTO photos(sha256, mime, width, height, data, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(sha256) DO NOTHING`)
	if err != nil {
		return err
	}
	return m.pkg.Photos(func(p Photo) error {
		defer m.step()
		sum := sha256.Sum256(p.Data)
		if hex.EncodeToString(sum[:]) != p.SHA256 {
			return fmt.Errorf("照片 %s 的内容与其摘要不符", p.SHA256)
		}
		res, err := s.ExecContext(m.ctx, p.SHA256, p.Mime, p.Width, p.Height, p.Data, formatTime(m.ch.at))
		if err != nil {
			return fmt.Errorf("无法保存照片 %s：%w", p.SHA256, err)
		}
		delete(m.photoRefs, p.SHA256) // here now: no need to look for it
		if n, _ := res.RowsAffected(); n > 0 {
			m.counts.Photos++
		}
		return nil
	})
}

// checkPhotoRefs refuses a package whose rows use a photo that is neither
// in it nor here (the package's own photos were struck off the list as
// they were stored).
func (m *merger) checkPhotoRefs() error {
	refs := m.photoRefs
	s, err := m.stmt("hasphoto", `SELECT COUNT(*) FROM photos WHERE sha256 = ?`)
	if err != nil {
		return err
	}
	for _, sha := range sortedKeys(refs) {
		var n int
		if err := s.QueryRowContext(m.ctx, sha).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w：照片 %.12s… 既不在数据包中，也不在本机（请让对方重新完整导出）", ErrMissingReference, sha)
		}
	}
	return nil
}

// PhotoRefs lists the photos a row uses: an answer's evidence photos, an
// inspection's drawn signatures.
func PhotoRefs(r Row) []string {
	switch r.Entity {
	case "answers":
		if r.Str("photos") == "[]" {
			return nil
		}
		if shas, ok := PlainStringList(r.Str("photos")); ok {
			return shas
		}
		var shas []string
		if jsonUnmarshal(r.Str("photos"), &shas) == nil {
			return shas
		}
	case "inspections":
		var sigs []inspection.Signature
		var out []string
		if jsonUnmarshal(r.Str("signatures"), &sigs) == nil {
			for _, s := range sigs {
				if s.ImageSHA != "" {
					out = append(out, s.ImageSHA)
				}
			}
		}
		return out
	}
	return nil
}

func (m *merger) template(id string, version int) (*inspection.Template, error) {
	rowID := templateRowID(id, version)
	if t, ok := m.templates[rowID]; ok {
		return t, nil
	}
	var body string
	err := m.tx.QueryRowContext(m.ctx, `SELECT body FROM templates WHERE id = ?`, rowID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w：检查模板 %s 第 %d 版", ErrMissingReference, id, version)
	}
	if err != nil {
		return nil, err
	}
	t, err := inspection.ParseTemplate([]byte(body))
	if err != nil {
		return nil, err
	}
	m.templates[rowID] = t
	return t, nil
}

// scoreFrom stores the score of inspection in (new here) from the answers
// the package brings, which are all it has: what rescoreInspections would
// compute after reading them back.
func (m *merger) scoreFrom(in Row, rows []Row) error {
	ver, _ := in.Get("template_version").(int64)
	tpl, err := m.template(in.Str("template_id"), int(ver))
	if err != nil {
		return err
	}
	if m.scoreAnswers == nil {
		m.scoreAnswers = make(map[string]inspection.Answer, len(rows))
	}
	answers := m.scoreAnswers // one map for every inspection: Score keeps nothing of it
	clear(answers)
	for _, r := range rows {
		a := inspection.Answer{InspectionID: r.Str("inspection_id"), ItemCode: r.Str("item_code"),
			Result: inspection.Result(r.Str("result")), Text: r.Str("text"), Note: r.Str("note")}
		if v, ok := r.Get("value").(float64); ok {
			a.Value = &v
		}
		if c := r.Str("choices"); c != "[]" {
			var ok bool
			if a.Choices, ok = PlainStringList(c); !ok {
				if err := json.Unmarshal([]byte(c), &a.Choices); err != nil {
					return fmt.Errorf("检查项 %s 的选项数据损坏：%w", a.ItemCode, err)
				}
			}
		}
		if p := r.Str("photos"); p != "[]" {
			var ok bool
			if a.Photos, ok = PlainStringList(p); !ok {
				if err := json.Unmarshal([]byte(p), &a.Photos); err != nil {
					return fmt.Errorf("检查项 %s 的照片数据损坏：%w", a.ItemCode, err)
				}
			}
		}
		answers[a.ItemCode] = a
	}
	if err := m.saveScore(in.ID(), inspection.Score(tpl, answers)); err != nil {
		return err
	}
	m.scored[in.ID()] = true
	return nil
}

func (m *merger) saveScore(id string, card inspection.ScoreCard) error {
	up, err := m.stmt("score", `INSERT INTO inspection_scores(inspection_id, score, defined, vetoes, judged, scorable)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(inspection_id) DO UPDATE SET score = excluded.score, defined = excluded.defined,
		vetoes = excluded.vetoes, judged = excluded.judged, scorable = excluded.scorable`)
	if err != nil {
		return err
	}
	_, err = up.ExecContext(m.ctx, id, card.Total, card.Defined, len(card.Vetoes), card.Judged, card.Scorable)
	return err
}

// rescoreChunk is how many inspections rescoreInspections reads at once.
const rescoreChunk = 200

// rescoreInspections recomputes the local score cache of inspections,
// reading their templates inside the transaction (one may have just
// arrived) and their answers in one query.
func (m *merger) rescoreInspections(ids []string) error {
	in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	type tplRef struct {
		id  string
		ver int
	}
	tpls := map[string]tplRef{}
	rows, err := m.tx.QueryContext(m.ctx, `SELECT id, template_id, template_version FROM inspections WHERE id IN `+in, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var t tplRef
		if err := rows.Scan(&id, &t.id, &t.ver); err != nil {
			rows.Close()
			return err
		}
		tpls[id] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	answers := map[string]map[string]inspection.Answer{}
	rows, err = m.tx.QueryContext(m.ctx, `SELECT `+answerCols+` FROM answers WHERE inspection_id IN `+in, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if answers[a.InspectionID] == nil {
			answers[a.InspectionID] = map[string]inspection.Answer{}
		}
		answers[a.InspectionID][a.ItemCode] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		t, ok := tpls[id]
		if !ok {
			return fmt.Errorf("%w：检查记录 %s", ErrMissingReference, id)
		}
		tpl, err := m.template(t.id, t.ver)
		if err != nil {
			return err
		}
		a := answers[id]
		if a == nil {
			a = map[string]inspection.Answer{}
		}
		if err := m.saveScore(id, inspection.Score(tpl, a)); err != nil {
			return err
		}
	}
	return nil
}

// observeClock persists the clock past every imported version, so local
// edits made after the import, even after a restart, order after them.
func (m *merger) observeClock() error {
	if m.maxVersion == "" {
		return nil
	}
	_, err := m.tx.ExecContext(m.ctx, `INSERT INTO settings(key, value) VALUES ('hlc_last', ?)
		ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)`, m.maxVersion)
	return err
}

func (m *merger) recordImport() error {
	p, c := m.pkg, m.counts
	_, err := m.tx.ExecContext(m.ctx, `INSERT INTO imports(package_id, digest, file_name, signer_id, signer_name, created_at,
		imported_at, imported_by, new_rows, updated, duplicate, conflicts, photos, backup) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Digest, p.FileName, p.SignerID, p.SignerName, formatTime(p.CreatedAt), formatTime(m.ch.at), m.ch.actor,
		c.New, c.Updated, c.Duplicate, c.Conflicts, c.Photos, p.Backup)
	return err
}
