package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // inspectors' photos may be PNG screenshots
	"slices"

	"github.com/disintegration/imaging"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// Photo limits.
const (
	MaxPhotoEdge  = 1600     // the long edge of a stored photo, in pixels
	MaxPhotoBytes = 40 << 20 // a photo file larger than this is refused
	maxPhotoPixel = 60e6     // decoded pixels; refuses decompression bombs
	photoQuality  = 85
)

// PhotoInfo describes a stored photo.
type PhotoInfo struct {
	SHA256 string
	Width  int
	Height int
	Size   int
}

// preparePhoto decodes an image (JPEG or PNG, EXIF orientation applied),
// shrinks it to MaxPhotoEdge on the long edge and encodes it as JPEG.
func preparePhoto(data []byte) ([]byte, image.Point, error) {
	if len(data) > MaxPhotoBytes {
		return nil, image.Point{}, fmt.Errorf("%w：照片文件过大（%d MB，上限 %d MB）", inspection.ErrInvalid, len(data)>>20, MaxPhotoBytes>>20)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, image.Point{}, fmt.Errorf("%w：无法识别照片格式（支持 JPEG、PNG）：%v", inspection.ErrInvalid, err)
	}
	if float64(cfg.Width)*float64(cfg.Height) > maxPhotoPixel {
		return nil, image.Point{}, fmt.Errorf("%w：照片像素过多（%d×%d）", inspection.ErrInvalid, cfg.Width, cfg.Height)
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, image.Point{}, fmt.Errorf("%w：照片已损坏：%v", inspection.ErrInvalid, err)
	}
	b := img.Bounds()
	if _, opaque := img.(*image.YCbCr); !opaque {
		// Flatten transparency (a drawn signature) onto white: JPEG has no alpha.
		img = imaging.Overlay(imaging.New(b.Dx(), b.Dy(), color.White), img, image.Point{}, 1)
	}
	if b.Dx() > MaxPhotoEdge || b.Dy() > MaxPhotoEdge {
		if b.Dx() >= b.Dy() {
			img = imaging.Resize(img, MaxPhotoEdge, 0, imaging.Lanczos)
		} else {
			img = imaging.Resize(img, 0, MaxPhotoEdge, imaging.Lanczos)
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: photoQuality}); err != nil {
		return nil, image.Point{}, err
	}
	return out.Bytes(), img.Bounds().Size(), nil
}

// AttachPhoto adds an evidence photo to an item of a draft inspection.
// The photo is resized to at most MaxPhotoEdge pixels on its long edge and
// stored once under the SHA-256 of the stored bytes; keepOriginal also
// keeps the file as given.
func (db *DB) AttachPhoto(ctx context.Context, inspectionID, itemCode string, data []byte, keepOriginal bool) (PhotoInfo, error) {
	stored, size, err := preparePhoto(data)
	if err != nil {
		return PhotoInfo{}, err
	}
	sum := sha256.Sum256(stored)
	info := PhotoInfo{SHA256: hex.EncodeToString(sum[:]), Width: size.X, Height: size.Y, Size: len(stored)}
	var original any
	if keepOriginal {
		original = data
	}
	err = db.inChange(ctx, func(ch *change) error {
		if _, err := ch.tx.ExecContext(ctx, `INSERT INTO photos(sha256, mime, width, height, data, original, created_at)
			VALUES (?, 'image/jpeg', ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING`,
			info.SHA256, info.Width, info.Height, stored, original, formatTime(ch.at)); err != nil {
			return fmt.Errorf("无法保存照片：%w", err)
		}
		_, err := db.modifyAnswerTx(ctx, ch, inspectionID, itemCode, func(a *inspection.Answer) {
			if !slices.Contains(a.Photos, info.SHA256) {
				a.Photos = append(a.Photos, info.SHA256)
			}
		})
		return err
	})
	return info, err
}

// AttachStoredPhoto adds a photo already in the file (by its digest) to an
// item of a draft inspection, so one photo can serve several items
// without being decoded again.
func (db *DB) AttachStoredPhoto(ctx context.Context, inspectionID, itemCode, sha string) error {
	return db.inChange(ctx, func(ch *change) error {
		var n int
		if err := ch.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM photos WHERE sha256 = ?`, sha).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("照片 %s：%w", sha, inspection.ErrNotFound)
		}
		_, err := db.modifyAnswerTx(ctx, ch, inspectionID, itemCode, func(a *inspection.Answer) {
			if !slices.Contains(a.Photos, sha) {
				a.Photos = append(a.Photos, sha)
			}
		})
		return err
	})
}

// RemovePhoto takes a photo off an item of a draft inspection (the photo
// bytes stay: another record may use them).
func (db *DB) RemovePhoto(ctx context.Context, inspectionID, itemCode, sha string) error {
	_, err := db.modifyAnswer(ctx, inspectionID, itemCode, func(a *inspection.Answer) {
		kept := a.Photos[:0:0]
		for _, p := range a.Photos {
			if p != sha {
				kept = append(kept, p)
			}
		}
		a.Photos = kept
	})
	return err
}

// Photo returns a stored photo's JPEG bytes.
func (db *DB) Photo(ctx context.Context, sha string) ([]byte, error) {
	var data []byte
	err := db.read.QueryRowContext(ctx, `SELECT data FROM photos WHERE sha256 = ?`, sha).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("照片 %s：%w", sha, inspection.ErrNotFound)
	}
	return data, err
}

// StorePhoto stores an image (a drawn signature, say) without attaching it
// to an answer and returns its digest.
func (db *DB) StorePhoto(ctx context.Context, data []byte) (PhotoInfo, error) {
	stored, size, err := preparePhoto(data)
	if err != nil {
		return PhotoInfo{}, err
	}
	sum := sha256.Sum256(stored)
	info := PhotoInfo{SHA256: hex.EncodeToString(sum[:]), Width: size.X, Height: size.Y, Size: len(stored)}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO photos(sha256, mime, width, height, data, created_at)
			VALUES (?, 'image/jpeg', ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING`,
			info.SHA256, info.Width, info.Height, stored, formatTime(db.now()))
		return err
	})
	return info, err
}
