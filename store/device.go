package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Device is this installation's identity: an ed25519 key pair made on
// first open and kept in the data file.
type Device struct {
	ID        string
	Name      string
	PublicKey ed25519.PublicKey
	CreatedAt time.Time
	private   ed25519.PrivateKey
}

// DeviceID derives a device id from a public key: the hex of the first 8
// bytes of its SHA-256, so an id cannot be claimed without the key.
func DeviceID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Fingerprint is the key's SHA-256 in groups of four hex digits, for a
// person to compare on two screens.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := strings.ToUpper(hex.EncodeToString(sum[:16]))
	var groups []string
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	return strings.Join(groups, " ")
}

// Sign signs data with the device key.
func (d Device) Sign(data []byte) []byte { return ed25519.Sign(d.private, data) }

// Device is this installation's identity.
func (db *DB) Device() Device { return db.device }

func (db *DB) loadDevice(ctx context.Context, name string) error {
	var d Device
	var created string
	var pub, priv []byte
	err := db.write.QueryRowContext(ctx, `SELECT id, name, public_key, private_key, created_at FROM device LIMIT 1`).
		Scan(&d.ID, &d.Name, &pub, &priv, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return db.createDevice(ctx, name)
	}
	if err != nil {
		return fmt.Errorf("无法读取本机密钥：%w", err)
	}
	if len(pub) != ed25519.PublicKeySize || len(priv) != ed25519.PrivateKeySize || DeviceID(pub) != d.ID {
		return fmt.Errorf("本机密钥已损坏（%s）", db.path)
	}
	d.PublicKey, d.private, d.CreatedAt = pub, priv, parseTime(created)
	db.device = d
	return nil
}

func (db *DB) createDevice(ctx context.Context, name string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	if name == "" {
		name, _ = os.Hostname()
	}
	d := Device{ID: DeviceID(pub), Name: name, PublicKey: pub, private: priv, CreatedAt: db.now()}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO device(id, name, public_key, private_key, created_at) VALUES (?, ?, ?, ?, ?)`,
			d.ID, d.Name, []byte(pub), []byte(priv), formatTime(d.CreatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("无法创建本机密钥：%w", err)
	}
	db.device = d
	return nil
}
