package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

type setupKioskOptions struct {
	user        string
	noAutologin bool
}

func newSetupKioskCmd(e *env) *cobra.Command {
	var o setupKioskOptions
	cmd := &cobra.Command{
		Use:   "setup-kiosk --user NAME",
		Short: "make this PC a kiosk (as root): automatic login of NAME, the kiosk started with its session, device and token access",
		Long: "Make this PC a kiosk, as root, before or after the kiosk account's first login: the account logs in\n" +
			"by itself (LightDM: Debian, 统信UOS, 麒麟; GDM), the kiosk's user service is enabled and started from its\n" +
			"graphical session (and from an XDG autostart entry, for desktops that start no graphical-session.target),\n" +
			"and the account joins the groups fengqiao-kiosk (its token), dialout and lp (the devices) — never\n" +
			"fengqiao, which reads the hall's records.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.user == "" {
				return errors.New("--user NAME is required: the kiosk's desktop account, e.g. kiosk (adduser --disabled-password kiosk)")
			}
			return e.run(cmd, &o, func(ctx context.Context) error {
				k, err := lookupKioskAccount(o.user)
				if err != nil {
					return err
				}
				return k.setUp(ctx, e.Out, !o.noAutologin)
			})
		},
	}
	cmd.Flags().StringVar(&o.user, "user", "", "the kiosk's desktop `account`")
	cmd.Flags().BoolVar(&o.noAutologin, "no-autologin", false, "leave the display manager's login as it is")
	return cmd
}

// kioskAccount is the desktop account a kiosk runs in, and the system it is set up on.
type kioskAccount struct {
	name     string
	uid, gid int
	home     string
	root     string // "/" on a real system; a scratch folder in tests
	// groups sets the account's groups: adds it to add, drops it from drop.
	groups func(ctx context.Context, add, drop []string) error
}

// lookupKioskAccount finds the account on this system.
func lookupKioskAccount(name string) (kioskAccount, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return kioskAccount{}, fmt.Errorf("no account %s: create it first (adduser --disabled-password --gecos 自助机 %s): %w", name, name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if uid == 0 {
		return kioskAccount{}, errors.New("the kiosk must not run as root: name an ordinary account")
	}
	k := kioskAccount{name: name, uid: uid, gid: gid, home: u.HomeDir, root: "/"}
	k.groups = func(ctx context.Context, add, drop []string) error {
		if len(add) > 0 {
			if out, err := exec.CommandContext(ctx, "usermod", "-aG", strings.Join(add, ","), name).CombinedOutput(); err != nil {
				return fmt.Errorf("usermod -aG %s %s: %v: %s", strings.Join(add, ","), name, err, out)
			}
		}
		for _, g := range drop {
			if out, err := exec.CommandContext(ctx, "gpasswd", "-d", name, g).CombinedOutput(); err != nil {
				return fmt.Errorf("gpasswd -d %s %s: %v: %s", name, g, err, out)
			}
		}
		return nil
	}
	return k, nil
}

// kioskGroups are the groups the kiosk account needs: its token and leave PIN, the serial
// devices, the USB printer. Of them only fengqiao-kiosk must exist (the package makes it).
var kioskGroups = []string{"fengqiao-kiosk", "dialout", "lp"}

// setUp does what a kiosk PC needs, saying each step on out.
func (k kioskAccount) setUp(ctx context.Context, out io.Writer, autologin bool) error {
	var add, drop []string
	for _, g := range kioskGroups {
		if _, err := user.LookupGroup(g); err == nil || g == "fengqiao-kiosk" {
			add = append(add, g)
		}
	}
	if u, err := user.Lookup(k.name); err == nil && k.root == "/" {
		if g, err := user.LookupGroup("fengqiao"); err == nil {
			if ids, _ := u.GroupIds(); slices.Contains(ids, g.Gid) {
				drop = append(drop, "fengqiao") // it would read every record and backup
			}
		}
	}
	if err := k.groups(ctx, add, drop); err != nil {
		return err
	}
	fmt.Fprintf(out, "✔ %s: groups %s", k.name, strings.Join(add, ", "))
	if len(drop) > 0 {
		fmt.Fprintf(out, "; removed from %s", strings.Join(drop, ", "))
	}
	fmt.Fprintln(out)

	// The user service, enabled as systemctl --user enable would, but without the account's
	// session bus, so that it works before the first login.
	wants := filepath.Join(k.path(k.home), ".config/systemd/user/graphical-session.target.wants")
	if err := k.mkdirs(wants); err != nil {
		return err
	}
	link := filepath.Join(wants, "fengqiao-kiosk.service")
	os.Remove(link)
	if err := os.Symlink("/usr/lib/systemd/user/fengqiao-kiosk.service", link); err != nil {
		return fmt.Errorf("enable the kiosk's user service: %w", err)
	}
	if err := os.Lchown(link, k.uid, k.gid); err != nil {
		return fmt.Errorf("enable the kiosk's user service: %w", err)
	}
	fmt.Fprintf(out, "✔ fengqiao-kiosk.service enabled for %s (starts with the graphical session)\n", k.name)

	// The autostart entry: desktops that start no graphical-session.target (some UOS and Kylin
	// versions) start the service from it; on the others it finds the service running.
	autostart := filepath.Join(k.path(k.home), ".config/autostart")
	if err := k.mkdirs(autostart); err != nil {
		return err
	}
	entry, err := os.ReadFile(k.path("/usr/share/fengqiao/fengqiao-kiosk-autostart.desktop"))
	if err != nil {
		return fmt.Errorf("the autostart entry (is the fengqiao package installed?): %w", err)
	}
	if err := k.writeFile(filepath.Join(autostart, "fengqiao-kiosk.desktop"), entry); err != nil {
		return err
	}
	fmt.Fprintln(out, "✔ autostart entry ~/.config/autostart/fengqiao-kiosk.desktop")

	if !autologin {
		return nil
	}
	done, err := k.autologin()
	if err != nil {
		return err
	}
	if len(done) == 0 {
		fmt.Fprintln(out, "⚠ no LightDM or GDM found: turn on automatic login of "+k.name+" in the desktop's settings (统信UOS: 控制中心 → 账户 → 自动登录; 麒麟: 设置 → 账户 → 自动登录)")
	}
	for _, d := range done {
		fmt.Fprintf(out, "✔ automatic login of %s: %s\n", k.name, d)
	}
	fmt.Fprintln(out, "Restart the PC (or log in as "+k.name+") and the kiosk starts.")
	return nil
}

// autologin makes every display manager found log the account in by itself and returns the files
// it wrote.
func (k kioskAccount) autologin() ([]string, error) {
	var done []string
	// LightDM (Debian's Xfce, 统信UOS, 麒麟) reads every file in lightdm.conf.d.
	if isDir(k.path("/etc/lightdm")) {
		p := "/etc/lightdm/lightdm.conf.d/50-fengqiao-kiosk.conf"
		body := "# Written by fengqiao setup-kiosk: the kiosk's account logs in by itself.\n[Seat:*]\nautologin-user=" +
			k.name + "\nautologin-user-timeout=0\n"
		if err := os.MkdirAll(filepath.Dir(k.path(p)), 0o755); err != nil {
			return done, fmt.Errorf("automatic login: %w", err)
		}
		if err := os.WriteFile(k.path(p), []byte(body), 0o644); err != nil {
			return done, fmt.Errorf("automatic login: %w", err)
		}
		done = append(done, p)
	}
	// GDM: Debian's /etc/gdm3/daemon.conf, elsewhere /etc/gdm/custom.conf.
	for _, p := range []string{"/etc/gdm3/daemon.conf", "/etc/gdm/custom.conf"} {
		b, err := os.ReadFile(k.path(p))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return done, fmt.Errorf("automatic login: %w", err)
		}
		b = setINI(b, "daemon", map[string]string{"AutomaticLoginEnable": "true", "AutomaticLogin": k.name})
		if err := os.WriteFile(k.path(p), b, 0o644); err != nil {
			return done, fmt.Errorf("automatic login: %w", err)
		}
		done = append(done, p)
	}
	return done, nil
}

