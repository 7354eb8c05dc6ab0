package store

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// savedNothing turns SQLite's "database or disk is full" in a write
// transaction (rolled back: nothing of it was saved) into ErrDiskFull with
// a message a person can act on. Other errors pass unchanged.
func savedNothing(err error) error {
	var se *sqlite.Error
	if errors.Is(err, ErrDiskFull) || !errors.As(err, &se) || se.Code()&0xff != 13 {
		return err
	}
	return fmt.Errorf("%w，本次修改未保存，数据文件保持原样；请腾出磁盘空间后重试（%w）", ErrDiskFull, err)
}
