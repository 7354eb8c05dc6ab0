package exchange

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// The file layout (every integer big-endian):
//
//	magic        8 bytes  "JYPKG\r\n\x1a"
//	format       uint32   FormatVersion
//	header size  uint32   ≤ maxHeader
//	header       JSON     Header
//	db size      uint64
//	db           SQLite database (rollback-journal mode)
//	trailer      4 bytes  "JYSG"
//	signature    64 bytes ed25519 over signedPrefix || SHA-256(magic … db)
//
// Nothing may follow the signature.
const (
	// FormatVersion is the package format this program writes and the
	// newest it reads. 1: inspection records (communities, templates,
	// inspections, answers, corrective actions) and photos; 2: also the
	// liaison list, the offices' picks and assignments (检查任务); 3: a
	// deleted liaison travels as a tombstone (liaisons.deleted_at,
	// deleted_by).
	FormatVersion = 3
	// OldestFormat is the oldest format this program still reads (a
	// district running this version imports packages from inspectors who
	// have not upgraded yet).
	OldestFormat = 1
	// Extension is the file name extension of packages.
	Extension = ".jypkg"

	magic        = "JYPKG\r\n\x1a"
	trailerMagic = "JYSG"
	signedPrefix = "jiayuan-package-v1\n"
	maxHeader    = 64 << 10
)

// Header describes a package. It is readable (and checked) before the
// database inside is opened.
type Header struct {
	Format      int            `json:"format"`
	PackageID   string         `json:"package_id"`
	CreatedAt   time.Time      `json:"created_at"`
	SignerID    string         `json:"signer_id"`
	SignerName  string         `json:"signer_name"`
	SignerKey   []byte         `json:"signer_key"` // ed25519 public key
	Content     string         `json:"content"`    // all | reference
	Office      string         `json:"office"`     // the receiver named at export, if any
	Incremental bool           `json:"incremental"`
	Since       *time.Time     `json:"since"` // the previous export to Office
	Counts      map[string]int `json:"counts"`
}

// envelope is a package read from its bytes: the header, where its
// database was copied, and the digest the signature covers.
type envelope struct {
	Header    Header
	DBPath    string
	DBSize    int64
	Digest    [32]byte
	Signature []byte
}

// writeEnvelope writes a whole package: header, the database from db
// (size bytes) and the signature made by sign.
func writeEnvelope(w io.Writer, h Header, db io.Reader, size int64, sign func([]byte) []byte) error {
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if len(hj) > maxHeader {
		return fmt.Errorf("数据包头过大（%d 字节）", len(hj))
	}
	sum := sha256.New()
	out := io.MultiWriter(w, sum)
	var fixed [16]byte
	copy(fixed[:8], magic)
	format := uint32(FormatVersion)
	if h.Format > 0 {
		format = uint32(h.Format) // tests write older formats
	}
	binary.BigEndian.PutUint32(fixed[8:], format)
	binary.BigEndian.PutUint32(fixed[12:], uint32(len(hj)))
	var dbSize [8]byte
	binary.BigEndian.PutUint64(dbSize[:], uint64(size))
	for _, part := range [][]byte{fixed[:], hj, dbSize[:]} {
		if _, err := out.Write(part); err != nil {
			return err
		}
	}
	if n, err := io.Copy(out, db); err != nil {
		return err
	} else if n != size {
		return fmt.Errorf("数据库大小变化（%d ≠ %d）", n, size)
	}
	sig := sign(signedMessage(sum))
	if _, err := w.Write([]byte(trailerMagic)); err != nil {
		return err
	}
	_, err = w.Write(sig)
	return err
}

func signedMessage(sum hash.Hash) []byte {
	return append([]byte(signedPrefix), sum.Sum(nil)...)
}

