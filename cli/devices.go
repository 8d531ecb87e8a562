package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/config"
	"fengqiao/devices/idcard"
	"fengqiao/doctor"
)

type devicesOptions struct {
	config  string
	probe   bool
	timeout time.Duration
	listen  time.Duration
}

func newDevicesCmd(e *env) *cobra.Command {
	var o devicesOptions
	cmd := &cobra.Command{
		Use:   "devices",
		Short: "list serial ports and USB printers, their USB ids and what answers on each",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return runDevices(ctx, e.Streams, o) })
		},
	}
	fs := cmd.Flags()
	addConfigFlag(fs, &o.config, defaultConfig())
	fs.BoolVar(&o.probe, "probe", true, "ask each port what it is (stop the kiosk first: it holds the ports)")
	fs.DurationVar(&o.timeout, "timeout", 500*time.Millisecond, "how long each question may take")
	fs.DurationVar(&o.listen, "listen", 0, "first wait this long for a scanner to send a code (scan one meanwhile)")
	return cmd
}

func runDevices(ctx context.Context, s Streams, o devicesOptions) error {
	cfg, err := config.Load(o.config)
	if err != nil {
		fmt.Fprintf(s.Err, "fengqiao devices: %v (using the defaults)\n", err)
		cfg = config.Default()
	}
	ports, err := doctor.ListPorts("/dev", "/sys")
	if err != nil {
		return err
	}
	if len(ports) == 0 {
		fmt.Fprintln(s.Out, "没有找到串口或 USB 打印机。No serial port or USB printer found: plug the devices in, then see dmesg.")
		return nil
	}
	findings := make([]doctor.Finding, len(ports))
	for i, p := range ports {
		findings[i] = doctor.Finding{Port: p}
	}
	if o.probe {
		if o.listen > 0 {
			fmt.Fprintf(s.Err, "请在 %s 内扫描任意二维码。Scan any code within %s.\n", o.listen, o.listen)
		}
		findings = doctor.Probe(ctx, ports, doctor.ProbeOptions{Timeout: o.timeout, Listen: o.listen,
			ReaderBaud: orDefaultInt(cfg.Devices.IDCardBaud, idcard.DefaultBaud), ScannerBaud: cfg.Devices.ScannerBaud,
			Printer: cfg.Devices.PrinterSettings()})
	}
	configured := configuredPorts(cfg.Devices)
	tw := tabwriter.NewWriter(s.Out, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PORT\tUSB ID\tNAMES\tFOUND\tCONFIGURED AS")
	for _, f := range findings {
		usb := f.Port.USB.String()
		if usb == "" {
			usb = "-"
		}
		names := strings.Join(f.Port.Aliases, " ")
		if names == "" {
			names = "-"
		}
		found := "-"
		switch {
		case f.Role != doctor.RoleUnknown:
			found = string(f.Role) + ": " + f.Detail
		case o.probe:
			found = f.Detail
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Port.Path, usb, names, found, configuredAs(f.Port, configured))
	}
	return tw.Flush()
}

// configuredPorts maps each port the configuration names, resolved, to its role.
func configuredPorts(d config.Devices) map[string]string {
	m := map[string]string{}
	add := func(path, role string) {
		if path == "" {
			return
		}
		if resolved, err := filepath.EvalSymlinks(path); err == nil {
			path = resolved
		}
		m[path] = role
	}
	add(d.IDCardPort, "idcard_port")
	add(d.ScannerPort, "scanner_port")
	if kind, arg, ok := strings.Cut(d.Printer, ":"); ok && (kind == "device" || kind == "serial") {
		add(arg, "printer")
	}
	return m
}

func configuredAs(p doctor.Port, configured map[string]string) string {
	if role, ok := configured[p.Path]; ok {
		return role
	}
	return "-"
}

func orDefaultInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
