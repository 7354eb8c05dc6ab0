package exchange

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/jiayuan-inspect/jiayuan/store"
	"modernc.org/sqlite"
)

// ErrWriteFailed: SQLite could not write its file (SQLITE_IOERR): the
// disk is full beyond a size limit, read-only, failing, or was unplugged.
var ErrWriteFailed = errors.New("写入磁盘失败（磁盘已满、只读或已拔出）")

// noSpace marks a write that failed because the disk (or a size limit) is
// full — ENOSPC, EFBIG, EDQUOT or SQLite's SQLITE_FULL — as
// store.ErrDiskFull, so the message starts with 磁盘空间不足; SQLite's
// I/O errors (which is what it makes of EFBIG) as ErrWriteFailed.
func noSpace(err error) error {
	if err == nil || errors.Is(err, store.ErrDiskFull) {
		return err
	}
	var se *sqlite.Error
	isSQLite := errors.As(err, &se)
	switch {
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) || isQuota(err) || (isSQLite && se.Code()&0xff == 13):
		return fmt.Errorf("%w（%w）", store.ErrDiskFull, err)
	case isSQLite && se.Code()&0xff == 10:
		return fmt.Errorf("%w（%w）", ErrWriteFailed, err)
	}
	return err
}