// readEnvelope reads a package from r, copying its database to dbPath,
// and checks the layout, the sizes and the signature. It refuses more
// than limit bytes in all.
func readEnvelope(r io.Reader, dbPath string, limit int64) (*envelope, error) {
	lr := &limitedReader{r: r, left: limit}
	br := bufio.NewReaderSize(lr, 64<<10)
	sum := sha256.New()
	tee := io.TeeReader(br, sum)

	var fixed [16]byte
	if _, err := io.ReadFull(tee, fixed[:]); err != nil || string(fixed[:8]) != magic {
		return nil, fmt.Errorf("%w（文件开头不是数据包标识）", ErrNotPackage)
	}
	format := binary.BigEndian.Uint32(fixed[8:])
	if format < OldestFormat || format > FormatVersion {
		if format > FormatVersion && format < 1<<16 {
			return nil, fmt.Errorf("%w：本程序支持的数据包格式版本 %d，该文件为 %d，请升级家园巡检后再导入", ErrNewerFormat, FormatVersion, format)
		}
		return nil, fmt.Errorf("%w（格式版本 %d 无法识别）", ErrNotPackage, format)
	}
	hsize := binary.BigEndian.Uint32(fixed[12:])
	if hsize == 0 || hsize > maxHeader {
		return nil, fmt.Errorf("%w（数据包头长度 %d 不合法）", ErrNotPackage, hsize)
	}
	hj := make([]byte, hsize)
	var dbSize [8]byte
	if _, err := io.ReadFull(tee, hj); err != nil {
		return nil, truncated(lr, err)
	}
	if _, err := io.ReadFull(tee, dbSize[:]); err != nil {
		return nil, truncated(lr, err)
	}
	size := binary.BigEndian.Uint64(dbSize[:])
	if size > uint64(limit) {
		return nil, fmt.Errorf("%w（声明的数据库大小 %d 字节）", ErrTooLarge, size)
	}
	env := &envelope{DBPath: dbPath, DBSize: int64(size)}
	if err := copyDB(br, sum, dbPath, env.DBSize); err != nil {
		return nil, truncated(lr, err)
	}
	copy(env.Digest[:], sum.Sum(nil))
	msg := signedMessage(sum)

	var trailer [4 + ed25519.SignatureSize]byte
	if _, err := io.ReadFull(br, trailer[:]); err != nil {
		return nil, truncated(lr, err)
	}
	if string(trailer[:4]) != trailerMagic {
		return nil, fmt.Errorf("%w（签名区标识不对）", ErrBadSignature)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if lr.exceeded {
			return nil, fmt.Errorf("%w（上限 %d MB）", ErrTooLarge, limit>>20)
		}
		return nil, fmt.Errorf("%w（签名之后还有多余的数据）", ErrBadSignature)
	}
	env.Signature = trailer[4:]
	if err := parseHeader(hj, int(format), &env.Header); err != nil {
		return nil, err
	}
	key := ed25519.PublicKey(env.Header.SignerKey)
	if len(key) != ed25519.PublicKeySize || store.DeviceID(key) != env.Header.SignerID {
		return nil, fmt.Errorf("%w（签名公钥与设备编号不符）", ErrBadSignature)
	}
	if !ed25519.Verify(key, msg, env.Signature) {
		return nil, ErrBadSignature
	}
	return env, nil
}

func parseHeader(hj []byte, format int, h *Header) error {
	dec := json.NewDecoder(bytes.NewReader(hj))
	dec.DisallowUnknownFields()
	if err := dec.Decode(h); err != nil {
		return fmt.Errorf("%w（数据包头无法解析）", ErrBadSignature)
	}
	if dec.More() || h.Format != format {
		return fmt.Errorf("%w（数据包头不完整）", ErrBadSignature)
	}
	return nil
}

func truncated(lr *limitedReader, err error) error {
	if lr.exceeded {
		return fmt.Errorf("%w（上限 %d MB）", ErrTooLarge, lr.limit()>>20)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w（文件不完整，可能未拷贝完）", ErrBadSignature)
	}
	return err
}

// copyDB writes exactly size bytes of r to a new private file at path and
// to sum, in order. The bytes are read 1 MB at a time; a block is hashed
// on a goroutine while it is written and the next one read (the hash of a
// block starts only when the one before it is done, so sum sees the bytes
// in order).
func copyDB(r io.Reader, sum hash.Hash, path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	const block = 1 << 20
	bufs := [2][]byte{make([]byte, block), make([]byte, block)}
	hashed := make(chan struct{}, 1)
	hashed <- struct{}{} // no block being hashed yet
	for i := 0; size > 0 && err == nil; i++ {
		b := bufs[i%2][:min(block, size)]
		if _, err = io.ReadFull(r, b); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			break
		}
		size -= int64(len(b))
		<-hashed // the block before this one (in the other buffer) is hashed
		go func() {
			sum.Write(b)
			hashed <- struct{}{}
		}()
		_, err = f.Write(b)
	}
	<-hashed
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// limitedReader fails once more than left bytes are read.
type limitedReader struct {
	r        io.Reader
	left     int64
	read     int64
	exceeded bool
}

func (l *limitedReader) limit() int64 { return l.left + l.read }

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a file at the limit from one beyond it.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.exceeded = true
			return 0, ErrTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	l.read += int64(n)
	return n, err
}
