package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked: another program (a second window of the app, or a jiayuanctl
// command that writes) has the data file open for writing.
var ErrLocked = errors.New("数据文件正被另一个家园巡检程序使用")

// Lock is the exclusive right to write a data file, held as an operating
// system lock on the file next to it (F.lock: flock on Linux and macOS,
// LockFileEx on Windows). The system drops it when the process ends, so a
// crash or a kill never leaves a stale lock; the lock file itself stays
// and only says which process last held it.
//
// Why it matters beyond tidiness: the hybrid logical clock that versions
// every change lives in the process (persisted, but read once at Open),
// so two writers with the same device key could give two different changes
// the same version. SQLite alone keeps the file consistent; the lock keeps
// the versions unique.
type Lock struct {
	f    *os.File
	path string
}

// LockPath is the lock file of the data file at dataPath.
func LockPath(dataPath string) string { return dataPath + ".lock" }

// LockFile takes the write lock of the data file at dataPath without
// waiting. When another process holds it, the error wraps ErrLocked and
// says, in Chinese, which process.
func LockFile(dataPath string) (*Lock, error) {
	path := LockPath(dataPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("无法创建锁文件 %s：%w", path, err)
	}
	if err := lockFile(f); err != nil {
		holder := readHolder(path)
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("%w（%s）：数据文件 %s 已在另一个窗口或程序中打开。同一数据文件同时只能由一个程序修改，"+
				"请切换到已打开的家园巡检窗口，或关闭它后再试", ErrLocked, holder, dataPath)
		}
		return nil, fmt.Errorf("无法锁定数据文件 %s：%w", dataPath, err)
	}
	host, _ := os.Hostname()
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(fmt.Sprintf("pid %d\nhost %s\n", os.Getpid(), host)), 0)
	}
	return &Lock{f: f, path: path}, nil
}

// readHolder describes the process named in a lock file.
func readHolder(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "进程未知"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if pid, ok := strings.CutPrefix(line, "pid "); ok {
			if _, err := strconv.Atoi(pid); err == nil {
				return "进程 " + pid
			}
		}
	}
	return "进程未知"
}

// Close releases the lock.
func (l *Lock) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
