package inspection

import "errors"

// Sentinel errors. Callers test them with errors.Is; the messages are in
// Chinese because they reach the user.
var (
	// ErrNotFound: the record asked for does not exist.
	ErrNotFound = errors.New("记录不存在")
	// ErrFinalized: the inspection has been finalized (signed) and can no
	// longer be changed; corrections are made as an amendment.
	ErrFinalized = errors.New("检查记录已签字定稿，不能修改；如需更正请新建更正记录")
	// ErrIncomplete: an inspection cannot be finalized yet.
	ErrIncomplete = errors.New("检查记录尚未填写完整")
	// ErrInvalid: a value fails validation (the wrapped error says which).
	ErrInvalid = errors.New("数据不合法")
	// ErrInvalidTemplate: a template fails validation.
	ErrInvalidTemplate = errors.New("检查模板不合法")
)
