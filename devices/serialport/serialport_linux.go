//go:build linux

package serialport

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// open opens path non-blocking and locks it; baud > 0 also puts a terminal in raw 8N1 mode.
func open(path string, baud int) (*Port, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EBUSY) {
		return nil, &os.PathError{Op: "open", Path: path, Err: ErrInUse}
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	fail := func(op string, err error) (*Port, error) {
		unix.Close(fd)
		return nil, &os.PathError{Op: op, Path: path, Err: err}
	}
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		if errors.Is(err, unix.EWOULDBLOCK) {
			err = ErrInUse
		}
		return fail("lock", err)
	}
	tty := unix.IoctlSetInt(fd, unix.TIOCEXCL, 0) == nil
	if baud > 0 {
		if !tty {
			return fail("open", fmt.Errorf("not a serial port"))
		}
		if err := setRaw(fd, baud); err != nil {
			unix.IoctlSetInt(fd, unix.TIOCNXCL, 0)
			return fail("set line", err)
		}
	}
	p := &Port{f: os.NewFile(uintptr(fd), path), path: path}
	if tty {
		// TIOCEXCL stays on the terminal until its last close; lift it when we let go, so a
		// simulator's pty that stays open is not left exclusive.
		p.unlock = func() { unix.IoctlSetInt(fd, unix.TIOCNXCL, 0) }
	}
	return p, nil
}

// setRaw sets the terminal to raw 8N1 at baud, ignoring modem lines, and flushes its buffers.
func setRaw(fd, baud int) error {
	speed, ok := speeds[baud]
	if !ok {
		return fmt.Errorf("unsupported baud rate %d", baud)
	}
	t, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return fmt.Errorf("get termios: %w", err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF | unix.IXANY
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB | unix.CSTOPB | unix.CRTSCTS
	t.Cflag |= unix.CS8 | unix.CREAD | unix.CLOCAL
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	setSpeed(t, speed)
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, t); err != nil {
		return fmt.Errorf("set termios: %w", err)
	}
	return flush(fd)
}

const (
	ioctlGetTermios = unix.TCGETS
	ioctlSetTermios = unix.TCSETS
)

var speeds = map[int]uint32{
	1200: unix.B1200, 2400: unix.B2400, 4800: unix.B4800, 9600: unix.B9600, 19200: unix.B19200,
	38400: unix.B38400, 57600: unix.B57600, 115200: unix.B115200, 230400: unix.B230400,
	460800: unix.B460800, 921600: unix.B921600,
}

func setSpeed(t *unix.Termios, speed uint32) {
	t.Cflag &^= unix.CBAUD
	t.Cflag |= speed
	t.Ispeed, t.Ospeed = speed, speed
}

func flush(fd int) error { return unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIOFLUSH) }
