package store_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// noiseJPEG is a photo that does not compress: a few hundred KB stored.
func noiseJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDiskFullDuringPhotoAttach: the disk fills up (PRAGMA max_page_count)
// while a photo is stored: a clear Chinese message, the data file exactly
// as before and verifying; with room again the same photo attaches.
func TestDiskFullDuringPhotoAttach(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	tpl := defaultTemplate(t)
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	in, err := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, []string{"张三"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetNote(ctx, in.ID, "1.1", "宣传栏在东门"); err != nil {
		t.Fatal(err)
	}
	photo := noiseJPEG(t, 900, 700)
	before, err := db.RecordDigest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if err := db.LimitPages(ctx, int(st.Size()/4096)+8); err != nil {
		t.Fatal(err)
	}
	_, err = db.AttachPhoto(ctx, in.ID, "1.1", photo, true)
	if !errors.Is(err, store.ErrDiskFull) {
		t.Fatalf("want ErrDiskFull, got %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "磁盘空间不足") || !strings.Contains(msg, "未保存") {
		t.Fatalf("message: %s", msg)
	}
	t.Log(err)
	if after, _ := db.RecordDigest(ctx); after != before {
		t.Fatal("the failed attach changed the records")
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep.Problems, err)
	}
	if err := db.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AttachPhoto(ctx, in.ID, "1.1", photo, true); err != nil {
		t.Fatalf("with room again: %v", err)
	}
}
