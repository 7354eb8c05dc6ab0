// Package exchange moves records between installations of 家园巡检 as
// package files (数据交换包, extension .jypkg) carried on a USB stick or
// sent by e-mail: inspector → district office → city bureau, and office →
// inspector for communities and templates.
//
// A package is one file: a small header, a SQLite database holding the
// rows and photos, and an ed25519 signature over every byte before it,
// optionally encrypted to the receiving office with age. Export writes
// one (full, or incremental since the last export to an office); Import
// verifies it as hostile input (signature, trusted signer, format
// version, sizes, schema, every row) and merges it into the local data
// file in one transaction after a backup copy, keeping concurrent edits
// as conflicts for a person to resolve. docs/EXCHANGE.md describes the
// format and the merge rule.
package exchange
