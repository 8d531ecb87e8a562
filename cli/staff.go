package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"

	"fengqiao/config"
	"fengqiao/internal/secretfile"
)

// staffOptions are the options of the staff subcommands.
type staffOptions struct {
	config   string
	id       string
	lead     bool
	pinStdin bool
}

func newStaffCmd(e *env) *cobra.Command {
	return newGroup("staff", "add, list or remove the window staff and set the kiosk's leave PIN (as root)",
		newStaffAddCmd(e), newStaffListCmd(e), newStaffRemoveCmd(e), newStaffKioskPINCmd(e))
}

func addPINStdinFlag(cmd *cobra.Command, p *bool) {
	cmd.Flags().BoolVar(p, "pin-stdin", false, "read the PIN once from standard input (scripts) instead of asking twice on the terminal")
}

func newStaffAddCmd(e *env) *cobra.Command {
	var o staffOptions
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "add a staff member with a PIN (asked twice, not shown) to staff_file; restart the hub after",
		Args:  oneArg("the staff member's name, as the console lists it"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.run(cmd, &o, func(context.Context) error { return runStaffAdd(e.Streams, o, args[0]) })
		},
	}
	addConfigFlag(cmd.Flags(), &o.config, defaultConfig())
	cmd.Flags().StringVar(&o.id, "id", "", "the work number (工号) shown on the display and rating pad: letters and digits")
	cmd.Flags().BoolVar(&o.lead, "lead", false, "a hall lead (组长), who may act on every window and case")
	addPINStdinFlag(cmd, &o.pinStdin)
	return cmd
}

func newStaffListCmd(e *env) *cobra.Command {
	var o staffOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "list the staff (names, work numbers, leads; never the PIN hashes)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(context.Context) error { return runStaffList(e.Out, o) })
		},
	}
	addConfigFlag(cmd.Flags(), &o.config, defaultConfig())
	return cmd
}

func newStaffRemoveCmd(e *env) *cobra.Command {
	var o staffOptions
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "remove a staff member from staff_file; restart the hub after",
		Args:  oneArg("the staff member's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.run(cmd, &o, func(context.Context) error { return runStaffRemove(e.Out, o, args[0]) })
		},
	}
	addConfigFlag(cmd.Flags(), &o.config, defaultConfig())
	return cmd
}

func newStaffKioskPINCmd(e *env) *cobra.Command {
	var o staffOptions
	cmd := &cobra.Command{
		Use:   "kiosk-pin",
		Short: "set the PIN that leaves the kiosk (kiosk.staff_pin_file); restart the kiosk after",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(context.Context) error { return runStaffKioskPIN(e.Streams, o) })
		},
	}
	addConfigFlag(cmd.Flags(), &o.config, defaultConfig())
	addPINStdinFlag(cmd, &o.pinStdin)
	return cmd
}

// staffFile loads the configuration and returns it with its staff file and that file's entries.
func (o staffOptions) staffFile() (config.Config, []config.Staff, error) {
	if o.config == "" {
		return config.Config{}, nil, errors.New("no configuration: pass --config (the staff of the demo hall are built in)")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return cfg, nil, err
	}
	if cfg.StaffFile == "" {
		return cfg, nil, fmt.Errorf("%s names no staff_file: add staff_file = %q, or write [[staff]] with fengqiao pin-hash", o.config, config.StaffPath)
	}
	staff, err := config.ReadStaffFile(cfg.StaffFile)
	return cfg, staff, err
}

func runStaffAdd(s Streams, o staffOptions, name string) error {
	cfg, staff, err := o.staffFile()
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if _, taken := cfg.StaffByName(name); taken {
		return fmt.Errorf("%s is already on the staff list: remove them first to set a new PIN (fengqiao staff remove)", name)
	}
	pin, err := readNewPIN(s, o.pinStdin)
	if err != nil {
		return err
	}
	hash, err := hashPIN(pin)
	if err != nil {
		return err
	}
	member := config.Staff{Name: name, ID: o.id, PINHash: hash, Lead: o.lead}
	cfg.Staff = append(cfg.Staff, member)
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := writeStaffFile(cfg.StaffFile, append(staff, member)); err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "added %s to %s; restart the hub for it to take effect: systemctl restart fengqiao-hub\n", name, cfg.StaffFile)
	return nil
}

