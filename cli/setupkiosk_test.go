package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSetupKiosk(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"usr/share/fengqiao/fengqiao-kiosk-autostart.desktop": "[Desktop Entry]\nExec=/usr/libexec/fengqiao/kiosk-session\n",
		"etc/lightdm/lightdm.conf":                            "[Seat:*]\n#autologin-user=\n",
		// Debian's shipped daemon.conf, shortened.
		"etc/gdm3/daemon.conf": "# GDM configuration storage\n[daemon]\n# Enabling automatic login\n#  AutomaticLoginEnable = true\n#  AutomaticLogin = user1\n\n[security]\n",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	os.MkdirAll(filepath.Join(root, "home/kiosk"), 0o755) // before its first login: nothing in it
	var added [][]string
	k := kioskAccount{name: "kiosk", uid: os.Getuid(), gid: os.Getgid(), home: "/home/kiosk", root: root,
		groups: func(_ context.Context, add, _ []string) error { added = append(added, add); return nil }}
	var out strings.Builder
	if err := k.setUp(context.Background(), &out, true); err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if len(added) != 1 || !slices.Contains(added[0], "fengqiao-kiosk") || slices.Contains(added[0], "fengqiao") {
		t.Errorf("groups added %v: want fengqiao-kiosk, never fengqiao", added)
	}
	link := filepath.Join(root, "home/kiosk/.config/systemd/user/graphical-session.target.wants/fengqiao-kiosk.service")
	if target, err := os.Readlink(link); err != nil || target != "/usr/lib/systemd/user/fengqiao-kiosk.service" {
		t.Errorf("user service not enabled: %q, %v", target, err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "home/kiosk/.config/autostart/fengqiao-kiosk.desktop")); err != nil || !strings.Contains(string(b), "kiosk-session") {
		t.Errorf("autostart entry: %q, %v", b, err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/lightdm/lightdm.conf.d/50-fengqiao-kiosk.conf")); !strings.Contains(string(b), "[Seat:*]\nautologin-user=kiosk\n") {
		t.Errorf("lightdm drop-in: %q", b)
	}
	gdm, _ := os.ReadFile(filepath.Join(root, "etc/gdm3/daemon.conf"))
	want := "# GDM configuration storage\n[daemon]\nAutomaticLoginEnable=true\nAutomaticLogin=kiosk\n# Enabling automatic login\n\n[security]\n"
	if string(gdm) != want {
		t.Errorf("daemon.conf:\n%s\nwant:\n%s", gdm, want)
	}
	// Again, as an installer may: the same result, no error.
	if err := k.setUp(context.Background(), io.Discard, true); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if again, _ := os.ReadFile(filepath.Join(root, "etc/gdm3/daemon.conf")); string(again) != want {
		t.Errorf("second run changed daemon.conf:\n%s", again)
	}
}

func TestSetINI(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "[daemon]\nA=1\n"},
		{"[other]\nx=y\n", "[other]\nx=y\n\n[daemon]\nA=1\n"},
		{"[daemon]\nA=0\nB=2\n[x]\nA=0\n", "[daemon]\nA=1\nB=2\n[x]\nA=0\n"},
	} {
		if got := string(setINI([]byte(tt.in), "daemon", map[string]string{"A": "1"})); got != tt.want {
			t.Errorf("setINI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
