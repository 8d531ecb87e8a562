package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
)

func TestDefaultIsValid(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(c.AppServices()) != 4 || c.AppServices()[3].Name != "矛盾纠纷调解" || c.AppServices()[3].Prefix != "D" {
		t.Errorf("default services = %+v", c.AppServices())
	}
	if !c.Staff[0].CheckPIN("1234") || c.Staff[0].CheckPIN("1235") {
		t.Error("demo PIN 1234 does not check")
	}
	if c.TokenRole("demo-kiosk-token-0001") != app.RoleKiosk || c.TokenRole("nope") != "" {
		t.Error("token roles wrong")
	}
}

// realHall is what a real hall's configuration must set beyond the defaults, with secrets of its own.
const realHall = `[[staff]]
name = "王芳"
pin_hash = "$2a$10$3bH8jqK3aQeVn1f8YzY9Eu7c6Ev0rW0m1gq8v5yI8m3nq1x0mJ8yS"
[[hub.tokens]]
role = "kiosk"
token = "6f1e0c2b9a8d7e6f5a4b3c2d1e0f9a8b"
[centre]
public_url = "https://zz.zhuji.gov.cn"
`

func TestExampleFileLoads(t *testing.T) {
	c, err := Load(filepath.Join("..", "fengqiao.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// The example holds no secret: it names the files the package's postinst fills, which do not
	// exist here, so every token is missing; no staff until fengqiao staff add.
	err = c.CheckSecrets()
	for _, want := range []string{"hub.tokens[0] (kiosk): missing: /etc/fengqiao/tokens/kiosk.token",
		"hub.tokens[3] (rating)", "dpkg-reconfigure fengqiao"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("example secrets: %v; want it to name %q", err, want)
		}
	}
	if len(c.Staff) != 0 || c.Kiosk.StaffPIN != "" {
		t.Errorf("example has staff %v or a kiosk PIN %q: the demo's must never reach a real hall", c.Staff, c.Kiosk.StaffPIN)
	}
	if err := c.CheckPlaceholders(); err == nil || !strings.Contains(err.Error(), "centre.public_url") {
		t.Errorf("example public_url not flagged: %v", err)
	}
	if c.Devices.Printer != "device:/dev/fengqiao-printer" || c.Hub.URL != "http://127.0.0.1:8470" {
		t.Errorf("example printer %q, hub.url %q", c.Devices.Printer, c.Hub.URL)
	}
	r := c.Rules()
	if r.Hours.Open(time.Date(2026, 11, 28, 10, 0, 0, 0, r.Location)) {
		t.Error("example hall open on Saturday")
	}
	if !r.Hours.Open(time.Date(2026, 11, 27, 10, 0, 0, 0, r.Location)) {
		t.Error("example hall closed on Friday morning")
	}
}

// testPINHash is bcrypt("1234").
const testPINHash = "$2a$10$DWw1ZJegGU2Oq8BW986RL.mlZ/BQPhgkQ/QWib.xLv0yZKWHE0oj."

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", "[hall]\nnmae = \"x\"\n", "unknown settings: hall.nmae"},
		{"bad hours", "[hall]\nhours = [\"17:00-08:00\"]\n", "end must be after start"},
		{"dup prefix", "[[services]]\ncode=\"a\"\nname=\"A\"\nprefix=\"A\"\n[[services]]\ncode=\"b\"\nname=\"B\"\nprefix=\"A\"\n[[windows]]\nid=1\nservices=[\"a\"]\n", "duplicate prefix"},
		{"window unknown service", "[[windows]]\nid = 1\nservices = [\"nope\"]\n", "unknown service \"nope\""},
		{"short token", "[[hub.tokens]]\nrole = \"kiosk\"\ntoken = \"short\"\n", "at least 16"},
		{"bad pin hash", "[[staff]]\nname = \"x\"\npin_hash = \"1234\"\n", "not a bcrypt hash"},
		{"bad staff id", "[[staff]]\nname = \"x\"\nid = \"07 12\"\npin_hash = \"%s\"\n", "letters or digits"},
		{"dup staff id", "[[staff]]\nname = \"x\"\nid = \"0712\"\npin_hash = \"%s\"\n[[staff]]\nname = \"y\"\nid = \"0712\"\npin_hash = \"%s\"\n", "id \"0712\" is listed twice"},
		{"dup staff name", "[[staff]]\nname = \"x\"\npin_hash = \"%s\"\n[[staff]]\nname = \"x\"\npin_hash = \"%s\"\n", "name \"x\" is listed twice"},
		{"syntax", "[hall\n", "read config"},
		{"printer baud", "[devices]\nprinter_baud = 9601\n", "baud 9601 is not a standard rate"},
		{"printer format", "[devices]\nprinter_format = \"ps\"\n", "want pdf or escpos"},
		{"printer stall", "[devices]\nprinter_stall_timeout = \"soon\"\n", "invalid duration"},
		{"receipt max age", "[kiosk]\nreceipt_max_age = \"0s\"\n", "kiosk.receipt_max_age must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.toml")
			os.WriteFile(p, []byte(strings.ReplaceAll(tt.body, "%s", testPINHash)), 0o600)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadKeepsDefaultsForUnsetValues(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte(realHall+"[hall]\nname = \"陈家村综治中心\"\ncode = \"330681201\"\n[queue]\nelderly_age = 65\n"), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Hall.Name != "陈家村综治中心" || c.Queue.ElderlyAge != 65 || c.Queue.PerIDLimit != 2 || len(c.Services) != 4 {
		t.Errorf("config = %+v", c)
	}
	if c.DataDir != filepath.Join(filepath.Dir(p), "data") {
		t.Errorf("data dir %q not relative to the file", c.DataDir)
	}
}

