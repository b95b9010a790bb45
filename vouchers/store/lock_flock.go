//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lock takes an flock on path.lock, exclusive for a writer and shared for a
// reader. The kernel releases it when the process ends, however it ends, so
// a crash leaves no stale lock.
func lock(path string, shared bool) (func() error, error) {
	flag := os.O_RDWR | os.O_CREATE
	if shared {
		flag = os.O_RDONLY | os.O_CREATE
	}
	f, err := os.OpenFile(path+".lock", flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("vouchers/store: locking %s: %w", path, err)
	}
	how := syscall.LOCK_EX
	if shared {
		how = syscall.LOCK_SH
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			data, _ := os.ReadFile(path + ".lock")
			pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
			return nil, &LockedError{Path: path, PID: pid}
		}
		return nil, fmt.Errorf("vouchers/store: locking %s: %w", path, err)
	}
	if !shared {
		// Say who holds it, for the error a second writer gets.
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
	}
	return func() error {
		if !shared {
			_ = f.Truncate(0)
		}
		return f.Close() // closing releases the flock
	}, nil
}
