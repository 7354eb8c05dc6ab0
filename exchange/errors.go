package exchange

import "errors"

// Sentinel errors. Every error Import reports wraps ErrRefused or ErrHeld
// (or is a duplicate), so callers sort results with errors.Is; the
// messages are Chinese and name the file.
var (
	// ErrRefused: the package was not merged and will not be, as it is.
	ErrRefused = errors.New("已拒绝导入")
	// ErrHeld: the package is valid but its signer is not enrolled yet;
	// enrol the signer (after comparing the fingerprint) and import again.
	ErrHeld = errors.New("签名设备未登记，暂不导入")
	// ErrBadSignature: the signature does not match the bytes.
	ErrBadSignature = errors.New("签名校验失败，文件可能被篡改")
	// ErrNewerFormat: the package was written by a newer program.
	ErrNewerFormat = errors.New("数据包格式较新")
	// ErrNotPackage: the file is not a 家园巡检 package at all.
	ErrNotPackage = errors.New("不是家园巡检数据包")
	// ErrRevoked: the signer's trust was revoked.
	ErrRevoked = errors.New("签名设备已被吊销")
	// ErrEncrypted: the package is encrypted to another office (or no key
	// was given).
	ErrEncrypted = errors.New("数据包已加密，本机没有对应的解密密钥")
	// ErrHostile: the package's database holds something it must not.
	ErrHostile = errors.New("数据包内容不合规")
	// ErrTooLarge: a size limit was exceeded.
	ErrTooLarge = errors.New("数据包超过大小限制")
)