func runStaffList(out io.Writer, o staffOptions) error {
	if o.config == "" {
		return errors.New("no configuration: pass --config")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	if err := cfg.CheckSecrets(); err != nil && len(cfg.Staff) == 0 && strings.Contains(err.Error(), "staff_file") {
		return err // the staff file could not be read: say so rather than list nobody
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tLEAD")
	for _, st := range cfg.Staff {
		lead := ""
		if st.Lead {
			lead = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", st.Name, st.ID, lead)
	}
	return tw.Flush()
}

func runStaffRemove(out io.Writer, o staffOptions, name string) error {
	cfg, staff, err := o.staffFile()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(staff, func(s config.Staff) bool { return s.Name == name })
	if i < 0 {
		if _, inline := cfg.StaffByName(name); inline {
			return fmt.Errorf("%s is written in %s itself, not in %s: remove the [[staff]] entry there", name, o.config, cfg.StaffFile)
		}
		return fmt.Errorf("%s is not on the staff list (fengqiao staff list)", name)
	}
	if err := writeStaffFile(cfg.StaffFile, slices.Delete(staff, i, i+1)); err != nil {
		return err
	}
	fmt.Fprintf(out, "removed %s from %s; restart the hub: systemctl restart fengqiao-hub\n", name, cfg.StaffFile)
	return nil
}

func runStaffKioskPIN(s Streams, o staffOptions) error {
	if o.config == "" {
		return errors.New("no configuration: pass --config")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	if cfg.Kiosk.StaffPINFile == "" {
		return fmt.Errorf("%s names no kiosk.staff_pin_file: add staff_pin_file = %q under [kiosk]", o.config, config.TokenDir+"/kiosk-pin")
	}
	pin, err := readNewPIN(s, o.pinStdin)
	if err != nil {
		return err
	}
	hash, err := hashPIN(pin)
	if err != nil {
		return err
	}
	if err := secretfile.Write(cfg.Kiosk.StaffPINFile, []byte(hash+"\n")); err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "kiosk PIN set in %s; the kiosk uses it from its next start (systemctl --user restart fengqiao-kiosk as the kiosk user)\n", cfg.Kiosk.StaffPINFile)
	return nil
}

// writeStaffFile replaces the staff file with staff, keeping its owner, group and mode.
func writeStaffFile(path string, staff []config.Staff) error {
	var b bytes.Buffer
	b.WriteString("# The hall's staff, written by fengqiao staff add/remove. Only the hub reads this file:\n" +
		"# it holds the bcrypt hashes of the staff's PINs.\n\n")
	if err := toml.NewEncoder(&b).Encode(config.StaffFileBody{Staff: staff}); err != nil {
		return fmt.Errorf("encode staff: %w", err)
	}
	return secretfile.Write(path, b.Bytes())
}

// readNewPIN reads a new PIN: once from standard input with --pin-stdin, else twice from the
// terminal without echo.
func readNewPIN(s Streams, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(s.In).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("read PIN: %w", err)
		}
		return strings.TrimSpace(line), nil
	}
	in, ok := s.In.(*os.File)
	if !ok || !isTerminal(in) {
		return "", errors.New("standard input is not a terminal: pass --pin-stdin to read the PIN from it")
	}
	first, err := readHidden(in, s.Err, "PIN (4 to 12 digits): ")
	if err != nil {
		return "", err
	}
	if err := checkPIN(first); err != nil {
		return "", err
	}
	again, err := readHidden(in, s.Err, "the same PIN again: ")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", errors.New("the two PINs differ: nothing changed")
	}
	return first, nil
}
