package config

import (
	"fengqiao/app"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fileHall is a hall whose secrets are in files beside the configuration, as the package keeps them.
const fileHall = `staff_file = "staff.toml"
[hall]
code = "330681201"
[centre]
public_url = "https://zz.zhuji.gov.cn"
token_file = "tokens/centre.token"
[kiosk]
staff_pin_file = "tokens/kiosk-pin"
[[hub.tokens]]
role = "kiosk"
file = "tokens/kiosk.token"
[[hub.tokens]]
role = "window"
file = "tokens/window.token"
[[hub.tokens]]
role = "display"
file = "tokens/display.token"
`

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"fengqiao.toml":        fileHall,
		"staff.toml":           "[[staff]]\nname = \"赵敏\"\nid = \"0301\"\npin_hash = \"" + testPINHash + "\"\n",
		"tokens/kiosk.token":   "  0123456789abcdef0123456789abcdef\n",
		"tokens/window.token":  "fedcba9876543210fedcba9876543210\n",
		"tokens/display.token": "", // empty: postinst did not run, or someone emptied it
		"tokens/kiosk-pin":     testPINHash + "\n",
	})
	c, err := Load(filepath.Join(dir, "fengqiao.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.RoleToken(app.RoleKiosk); got != "0123456789abcdef0123456789abcdef" {
		t.Errorf("kiosk token %q", got)
	}
	if len(c.Staff) != 1 || c.Staff[0].Name != "赵敏" || !c.Staff[0].CheckPIN("1234") {
		t.Errorf("staff %+v", c.Staff)
	}
	if c.Kiosk.StaffPIN != testPINHash || c.Centre.Token != "" {
		t.Errorf("kiosk PIN %q, centre token %q (no file: none)", c.Kiosk.StaffPIN, c.Centre.Token)
	}
	if err := c.CheckRoleSecret(app.RoleWindow); err != nil {
		t.Errorf("window token refused: %v", err)
	}
	for role, want := range map[app.Role]string{
		app.RoleDisplay: "hub.tokens[2] (display): missing: " + filepath.Join(dir, "tokens/display.token"),
		app.RoleRating:  "no [[hub.tokens]] entry for the role rating",
	} {
		if err := c.CheckRoleSecret(role); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckRoleSecret(%s) = %v, want %q", role, err, want)
		}
	}
	err = c.CheckSecrets()
	for _, want := range []string{"hub.tokens[2] (display): missing", "staff[0] (赵敏): still the example PIN 1234", "kiosk.staff_pin_hash: still the example PIN"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckSecrets() = %v, want it to name %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "hub.tokens[0]") || strings.Contains(err.Error(), "hub.tokens[1]") {
		t.Errorf("CheckSecrets() refuses good tokens: %v", err)
	}
}

func TestUnreadableSecretFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"fengqiao.toml":        fileHall,
		"tokens/kiosk.token":   "0123456789abcdef0123456789abcdef\n",
		"tokens/window.token":  "fedcba9876543210fedcba9876543210\n",
		"tokens/display.token": "00112233445566778899aabbccddeeff\n",
		"staff.toml":           "",
	})
	// As a window console's account sees them: its own token only.
	for _, name := range []string{"tokens/kiosk.token", "tokens/display.token", "staff.toml"} {
		if err := os.Chmod(filepath.Join(dir, name), 0); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Load(filepath.Join(dir, "fengqiao.toml"))
	if err != nil {
		t.Fatalf("a client that may read only its own token cannot load the configuration: %v", err)
	}
	if err := c.CheckRoleSecret(app.RoleWindow); err != nil {
		t.Errorf("window: %v", err)
	}
	if err := c.CheckRoleSecret(app.RoleKiosk); err == nil || !strings.Contains(err.Error(), "permission denied") ||
		!strings.Contains(err.Error(), "group fengqiao-kiosk") {
		t.Errorf("kiosk: %v, want permission denied naming the group", err)
	}
	if err := c.CheckSecrets(); err == nil || !strings.Contains(err.Error(), "staff_file") {
		t.Errorf("hub check passes without reading the staff file: %v", err)
	}
}

func TestSecretInlineAndFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"fengqiao.toml": fileHall + "token = \"0123456789abcdef0123456789abcdef\"\n"})
	if _, err := Load(filepath.Join(dir, "fengqiao.toml")); err == nil || !strings.Contains(err.Error(), "hub.tokens[2]: token and file exclude each other") {
		t.Errorf("err = %v", err)
	}
}
