package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"fengqiao/config"
)

// staffHall writes a configuration whose staff and kiosk PIN live in files beside it, as the
// package keeps them, and returns its path.
func staffHall(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "fengqiao.toml")
	body := "staff_file = \"staff.toml\"\n[hall]\ncode = \"330681201\"\n[centre]\npublic_url = \"https://zz.zhuji.gov.cn\"\n" +
		"[kiosk]\nstaff_pin_file = \"kiosk-pin\"\n[[hub.tokens]]\nrole = \"window\"\ntoken = \"0123456789abcdef0123456789abcdef\"\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf
}

func runWithInput(t *testing.T, in string, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := Execute(context.Background(), args, Streams{In: strings.NewReader(in), Out: &out, Err: &out})
	return code, out.String()
}

func TestStaffAddListRemove(t *testing.T) {
	conf := staffHall(t)
	steps := []struct {
		in   string
		args []string
		code int
		want string
	}{
		{"", []string{"staff", "list"}, 0, "NAME  ID  LEAD\n"},
		{"86420\n", []string{"staff", "add", "王芳", "--id", "0231", "--pin-stdin"}, 0, "added 王芳"},
		{"97531\n", []string{"staff", "add", "李明", "--lead", "--pin-stdin"}, 0, "added 李明"},
		{"11111\n", []string{"staff", "add", "王芳", "--pin-stdin"}, 1, "already on the staff list"},
		{"12a4\n", []string{"staff", "add", "赵敏", "--pin-stdin"}, 1, "a PIN is 4 to 12 digits"},
		{"13579\n", []string{"staff", "add", "赵敏", "--id", "07 12", "--pin-stdin"}, 1, "letters or digits"},
		{"13579\n", []string{"staff", "add", "赵敏"}, 1, "not a terminal: pass --pin-stdin"},
		{"", []string{"staff", "list"}, 0, "0231"},
		{"", []string{"staff", "remove", "王芳"}, 0, "removed 王芳"},
		{"", []string{"staff", "remove", "王芳"}, 1, "not on the staff list"},
		{"2468\n", []string{"staff", "kiosk-pin", "--pin-stdin"}, 0, "kiosk PIN set"},
	}
	for _, s := range steps {
		code, out := runWithInput(t, s.in, append(s.args, "--config", conf)...)
		if code != s.code || !strings.Contains(out, s.want) {
			t.Fatalf("%v: exit %d, %q; want %d and %q", s.args, code, out, s.code, s.want)
		}
	}
	cfg, err := config.Load(conf)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Staff) != 1 || cfg.Staff[0].Name != "李明" || !cfg.Staff[0].Lead || !cfg.Staff[0].CheckPIN("97531") {
		t.Errorf("staff after the steps: %+v", cfg.Staff)
	}
	if !(config.Staff{PINHash: cfg.Kiosk.StaffPIN}).CheckPIN("2468") {
		t.Error("kiosk PIN file does not hold the PIN's hash")
	}
	if st, _ := os.Stat(cfg.StaffFile); st.Mode().Perm() != 0o600 {
		t.Errorf("new staff file mode %v, want 0600", st.Mode().Perm())
	}
	if err := cfg.CheckSecrets(); err != nil {
		t.Errorf("staff added by the command refused: %v", err)
	}
}

// TestStaffAddAsksTwiceWithoutEcho types the PIN on a real pseudo-terminal, as an installer
// would, and checks that the PIN never shows on it.
func TestStaffAddAsksTwiceWithoutEcho(t *testing.T) {
	conf := staffHall(t)
	for _, tc := range []struct {
		second, want string
		code         int
	}{
		{"86420", "the two PINs differ", 1},
		{"97531", "added 王芳", 0},
	} {
		ptmx, tty, err := pty.Open()
		if err != nil {
			t.Skip("no pseudo-terminals here:", err)
		}
		var screen bytes.Buffer
		copied := make(chan struct{})
		go func() { io.Copy(&screen, ptmx); close(copied) }()
		go func() {
			time.Sleep(200 * time.Millisecond)
			io.WriteString(ptmx, "97531\n")
			time.Sleep(200 * time.Millisecond)
			io.WriteString(ptmx, tc.second+"\n")
		}()
		code := Execute(context.Background(), []string{"staff", "add", "王芳", "--config", conf}, Streams{In: tty, Out: tty, Err: tty})
		time.Sleep(100 * time.Millisecond)
		tty.Close()
		<-copied
		ptmx.Close()
		got := screen.String()
		if code != tc.code || !strings.Contains(got, tc.want) || !strings.Contains(got, "the same PIN again") {
			t.Errorf("second PIN %s: exit %d, terminal showed %q; want %d and %q", tc.second, code, got, tc.code, tc.want)
		}
		if strings.Contains(got, "97531") || strings.Contains(got, tc.second) {
			t.Errorf("the PIN was shown on the terminal: %q", got)
		}
	}
}
