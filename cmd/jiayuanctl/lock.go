package main

import (
	"os"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// writes reports whether a command line changes its data file. Those take
// the data file's write lock (store.LockFile), so they are refused while
// the app (or another writing jiayuanctl) has the file open; reading
// commands never take it and work alongside the app.
func writes(name string, args []string) bool {
	has := func(flag string) bool {
		for _, a := range args {
			if a == flag || strings.HasPrefix(a, flag+"=") || a == "-"+strings.TrimPrefix(flag, "--") ||
				strings.HasPrefix(a, "-"+strings.TrimPrefix(flag, "--")+"=") {
				return true
			}
		}
		return false
	}
	switch name {
	case "init", "demo", "gen", "import", "pick", "unpick", "exchange-key", "assign":
		return true
	case "export":
		return has("--since-last") // records the export
	case "conflicts":
		return has("--resolve")
	case "trust":
		return !has("--list")
	case "import-xlsx":
		return has("--apply")
	}
	return false // restore takes the lock itself
}

// dbArg is the value of --db in args ("" when absent).
func dbArg(args []string) string {
	for i, a := range args {
		for _, f := range []string{"--db", "-db"} {
			if a == f && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, f+"="); ok {
				return v
			}
		}
	}
	return ""
}

// lockForWriting takes the write lock of the command's data file when the
// command writes and the file exists (no app can have a file open that
// init or demo is about to create; a mistyped --db leaves no lock file).
// The caller closes the lock.
func lockForWriting(name string, args []string) (*store.Lock, error) {
	path := dbArg(args)
	if path == "" || !writes(name, args) {
		return nil, nil
	}
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return nil, nil
	}
	return store.LockFile(path)
}
