package center_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fengqiao/center"
)

// chromium returns the path of Debian's chromium, or skips the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: CI must install it (scripts/install-deps.sh)")
	}
	t.Skip("browser test skipped: chromium is not installed (scripts/install-deps.sh installs it)")
	return ""
}

// runChromium runs headless Chromium with args and returns its standard output.
func runChromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

// screenshotDir is where the screenshots go: docs/screenshots when FENGQIAO_SCREENSHOTS=1,
// else the test's temporary directory.
func screenshotDir(t *testing.T) string {
	if os.Getenv("FENGQIAO_SCREENSHOTS") == "1" {
		return filepath.Join("..", "docs", "screenshots")
	}
	return t.TempDir()
}

// TestBrowser renders the tracking page at phone width and the dashboard of the demo town in
// headless Chromium and checks the figures it shows. The dashboard is reached through a tiny
// proxy that adds the cookie of a real session (made with center.NewSession) to each request:
// Chromium has no flag to set a cookie, and the server checks the session as for anyone.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	ctx := context.Background()
	now := time.Now()
	st, sum := demoTown(t, now)
	srv, proxy := signedInProxy(t, st, "zhongxin", center.RoleLeader, center.WithCentre("枫桥镇综治中心", "0575-87010000"))
	dir := screenshotDir(t)

	// A case in the 处置 or 回访 stage makes the better picture.
	code := sum.Codes[0]
	for _, c := range sum.Codes {
		if tr, err := st.Track(ctx, c, ""); err == nil && tr.Status == "handling" && tr.Handling == "mediation" {
			code = c
			break
		}
	}
	tests := []struct {
		name, url, size, shot string
		want                  []string
	}{
		{"tracking", srv.URL + "/t/" + code, "390,1040", "centre-tracking.png", []string{code, "办理进程", "下一步", "咨询电话",
			"办公时间：周一至周五 08:30-12:00、13:30-17:30"}},
		{"dashboard", proxy.URL + "/dashboard", "1280,2600", "centre-dashboard.png",
			[]string{`id="registered">324<`, `id="resolved">299<`, `id="rate">92.28%<`, "各站点化解率", "<svg",
				`id="contact-banner"`, "东溪村（3天）", "村民说事", `id="freshness"`}},
		{"hall statistics", proxy.URL + "/dashboard/hall", "1280,1600", "centre-hall.png",
			[]string{"满意度（按窗口）", "满意度（按工作人员）", "1号窗口"}},
		{"unknown code", srv.URL + "/t/" + "0000-0000-0000-0000-0000", "390,844", "", []string{"未查到该事项"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dom := runChromium(t, bin, "--window-size="+tt.size, "--dump-dom", tt.url)
			for _, w := range tt.want {
				if !strings.Contains(dom, w) {
					t.Errorf("the rendered page lacks %q", w)
				}
			}
			checkNoPersonalData(t, tt.name, dom)
			if tt.shot == "" {
				return
			}
			out := filepath.Join(dir, tt.shot)
			abs, _ := filepath.Abs(out)
			runChromium(t, bin, "--window-size="+tt.size, "--screenshot="+abs, tt.url)
			if fi, err := os.Stat(abs); err != nil || fi.Size() < 10_000 {
				t.Errorf("screenshot %s: %v", abs, err)
			}
		})
	}
}
