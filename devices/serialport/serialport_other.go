//go:build !linux

package serialport

import (
	"errors"
	"os"
	"time"

	"github.com/tarm/serial"
)

// open opens the port with github.com/tarm/serial. Windows opens COM ports exclusively by
// itself; a second open fails with access denied, reported as ErrInUse.
func open(path string, baud int) (*Port, error) {
	if baud == 0 {
		return nil, &os.PathError{Op: "open", Path: path, Err: errors.ErrUnsupported}
	}
	sp, err := serial.OpenPort(&serial.Config{Name: path, Baud: baud, ReadTimeout: 100 * time.Millisecond})
	if errors.Is(err, os.ErrPermission) {
		return nil, &os.PathError{Op: "open", Path: path, Err: ErrInUse}
	}
	if err != nil {
		return nil, err
	}
	return &Port{f: noDeadlines{sp}, path: path}, nil
}

type noDeadlines struct{ *serial.Port }

func (noDeadlines) SetDeadline(time.Time) error      { return os.ErrNoDeadline }
func (noDeadlines) SetReadDeadline(time.Time) error  { return os.ErrNoDeadline }
func (noDeadlines) SetWriteDeadline(time.Time) error { return os.ErrNoDeadline }
