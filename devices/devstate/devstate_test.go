package devstate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fengqiao/devices/devstate"
)

func TestServeAndAsk(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "kiosk.sock")
	port := filepath.Join(dir, "ttyUSB0")
	os.WriteFile(port, nil, 0o600)
	link := filepath.Join(dir, "fengqiao-idcard")
	os.Symlink(port, link)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- devstate.Serve(ctx, sock, func() []devstate.Device {
			return []devstate.Device{{Name: "reader", Port: link, State: "就绪"}, {Name: "printer", Port: "tcp:10.0.0.5:9100", State: "paper near end"}}
		})
	}()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
	}
	if got := devstate.Describe(context.Background(), sock, port); got != "in use by the kiosk: 就绪" {
		t.Errorf("Describe(%s) = %q", port, got)
	}
	all, err := devstate.Ask(context.Background(), sock, "")
	if err != nil || len(all) != 2 || all[1].State != "paper near end" {
		t.Errorf("Ask all = %+v, %v", all, err)
	}
	if got := devstate.Describe(context.Background(), sock, "/dev/ttyS9"); got != "" {
		t.Errorf("Describe of a port the kiosk does not hold = %q", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := devstate.Ask(context.Background(), sock, ""); !errors.Is(err, devstate.ErrNoKiosk) {
		t.Errorf("Ask with no kiosk: %v, want ErrNoKiosk", err)
	}
}
