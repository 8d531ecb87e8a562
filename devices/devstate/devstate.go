// Package devstate lets other processes ask the kiosk about the devices it holds. The kiosk
// opens its serial ports exclusively, so the doctor and `fengqiao devices` cannot open them
// while it runs; they ask the kiosk's Unix socket instead and report "in use by the kiosk: 就绪".
//
// The protocol is one JSON line each way: the client sends {"port":"/dev/ttyUSB0"} (or {} for
// every device) and the server answers {"devices":[{"name":"reader","port":…,"state":"就绪"}]}.
package devstate

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Device is the state of one device the kiosk holds.
type Device struct {
	Name  string `json:"name"`  // "reader", "scanner", "printer"
	Port  string `json:"port"`  // the path the kiosk opened, e.g. /dev/fengqiao-idcard
	State string `json:"state"` // for people: 就绪, 故障…, "paper near end"
}

type request struct {
	Port string `json:"port,omitempty"`
}

type response struct {
	Devices []Device `json:"devices"`
}

// DefaultPath is where the kiosk's socket lives: $XDG_RUNTIME_DIR/fengqiao-kiosk.sock, or
// /run/fengqiao/kiosk.sock without XDG_RUNTIME_DIR.
func DefaultPath() string {
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		return filepath.Join(dir, "fengqiao-kiosk.sock")
	}
	return "/run/fengqiao/kiosk.sock"
}

// Serve answers on a Unix socket at path until ctx ends, with the devices state returns at the
// time of each question. A stale socket file is replaced.
func Serve(ctx context.Context, path string, state func() []Device) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("device state socket: %w", err)
	}
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("device state socket: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	defer os.Remove(path)
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("device state socket: %w", err)
		}
		go answer(c, state)
	}
}

func answer(c net.Conn, state func() []Device) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	var req request
	line, err := bufio.NewReader(c).ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &req) != nil {
		return
	}
	resp := response{Devices: []Device{}}
	for _, d := range state() {
		if req.Port == "" || samePort(req.Port, d.Port) {
			resp.Devices = append(resp.Devices, d)
		}
	}
	json.NewEncoder(c).Encode(resp)
}

// samePort reports whether two paths name one device, through symbolic links.
func samePort(a, b string) bool {
	if a == b {
		return true
	}
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}

// ErrNoKiosk is wrapped by Ask's error when no kiosk answers at the socket.
var ErrNoKiosk = errors.New("no kiosk answering")

// Ask asks the kiosk at the socket path about the device at port ("" for all of them).
func Ask(ctx context.Context, path, port string) ([]Device, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("ask the kiosk: %w: %w", ErrNoKiosk, err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	} else {
		c.SetDeadline(time.Now().Add(2 * time.Second))
	}
	b, _ := json.Marshal(request{Port: port})
	if _, err := c.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("ask the kiosk: %w", err)
	}
	var resp response
	if err := json.NewDecoder(c).Decode(&resp); err != nil {
		return nil, fmt.Errorf("ask the kiosk: %w", err)
	}
	return resp.Devices, nil
}

// Describe returns "in use by the kiosk: 就绪" for the device at port, or "" when no kiosk
// answers about it.
func Describe(ctx context.Context, path, port string) string {
	devs, err := Ask(ctx, path, port)
	if err != nil || len(devs) == 0 {
		return ""
	}
	return "in use by the kiosk: " + devs[0].State
}
