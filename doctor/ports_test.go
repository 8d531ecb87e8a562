package doctor

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fengqiao/devices/devstate"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/devices/printer"
	"fengqiao/devices/printer/printertest"
	"fengqiao/devices/scanner/scannersim"
)

// TestListPorts builds a small /dev and /sys: a CH340 adapter, a CDC-ACM scanner, a usblp
// printer, a motherboard UART and a ttyS without one.
func TestListPorts(t *testing.T) {
	root := t.TempDir()
	dev, sys := filepath.Join(root, "dev"), filepath.Join(root, "sys")
	usb := func(path, vendor, product, name string) string {
		dir := filepath.Join(sys, "devices/pci0000:00/0000:00:14.0/usb1", path)
		writeFiles(t, dir, map[string]string{"idVendor": vendor + "\n", "idProduct": product + "\n", "product": name + "\n"})
		iface := filepath.Join(dir, path+":1.0")
		must(t, os.MkdirAll(iface, 0o755))
		return iface
	}
	link := func(target, name string) {
		must(t, os.MkdirAll(filepath.Dir(name), 0o755))
		must(t, os.Symlink(target, name))
	}
	device := func(class, name, sysTarget string) {
		must(t, os.MkdirAll(filepath.Join(dev, filepath.Dir(name)), 0o755))
		must(t, os.WriteFile(filepath.Join(dev, name), nil, 0o600))
		dir := filepath.Join(sys, "class", class, filepath.Base(name))
		must(t, os.MkdirAll(dir, 0o755))
		if sysTarget != "" {
			link(sysTarget, filepath.Join(dir, "device"))
		}
	}
	device("tty", "ttyUSB0", usb("1-2", "1a86", "7523", "USB Serial"))
	device("tty", "ttyACM0", usb("1-3", "1eab", "1a03", "Scanner"))
	device("usbmisc", "usb/lp0", usb("1-4", "0fe6", "811e", "POS Printer"))
	device("tty", "ttyS0", "")
	writeFiles(t, filepath.Join(sys, "class/tty/ttyS0"), map[string]string{"type": "4\n"})
	device("tty", "ttyS1", "")
	writeFiles(t, filepath.Join(sys, "class/tty/ttyS1"), map[string]string{"type": "0\n"})
	link(filepath.Join(dev, "ttyUSB0"), filepath.Join(dev, "fengqiao-idcard"))
	link(filepath.Join(dev, "ttyUSB9"), filepath.Join(dev, "fengqiao-printer")) // unplugged

	ports, err := ListPorts(dev, sys)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ttyACM0": "1eab:1a03 Scanner",
		"ttyS0":   "",
		"ttyUSB0": "1a86:7523 USB Serial",
		"lp0":     "0fe6:811e POS Printer",
	}
	if len(ports) != len(want) {
		t.Fatalf("ports %+v, want %d", ports, len(want))
	}
	for _, p := range ports {
		id, found := want[filepath.Base(p.Path)]
		if !found || p.USB.String() != id {
			t.Errorf("%s: USB %q, want %q (listed: %v)", p.Path, p.USB, id, found)
		}
		if filepath.Base(p.Path) == "ttyUSB0" && (len(p.Aliases) != 1 || filepath.Base(p.Aliases[0]) != "fengqiao-idcard") {
			t.Errorf("ttyUSB0 aliases %v, want fengqiao-idcard", p.Aliases)
		}
		if p.Printer() != (filepath.Base(p.Path) == "lp0") {
			t.Errorf("%s: Printer() = %v", p.Path, p.Printer())
		}
	}
}

// TestProbe finds a reader, a printer and a scanner on ptys.
func TestProbe(t *testing.T) {
	reader, err := idcardsim.New(idcardsim.Options{Baud: -1, Logger: quiet})
	must(t, err)
	defer reader.Close()
	prn, err := printertest.NewPTY()
	must(t, err)
	defer prn.Close()
	prn.SetPaper(printer.PaperNearEnd)
	scan, err := scannersim.New(scannersim.Options{})
	must(t, err)
	defer scan.Close()
	go func() {
		time.Sleep(100 * time.Millisecond)
		scan.Scan("https://zz.example.gov.cn/t/ABC123")
	}()

	ports := []Port{{Path: reader.Path()}, {Path: prn.Path()}, {Path: scan.Path()}, {Path: filepath.Join(t.TempDir(), "ttyUSB7")}}
	found := Probe(context.Background(), ports, ProbeOptions{Timeout: 300 * time.Millisecond, Listen: 400 * time.Millisecond})
	want := []Role{RoleReader, RolePrinter, RoleScanner, RoleUnknown}
	for i, f := range found {
		if f.Role != want[i] {
			t.Errorf("%s: %q (%s), want %q", f.Port.Path, f.Role, f.Detail, want[i])
		}
	}
	if found[1].Detail != "打印纸即将用完 paper near end" {
		t.Errorf("printer detail %q", found[1].Detail)
	}
	if reader.Count(idcard.CmdSAMStatus) == 0 {
		t.Errorf("the reader was not asked its SAM status")
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	must(t, os.MkdirAll(dir, 0o755))
	for name, body := range files {
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
}

// TestProbeInUse: a port the kiosk holds is not opened; the kiosk's socket says how it is.
func TestProbeInUse(t *testing.T) {
	reader, err := idcardsim.New(idcardsim.Options{Baud: -1, Logger: quiet})
	must(t, err)
	defer reader.Close()
	held, err := idcard.Open(idcard.Config{Port: reader.Path(), Logger: quiet})
	must(t, err)
	defer held.Close()
	sock := filepath.Join(t.TempDir(), "kiosk.sock")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go devstate.Serve(ctx, sock, func() []devstate.Device {
		return []devstate.Device{{Name: "reader", Port: reader.Path(), State: "就绪"}}
	})
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
	}
	before := reader.Count(idcard.CmdSAMStatus)
	found := Probe(ctx, []Port{{Path: reader.Path()}}, ProbeOptions{Timeout: 300 * time.Millisecond, KioskSocket: sock})
	if found[0].Detail != "in use by the kiosk: 就绪" {
		t.Errorf("detail %q, want in use by the kiosk: 就绪", found[0].Detail)
	}
	if reader.Count(idcard.CmdSAMStatus) != before {
		t.Error("the probe talked to a port the kiosk holds")
	}
	found = Probe(ctx, []Port{{Path: reader.Path()}}, ProbeOptions{Timeout: 300 * time.Millisecond, KioskSocket: sock + ".none"})
	if found[0].Detail != "in use by another process" {
		t.Errorf("without a kiosk socket: %q", found[0].Detail)
	}
}
