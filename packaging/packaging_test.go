// Package packaging_test builds the Debian packages and checks them with lintian and
// systemd-analyze. It is slow (a full cgo build), so it runs only when asked:
//
//	FENGQIAO_PACKAGING_TEST=1 go test ./packaging/
//
// The install/upgrade/purge test in a Debian root is a separate script: sudo scripts/test-deb.sh.
package packaging_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildDebCheck(t *testing.T) {
	if os.Getenv("FENGQIAO_PACKAGING_TEST") != "1" {
		t.Skip("slow: set FENGQIAO_PACKAGING_TEST=1 to build the packages and run lintian and systemd-analyze")
	}
	for _, tool := range []string{"dpkg-deb", "dpkg-shlibdeps", "lintian", "systemd-analyze"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (apt-get install dpkg-dev lintian systemd)", tool)
		}
	}
	cmd := exec.Command("scripts/build-deb.sh", "--check")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("scripts/build-deb.sh --check: %v", err)
	}
	if !strings.Contains(string(out), "checks passed") {
		t.Fatal("build-deb.sh did not report its checks as passed")
	}
}

// TestMaintainerScripts checks the shell scripts with shellcheck, when it is installed: quick,
// so it runs always.
func TestMaintainerScripts(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("shellcheck is not installed: CI must install it (scripts/install-deps.sh)")
		}
		t.Skip("shellcheck not installed")
	}
	scripts := []string{"packaging/deb.sh", "packaging/share/kiosk-session",
		"scripts/build-deb.sh", "scripts/build-windows.sh", "scripts/test-deb.sh"}
	for _, pkg := range []string{"fengqiao", "fengqiao-center"} {
		for _, s := range []string{"postinst", "prerm", "postrm"} {
			scripts = append(scripts, filepath.Join("packaging", pkg, s))
		}
	}
	scripts = append(scripts, "packaging/fengqiao/config")
	cmd := exec.Command("shellcheck", append([]string{"-x"}, scripts...)...)
	cmd.Dir = ".." // where build-deb.sh sources packaging/deb.sh from
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
