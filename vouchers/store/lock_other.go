//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// lock creates path.lock exclusively (no flock on this system). A process
// that crashes leaves the file behind: remove it by hand once no process
// has the journal open; the error says so.
func lock(path string, shared bool) (func() error, error) {
	if shared {
		return func() error { return nil }, nil
	}
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		data, _ := os.ReadFile(path + ".lock")
		pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
		return nil, &LockedError{Path: path, PID: pid, stale: true}
	}
	if err != nil {
		return nil, fmt.Errorf("vouchers/store: locking %s: %w", path, err)
	}
	_, _ = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	f.Close()
	return func() error { return os.Remove(path + ".lock") }, nil
}
