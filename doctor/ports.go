package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"fengqiao/devices/devstate"
	"fengqiao/devices/idcard"
	"fengqiao/devices/printer"
	"fengqiao/devices/scanner"
	"fengqiao/devices/serialport"
)

// Port is a device node a kiosk device may be on: a serial port or a USB printer.
type Port struct {
	Path    string   // /dev/ttyUSB0, /dev/usb/lp0
	Aliases []string // stable names that point at it: /dev/fengqiao-idcard
	USB     USBID    // zero for a port that is not on USB (a motherboard's ttyS0)
}

// Printer reports whether the port is a USB printer-class device (usblp), not a serial port.
func (p Port) Printer() bool { return strings.Contains(p.Path, "/usb/lp") }

// USBID identifies a USB device, as read from sysfs.
type USBID struct {
	Vendor, Product string // four hex digits each: 1a86, 7523
	Manufacturer    string
	Name            string // the product string
	Serial          string
}

// IsZero reports whether the port is not on USB.
func (u USBID) IsZero() bool { return u.Vendor == "" }

// String returns "1a86:7523 QinHeng USB Serial", or "" for no USB device.
func (u USBID) String() string {
	if u.IsZero() {
		return ""
	}
	return strings.TrimSpace(u.Vendor + ":" + u.Product + " " + strings.TrimSpace(u.Manufacturer+" "+u.Name))
}

