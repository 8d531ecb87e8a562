package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"fengqiao/config"
	"fengqiao/devices/idcard"
	"fengqiao/doctor"
)

func init() {
	register("devices", "list serial ports and USB printers, their USB ids and what answers on each", runDevices)
}

func runDevices(ctx context.Context, args []string) error {
	fs := newFlags("devices")
	cfgPath := fs.String("config", defaultConfig(), "configuration file, to mark the configured ports and baud rates")
	probe := fs.Bool("probe", true, "ask each port what it is (stop the kiosk first: it holds the ports)")
	timeout := fs.Duration("timeout", 500*time.Millisecond, "how long each question may take")
	listen := fs.Duration("listen", 0, "first wait this long for a scanner to send a code (scan one meanwhile)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fengqiao devices: %v (using the defaults)\n", err)
		cfg = config.Default()
	}
	ports, err := doctor.ListPorts("/dev", "/sys")
	if err != nil {
		return err
	}
	if len(ports) == 0 {
		fmt.Println("没有找到串口或 USB 打印机。No serial port or USB printer found: plug the devices in, then see dmesg.")
		return nil
	}
	findings := make([]doctor.Finding, len(ports))
	for i, p := range ports {
		findings[i] = doctor.Finding{Port: p}
	}
	if *probe {
		if *listen > 0 {
			fmt.Fprintf(os.Stderr, "请在 %s 内扫描任意二维码。Scan any code within %s.\n", *listen, *listen)
		}
		findings = doctor.Probe(ctx, ports, doctor.ProbeOptions{Timeout: *timeout, Listen: *listen,
			ReaderBaud: orDefaultInt(cfg.Devices.IDCardBaud, idcard.DefaultBaud), ScannerBaud: cfg.Devices.ScannerBaud})
	}
	configured := configuredPorts(cfg.Devices)
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
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
		case *probe:
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
