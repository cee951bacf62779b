package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// runVersion prints the version of the build.
func runVersion(args []string, stdout, stderr io.Writer) error {
	fl := newFlagSet("version", "", "Prints the version of this build.", "")
	if err := parseFlags(fl, args, stdout, stderr); err != nil {
		return err
	}
	if fl.NArg() != 0 {
		return usageError(fl, stderr, "takes no arguments")
	}
	fmt.Fprintln(stdout, "sokbo", buildVersion())
	return nil
}

// buildVersion is the version set at build time, else the module's
// version when built with go install, else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
