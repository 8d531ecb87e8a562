package console

import (
	"os"
	"testing"
)

// TestScreenshots renders the console's screens (into FENGQIAO_SHOTS when set).
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("FENGQIAO_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := Screenshots(dir, testInfo()); err != nil {
		t.Fatal(err)
	}
}
