package store

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// TrustLevel is how this installation regards a package signer.
type TrustLevel int

// Trust levels.
const (
	TrustUnknown TrustLevel = iota // never enrolled: its packages are held
	Trusted                        // enrolled: its packages are merged
	TrustRevoked                   // enrolled, then revoked: its packages are refused
	TrustOwn                       // this installation itself
)

// String is the level's Chinese name.
func (t TrustLevel) String() string {
	switch t {
	case Trusted:
		return "受信"
	case TrustRevoked:
		return "已吊销"
	case TrustOwn:
		return "本机"
	}
	return "未登记"
}

// TrustedDevice is an enrolled device.
type TrustedDevice struct {
	ID          string
	Name        string
	PublicKey   ed25519.PublicKey
	Fingerprint string
	EnrolledAt  time.Time
	EnrolledBy  string
	RevokedAt   *time.Time
}

// DeviceTrust says whether packages signed by pub are merged.
func (db *DB) DeviceTrust(ctx context.Context, pub ed25519.PublicKey) (TrustLevel, error) {
	if pub.Equal(db.device.PublicKey) {
		return TrustOwn, nil
	}
	var key []byte
	var revoked sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT public_key, revoked_at FROM trusted_devices WHERE id = ?`, DeviceID(pub)).Scan(&key, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return TrustUnknown, nil
	case err != nil:
		return TrustUnknown, err
	case !pub.Equal(ed25519.PublicKey(key)):
		return TrustUnknown, nil
	case revoked.Valid:
		return TrustRevoked, nil
	}
	return Trusted, nil
}

// TrustDevice enrols a device by its public key (again, if it was
// revoked: enrolling is a deliberate act).
func (db *DB) TrustDevice(ctx context.Context, pub ed25519.PublicKey, name string) (TrustedDevice, error) {
	if len(pub) != ed25519.PublicKeySize {
		return TrustedDevice{}, fmt.Errorf("%w：设备公钥长度不对（应为 %d 字节）", inspection.ErrInvalid, ed25519.PublicKeySize)
	}
	if pub.Equal(db.device.PublicKey) {
		return TrustedDevice{}, fmt.Errorf("%w：这是本机自己的公钥，无需登记", inspection.ErrInvalid)
	}
	d := TrustedDevice{ID: DeviceID(pub), Name: strings.TrimSpace(name), PublicKey: pub, Fingerprint: Fingerprint(pub),
		EnrolledAt: db.now(), EnrolledBy: db.Actor()}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO trusted_devices(id, public_key, name, enrolled_at, enrolled_by) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET public_key = excluded.public_key, name = excluded.name, enrolled_at = excluded.enrolled_at,
			enrolled_by = excluded.enrolled_by, revoked_at = NULL`, d.ID, []byte(pub), d.Name, formatTime(d.EnrolledAt), d.EnrolledBy)
		return err
	})
	return d, err
}

// RevokeDevice stops trusting a device: its packages are refused from now
// on (what was merged before stays).
func (db *DB) RevokeDevice(ctx context.Context, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE trusted_devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, formatTime(db.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("受信设备 %s：%w（或已吊销）", id, inspection.ErrNotFound)
		}
		return nil
	})
}

// TrustedDevices lists enrolled devices, revoked ones included.
func (db *DB) TrustedDevices(ctx context.Context) ([]TrustedDevice, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, public_key, enrolled_at, enrolled_by, revoked_at FROM trusted_devices ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TrustedDevice
	for rows.Next() {
		var d TrustedDevice
		var key []byte
		var enrolled string
		var revoked sql.NullString
		if err := rows.Scan(&d.ID, &d.Name, &key, &enrolled, &d.EnrolledBy, &revoked); err != nil {
			return nil, err
		}
		d.PublicKey, d.Fingerprint, d.EnrolledAt = key, Fingerprint(key), parseTime(enrolled)
		if revoked.Valid {
			t := parseTime(revoked.String)
			d.RevokedAt = &t
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AgeIdentity is one of the office's decryption keys.
type AgeIdentity struct {
	Recipient string // age1…, handed to inspectors
	Identity  string // AGE-SECRET-KEY-1…, never leaves the data file
	CreatedAt time.Time
}

// AgeIdentities lists the office's decryption keys, newest first.
func (db *DB) AgeIdentities(ctx context.Context) ([]AgeIdentity, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT recipient, identity, created_at FROM age_identities ORDER BY created_at DESC, recipient`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AgeIdentity
	for rows.Next() {
		var a AgeIdentity
		var created string
		if err := rows.Scan(&a.Recipient, &a.Identity, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = parseTime(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddAgeIdentity stores a decryption key made by the caller.
func (db *DB) AddAgeIdentity(ctx context.Context, recipient, identity string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO age_identities(recipient, identity, created_at) VALUES (?, ?, ?)`,
			recipient, identity, formatTime(db.now()))
		return err
	})
}
