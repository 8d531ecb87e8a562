//go:build unix

// Package ptyline opens the pseudo-terminals that Fengqiao's device simulators answer on, so
// that the real serial code (github.com/tarm/serial) talks to them exactly as to a USB-serial
// device: the line is raw (8 bits, no echo, no line editing, no flow control), the simulator's
// end is pollable (closing it interrupts a blocked Read), and the device can be given a stable
// name, as udev gives a real reader one.
package ptyline

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Open returns a raw pseudo-terminal: master is the simulator's end, slave the device the host
// opens (slave.Name() is its path). With a non-empty link, link is made a symbolic link to the
// device, replacing any earlier one atomically. The caller closes both files.
func Open(link string) (master, slave *os.File, err error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open pty: %w", err)
	}
	defer m.Close() // replaced by a pollable duplicate below
	if err := makeRaw(s); err != nil {
		s.Close()
		return nil, nil, err
	}
	// A non-blocking duplicate of the master joins the runtime poller, so Close ends a Read.
	fd, err := unix.Dup(int(m.Fd()))
	if err == nil {
		if err = unix.SetNonblock(fd, true); err != nil {
			unix.Close(fd)
		}
	}
	if err != nil {
		s.Close()
		return nil, nil, fmt.Errorf("pty master: %w", err)
	}
	master = os.NewFile(uintptr(fd), "ptmx")
	if link != "" {
		if err := Link(s.Name(), link); err != nil {
			master.Close()
			s.Close()
			return nil, nil, err
		}
	}
	return master, s, nil
}

// Link points the symbolic link at link to device, replacing an existing link atomically.
func Link(device, link string) error {
	tmp := filepath.Join(filepath.Dir(link), "."+filepath.Base(link)+".tmp")
	os.Remove(tmp)
	err := os.Symlink(device, tmp)
	if err == nil {
		err = os.Rename(tmp, link)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("link %s: %w", link, err)
	}
	return nil
}

// makeRaw puts the terminal in raw mode before any host opens it.
func makeRaw(f *os.File) error {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("get termios: %w", err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return fmt.Errorf("set termios: %w", err)
	}
	return nil
}