// ListPorts lists the serial ports and USB printers under devDir (/dev) with their USB ids from
// sysDir (/sys): ttyUSB*, ttyACM*, the ttyS* that have a UART behind them, usb/lp*, and the
// fengqiao-* names the udev rules make, as aliases of the port they point at.
func ListPorts(devDir, sysDir string) ([]Port, error) {
	var paths []string
	for _, pattern := range []string{"ttyUSB*", "ttyACM*", "ttyS*", "usb/lp*"} {
		m, err := filepath.Glob(filepath.Join(devDir, pattern))
		if err != nil {
			return nil, err
		}
		paths = append(paths, m...)
	}
	byPath := map[string]*Port{}
	var ports []*Port
	for _, p := range paths {
		name := filepath.Base(p)
		class := "tty"
		if strings.Contains(p, "/usb/lp") {
			class = "usbmisc"
		}
		if strings.HasPrefix(name, "ttyS") && !uartPresent(sysDir, name) {
			continue // the kernel makes ttyS0–31 whether or not a UART is there
		}
		port := &Port{Path: p, USB: usbID(filepath.Join(sysDir, "class", class, name, "device"))}
		byPath[p] = port
		ports = append(ports, port)
	}
	links, err := filepath.Glob(filepath.Join(devDir, "fengqiao-*"))
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		target, err := filepath.EvalSymlinks(l)
		if err != nil {
			continue // a dangling name: its device is unplugged
		}
		if port, found := byPath[target]; found {
			port.Aliases = append(port.Aliases, l)
			continue
		}
		port := &Port{Path: target, Aliases: []string{l}}
		byPath[target] = port
		ports = append(ports, port)
	}
	out := make([]Port, len(ports))
	for i, p := range ports {
		out[i] = *p
	}
	slices.SortFunc(out, func(a, b Port) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// uartPresent reports whether a ttyS port has a UART: sysfs gives its type as 0 when not.
func uartPresent(sysDir, name string) bool {
	b, err := os.ReadFile(filepath.Join(sysDir, "class", "tty", name, "type"))
	return err == nil && strings.TrimSpace(string(b)) != "0"
}

// usbID walks up from a device's sysfs folder to the USB device it belongs to.
func usbID(device string) USBID {
	dir, err := filepath.EvalSymlinks(device)
	if err != nil {
		return USBID{}
	}
	for ; dir != "/" && dir != "."; dir = filepath.Dir(dir) {
		vendor := readAttr(dir, "idVendor")
		if vendor == "" {
			continue
		}
		return USBID{Vendor: vendor, Product: readAttr(dir, "idProduct"), Manufacturer: readAttr(dir, "manufacturer"),
			Name: readAttr(dir, "product"), Serial: readAttr(dir, "serial")}
	}
	return USBID{}
}

func readAttr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Role is what a port turned out to be.
type Role string

// Roles a probe can find.
const (
	RoleUnknown Role = ""
	RoleReader  Role = "身份证阅读器 ID card reader"
	RolePrinter Role = "打印机 receipt printer"
	RoleScanner Role = "扫码器 QR scanner"
)

// Finding is the outcome of probing one port.
type Finding struct {
	Port   Port
	Role   Role
	Detail string // e.g. the SAM ID, the paper status, or why nothing answered
}

// ProbeOptions configures Probe.
type ProbeOptions struct {
	// Timeout bounds each question asked of a port; 500 ms if zero.
	Timeout time.Duration
	// Listen is how long to wait for a scanner to send a code before asking anything; zero
	// skips listening (a scanner only sends when it reads a code).
	Listen time.Duration
	// KioskSocket is the kiosk's device state socket (devstate.DefaultPath() if empty), asked
	// about a port the kiosk holds instead of opening it.
	KioskSocket string
	// Printer is the receipt printer's settings (config.Devices.PrinterSettings): a port is asked
	// as a printer through printer.Open with them, at their baud rate (printer.DefaultBaud if zero).
	Printer printer.Settings
	// ReaderBaud and ScannerBaud are the line speeds to try for an ID card reader and a scanner;
	// the devices' usual speeds if zero.
	ReaderBaud, ScannerBaud int
}

// Probe finds out what answers on each port, all ports at once. Each port is asked, in this
// order: does it send text by itself (a scanner, when Listen is set), does it answer DLE EOT 4
// (a receipt printer), does it answer the SAM status command (an ID card reader). The printer is
// asked first because DLE EOT 4 is a real-time command that readers ignore, while a reader's
// command would end up as stray characters on the next receipt.
func Probe(ctx context.Context, ports []Port, opts ProbeOptions) []Finding {
	opts.Timeout = orDefault(opts.Timeout, 500*time.Millisecond)
	out := make([]Finding, len(ports))
	var wg sync.WaitGroup
	for i, p := range ports {
		wg.Go(func() { out[i] = probe(ctx, p, opts) })
	}
	wg.Wait()
	return out
}

// askPrinter asks the printer spec names for its paper status, set up as the kiosk sets it up.
func askPrinter(ctx context.Context, spec string, opts ProbeOptions) (printer.PaperStatus, error) {
	pr, err := printer.Open(spec, opts.Printer)
	if err != nil {
		return printer.PaperUnknown, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	return pr.Status(ctx)
}

func probe(ctx context.Context, p Port, opts ProbeOptions) Finding {
	f := Finding{Port: p}
	if held, detail := inUse(ctx, p.Path, opts.KioskSocket); held {
		f.Detail = detail
		return f
	}
	if p.Printer() {
		st, err := askPrinter(ctx, "device:"+p.Path, opts)
		if err == nil {
			f.Role, f.Detail = RolePrinter, st.Message()+" paper "+st.String()
		} else {
			f.Detail = err.Error()
		}
		return f
	}
	if opts.Listen > 0 {
		text, err := listen(ctx, p.Path, orDefault(opts.ScannerBaud, scanner.DefaultBaud), opts.Listen)
		if err != nil {
			f.Detail = openError(err)
			return f
		}
		if text != "" {
			f.Role, f.Detail = RoleScanner, fmt.Sprintf("sent %d characters of text", utf8.RuneCountInString(text))
			return f
		}
	}
	st, err := askPrinter(ctx, "serial:"+p.Path, opts)
	if err == nil {
		f.Role, f.Detail = RolePrinter, st.Message()+" paper "+st.String()
		return f
	}
	if errors.Is(err, os.ErrPermission) {
		f.Detail = openError(err)
		return f
	}
	r, err := idcard.Open(idcard.Config{Port: p.Path, Baud: orDefault(opts.ReaderBaud, idcard.DefaultBaud), Retries: -1,
		Timeout: opts.Timeout, Logger: quiet})
	if err != nil {
		f.Detail = openError(err)
		return f
	}
	defer r.Close()
	rctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	if err := r.SAMStatus(rctx); err == nil {
		f.Role, f.Detail = RoleReader, "SAM OK"
		if id, err := r.SAMID(rctx); err == nil {
			f.Detail = "SAM " + id.String()
		}
		return f
	}
	f.Detail = "no answer as a printer or an ID card reader"
	return f
}

// inUse reports whether another process holds the port, and then what the kiosk says about it
// ("in use by the kiosk: 就绪") or that another process has it. The port is not opened when
// held: its holder keeps it undisturbed.
func inUse(ctx context.Context, path, socket string) (bool, string) {
	port, err := serialport.OpenDevice(path)
	if err == nil {
		port.Close()
		return false, ""
	}
	if !errors.Is(err, serialport.ErrInUse) {
		return false, ""
	}
	if socket == "" {
		socket = devstate.DefaultPath()
	}
	actx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if d := devstate.Describe(actx, socket, path); d != "" {
		return true, d
	}
	return true, "in use by another process"
}

func openError(err error) string {
	if errors.Is(err, serialport.ErrInUse) {
		return "in use by another process"
	}
	if errors.Is(err, os.ErrPermission) {
		return "permission denied (run with sudo, or join the dialout/lp group)"
	}
	return "cannot open: " + err.Error()
}

// listen reads from a serial port for d and returns the printable text that arrived. The text
// itself is not shown: a scanner may be shown anything, an ID card's barcode included.
func listen(ctx context.Context, path string, baud int, d time.Duration) (string, error) {
	port, err := serialport.Open(path, serialport.Config{Baud: baud, ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		return "", err
	}
	defer port.Close()
	var got []byte
	buf := make([]byte, 256)
	for end := time.Now().Add(d); time.Now().Before(end) && ctx.Err() == nil; {
		n, _ := port.Read(buf)
		got = append(got, buf[:n]...)
	}
	text := strings.TrimSpace(string(got))
	if !utf8.ValidString(text) || strings.IndexFunc(text, func(r rune) bool { return !unicode.IsPrint(r) && !unicode.IsSpace(r) }) >= 0 {
		return "", nil // binary noise, not a scanned code
	}
	return text, nil
}
