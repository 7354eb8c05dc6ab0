// Command jiayuanctl is the headless tool of 家园巡检 for offline batch work
// on a data file: create one, fill it with demo data, list and show its
// records, verify it. It is pure Go (no cgo, no fyne), so it builds for any
// office machine with CGO_ENABLED=0.
//
// Usage: jiayuanctl <command> [arguments]; run "jiayuanctl help". Exit
// status: 0 success, 1 failure (a message on stderr), 2 misuse.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is stamped by make dist (-ldflags "-X main.version=…", from git).
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status. Tests call it
// directly.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "version" || args[0] == "--version") {
		fmt.Fprintf(stdout, "jiayuanctl %s\n", version)
		return 0
	}
	return newCLI(stdout, stderr).run(args)
}