func TestPrinterSettings(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte(realHall+"[hall]\ncode = \"330681201\"\n[devices]\nprinter = \"serial:/dev/ttyUSB1\"\nprinter_baud = 19200\nprinter_format = \"escpos\"\nprinter_stall_timeout = \"5s\"\n"), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Devices.PrinterSettings()
	if s.Baud != 19200 || s.Format != "escpos" || s.Stall != 5*time.Second {
		t.Errorf("PrinterSettings() = %+v", s)
	}
	if d := time.Duration(Default().Kiosk.ReceiptMaxAge); d != 10*time.Minute {
		t.Errorf("default receipt_max_age %v, want 10m", d)
	}
	if d := Default().Devices.PrinterSettings(); d.Baud != 9600 {
		t.Errorf("default baud %d, want 9600", d.Baud)
	}
}

func TestFileMustSetHallSecrets(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte("[hall]\nname = \"陈家村综治中心\"\n"), 0o600)
	_, err := Load(p)
	want := "missing hall.code, [[hub.tokens]], centre.public_url"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to list %q", err, want)
	}
	// With no file at all: the demo hall, whose secrets are only for the demo.
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckSecrets(); err == nil || !strings.Contains(err.Error(), "demo") {
		t.Errorf("demo secrets accepted: %v", err)
	}
}

func TestRealHallPassesSecretCheck(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte(realHall+"[hall]\ncode = \"330681201\"\n[kiosk]\nstaff_pin_hash = \"$2a$10$3bH8jqK3aQeVn1f8YzY9Eu7c6Ev0rW0m1gq8v5yI8m3nq1x0mJ8yS\"\n"), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckSecrets(); err != nil {
		t.Errorf("a real hall refused: %v", err)
	}
}

func TestInfoListsStaffWithoutPINs(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.toml")
	body := "[[staff]]\nname = \"王芳\"\nid = \"0231\"\npin_hash = \"" + testPINHash + "\"\n" +
		"[[staff]]\nname = \"李明\"\npin_hash = \"" + testPINHash + "\"\n" +
		"[hall]\ncode = \"330681201\"\n[[hub.tokens]]\nrole = \"kiosk\"\ntoken = \"real-kiosk-token-0123456789\"\n[centre]\npublic_url = \"https://zz.zhuji.gov.cn\"\n"
	os.WriteFile(p, []byte(body), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	info := c.Info()
	want := []app.StaffMember{{Name: "王芳", ID: "0231"}, {Name: "李明"}}
	if !slices.Equal(info.Staff, want) {
		t.Errorf("Info().Staff = %v, want %v", info.Staff, want)
	}
	if got := info.StaffID("王芳"); got != "0231" {
		t.Errorf("StaffID(王芳) = %q", got)
	}
}
