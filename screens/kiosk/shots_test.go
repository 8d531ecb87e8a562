package kiosk

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fengqiao/config"
	"fengqiao/store"
)

// TestScreenshots renders every screen into $KIOSK_SHOTS (skipped without it). The committed
// images come from `go run . screenshots --only kiosk`.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("KIOSK_SHOTS")
	if dir == "" {
		t.Skip("set KIOSK_SHOTS=folder to render the screenshots")
	}
	cfg := config.Default()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	hall := store.NewHall(db, cfg.Info(), cfg.Rules(), func() time.Time { return now })
	files, err := RenderScreenshots(dir, ScreenshotEnv{Hall: hall, Info: cfg.Info(), ElderlyAge: 70,
		Location: cfg.Rules().Location, SetTime: func(x time.Time) { now = x }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files", len(files))
}
