package center_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tab is a headless Chromium tab of a browser test: a fresh profile, Chinese as the language,
// the given window size, closed when the test ends.
type tab struct {
	t   *testing.T
	ctx context.Context // everything done in the tab must finish within the tab's time
}

// newTab starts Chromium (or skips the test without it) with a window of w×h pixels, for at
// most timeout.
func newTab(t *testing.T, w, h int, timeout time.Duration) *tab {
	t.Helper()
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(chromium(t)), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(w, h))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return &tab{t: t, ctx: ctx}
}

// run does the steps of what, and on failure keeps a screenshot in the test's temporary
// directory and stops the test.
func (b *tab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		if png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(80)); err == nil {
			dir := b.t.TempDir()
			os.WriteFile(filepath.Join(dir, "failed.png"), png, 0o644)
			b.t.Logf("the page as it failed: %s", filepath.Join(dir, "failed.png"))
		}
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text returns the text of the element sel selects.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// shot saves a full-page screenshot as dir/name.
func (b *tab) shot(dir, name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
