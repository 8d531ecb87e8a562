// Package shot renders Fengqiao's screens to PNG files headless, with Fyne's test driver, for
// docs/screenshots (`fengqiao screenshots`).
package shot

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"

	"fyne.io/fyne/v2"
)

// OffMain runs render on a goroutine of its own and waits for it: Fyne wants its calls off the
// main goroutine, as in a running app.
func OffMain(render func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- render() }()
	return <-errc
}

// Save writes what window w shows to path as a PNG.
func Save(w fyne.Window, path string) error {
	return WritePNG(path, w.Canvas().Capture())
}

// WritePNG stores img at path as an opaque PNG at the best compression (flat screens compress
// well).
func WritePNG(path string, img image.Image) error {
	b := img.Bounds()
	flat := image.NewNRGBA(b)
	draw.Draw(flat, b, img, b.Min, draw.Src)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, flat); err != nil {
		f.Close()
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	return nil
}
