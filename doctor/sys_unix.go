//go:build unix

package doctor

import (
	"os"
	"syscall"
)

// diskSpace returns the bytes available to unprivileged users and the size of the file system
// that holds dir.
func diskSpace(dir string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, err
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), nil
}

// keepOwner gives the files SQLite and the store create next to the database (the WAL, its
// index and the lock file) the database file's owner. Run as root while the hub is stopped, the
// doctor would otherwise leave them owned by root, and the hub, running as fengqiao, could no
// longer open its database.
func keepOwner(dbPath string) {
	if os.Geteuid() != 0 {
		return
	}
	fi, err := os.Stat(dbPath)
	if err != nil {
		return
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	for _, suffix := range []string{"-wal", "-shm", ".lock"} {
		os.Lchown(dbPath+suffix, int(st.Uid), int(st.Gid)) // absent files are fine
	}
}