// setINI sets keys in section of an INI file, replacing the keys' lines (commented out or not)
// in that section and adding the section if it is missing.
func setINI(b []byte, section string, keys map[string]string) []byte {
	var lines []string
	if text := strings.TrimRight(string(b), "\n"); text != "" {
		lines = strings.Split(text, "\n")
	}
	head := "[" + section + "]"
	start := slices.Index(lines, head)
	if start < 0 {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, head)
		start = len(lines) - 1
	}
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "[") {
			end = i
			break
		}
	}
	body := slices.Clone(lines[start+1 : end])
	names := make([]string, 0, len(keys))
	for name := range keys {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		re := regexp.MustCompile(`^\s*#?\s*` + regexp.QuoteMeta(name) + `\s*=`)
		body = slices.DeleteFunc(body, re.MatchString)
		body = slices.Insert(body, 0, name+"="+keys[name])
	}
	out := slices.Concat(lines[:start+1], body, lines[end:])
	return []byte(strings.Join(out, "\n") + "\n")
}

// path is p on the system being set up.
func (k kioskAccount) path(p string) string { return filepath.Join(k.root, p) }

// mkdirs makes dir and the folders above it up to the account's home, owned by the account.
func (k kioskAccount) mkdirs(dir string) error {
	home := k.path(k.home)
	var missing []string
	for d := dir; d != home && strings.HasPrefix(d, home); d = filepath.Dir(d) {
		if isDir(d) {
			break
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("make %s: %w", missing[i], err)
		}
		if err := os.Chown(missing[i], k.uid, k.gid); err != nil {
			return fmt.Errorf("make %s: %w", missing[i], err)
		}
	}
	return nil
}

// writeFile writes a file in the account's home, owned by the account.
func (k kioskAccount) writeFile(p string, b []byte) error {
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.Chown(p, k.uid, k.gid); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// isDir reports whether p is a folder.
func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
