package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
)

// jy_sha256(blob) is the lowercase hex SHA-256 of a BLOB (NULL for
// anything else), registered on every connection this program opens: the
// merge checks a package's photos against their digest with it while
// SQLite copies them (copyPhotos). The argument is read in place (no copy
// of the photo into Go memory) and not kept.
func init() {
	sqlite.MustRegisterFunction("jy_sha256", &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		VolatileArgs:  true,
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			b, ok := args[0].([]byte)
			if !ok {
				return nil, nil
			}
			sum := sha256.Sum256(b)
			return hex.EncodeToString(sum[:]), nil
		},
	})
}

// inTxAttached is inTx with the package's database at path attached, read
// only, as "pkg" for the transaction (ATTACH cannot run inside one), on
// the writer connection, which is held until it is detached again; if it
// cannot be detached the connection is dropped, so no later transaction
// ever sees the package.
func (db *DB) inTxAttached(ctx context.Context, path string, fn func(tx *sql.Tx) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("无法开始写入：%w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS pkg`, strings.TrimSuffix(dsn(path), "?")+"?mode=ro&immutable=1"); err != nil {
		return fmt.Errorf("无法读取数据包：%w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), `DETACH DATABASE pkg`); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return commitTx(ctx, conn, fn)
}

// copyPhotos stores the package's photos (Package.DBFile, attached as
// "pkg") with one INSERT … SELECT, in digest order as mergePhotos does:
// a photo whose bytes do not hash to its digest gets no data, which the
// photos table refuses (data NOT NULL, checked before the conflict on the
// digest, so a photo already here is checked too), and the merge is then
// refused naming the first such photo, as mergePhotos does. Photos already
// here are left as they are.
func (m *merger) copyPhotos() error {
	if m.pkg.PhotosChecked != nil {
		return m.copyCheckedPhotos()
	}
	res, err := m.tx.ExecContext(m.ctx, `INSERT INTO main.photos(sha256, mime, width, height, data, created_at)
		SELECT sha256, mime, width, height, CASE WHEN jy_sha256(data) = sha256 THEN data END, ? FROM pkg.photos
		WHERE true ORDER BY sha256 ON CONFLICT(sha256) DO NOTHING`, formatTime(m.ch.at))
	if err != nil {
		var bad string
		switch qerr := m.tx.QueryRowContext(m.ctx, `SELECT sha256 FROM pkg.photos WHERE jy_sha256(data) IS NOT sha256
			ORDER BY sha256 LIMIT 1`).Scan(&bad); {
		case qerr == nil:
			return PhotoMismatch(bad)
		case !errors.Is(qerr, sql.ErrNoRows):
			return fmt.Errorf("无法保存照片：%w", errors.Join(err, qerr))
		}
		return fmt.Errorf("无法保存照片：%w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	m.counts.Photos += int(n)
	if len(m.photoRefs) > 0 { // the package's photos are here now: no need to look for them
		rows, err := m.tx.QueryContext(m.ctx, `SELECT sha256 FROM pkg.photos`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var sha string
		for rows.Next() {
			if err := rows.Scan(&sha); err != nil {
				return err
			}
			delete(m.photoRefs, sha)
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	m.done += m.pkg.PhotoCount
	if m.progress != nil {
		m.progress(m.done, m.total)
	}
	return nil
}

// copyCheckedPhotos is copyPhotos for photos the caller has hashed
// (Package.PhotosChecked, on a goroutine of its own while the rows were
// merged): the same rows are stored, in the package's order, and the
// digests it returned are struck off the photos to look for.
func (m *merger) copyCheckedPhotos() error {
	digests, err := m.pkg.PhotosChecked()
	if err != nil {
		return err
	}
	res, err := m.tx.ExecContext(m.ctx, `INSERT INTO main.photos(sha256, mime, width, height, data, created_at)
		SELECT sha256, mime, width, height, data, ? FROM pkg.photos WHERE true ON CONFLICT(sha256) DO NOTHING`, formatTime(m.ch.at))
	if err != nil {
		return fmt.Errorf("无法保存照片：%w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	m.counts.Photos += int(n)
	for _, d := range digests {
		delete(m.photoRefs, d)
	}
	m.done += m.pkg.PhotoCount
	if m.progress != nil {
		m.progress(m.done, m.total)
	}
	return nil
}

// PhotoMismatch is the error for a package's photos when some do not hash
// to their digest: bad is the first of them in digest order (copyPhotos
// names the same one).
func PhotoMismatch(bad string) error {
	if !isHexDigest(bad) {
		return fmt.Errorf("照片摘要 %.64q 不合法", bad)
	}
	return fmt.Errorf("照片 %s 的内容与其摘要不符", bad)
}

// isHexDigest reports whether s is a SHA-256 digest as photos are keyed:
// 64 lowercase hex digits.
func isHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
