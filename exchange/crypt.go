package exchange

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"filippo.io/age"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// OfficeRecipient returns the office's age recipient ("age1…"), making the
// office's key pair on first use. Inspectors pass it to Export (or
// `jiayuanctl export --to`) so that only this office can read their
// packages; the secret half stays in the data file.
func OfficeRecipient(ctx context.Context, db *store.DB) (string, error) {
	ids, err := db.AgeIdentities(ctx)
	if err != nil {
		return "", err
	}
	if len(ids) > 0 {
		return ids[0].Recipient, nil
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", err
	}
	r := id.Recipient().String()
	if err := db.AddAgeIdentity(ctx, r, id.String()); err != nil {
		return "", fmt.Errorf("无法保存本单位的解密密钥：%w", err)
	}
	return r, nil
}

// identities are the data file's decryption keys (none without a data
// file).
func identities(ctx context.Context, db *store.DB) ([]age.Identity, error) {
	if db == nil {
		return nil, nil
	}
	keys, err := db.AgeIdentities(ctx)
	if err != nil {
		return nil, err
	}
	var out []age.Identity
	for _, k := range keys {
		id, err := age.ParseX25519Identity(k.Identity)
		if err != nil {
			return nil, fmt.Errorf("本单位的解密密钥已损坏：%w", err)
		}
		out = append(out, id)
	}
	return out, nil
}

// ParseRecipient checks an office's recipient string.
func ParseRecipient(s string) (*age.X25519Recipient, error) {
	r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("加密公钥「%s」无法识别（应以 age1 开头）：%w", s, err)
	}
	return r, nil
}

// ParsePublicKey reads a device's public key as `jiayuanctl exchange-key`
// and 受信设备 show it: base64, or 64 hex digits (spaces and line breaks
// are ignored, so a key copied from an e-mail still reads).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.Join(strings.Fields(s), "")
	if b, err := hex.DecodeString(s); err == nil && len(b) == ed25519.PublicKeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == ed25519.PublicKeySize {
		return b, nil
	}
	return nil, fmt.Errorf("设备公钥无法识别（应为对方「受信设备」或 jiayuanctl exchange-key 显示的 base64 或 64 位十六进制）")
}

// PublicKeyText is a device's public key as it is handed to an office.
func PublicKeyText(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }
