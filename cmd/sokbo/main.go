// Command sokbo is the sokbo breaking-news feed service.
//
//	sokbo serve [-config FILE]
//	sokbo ingest [-server URL] [-token T] [-j N] FILE|DIR...
//	sokbo backup [-server URL] [-token T] FILE
//	sokbo check FILE
//	sokbo version
//
// Each subcommand has its own file. The command only wires: flags, the
// configuration, the packages and signals; the work is in server and store.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "sokbo:", err)
		}
		os.Exit(1)
	}
}

// errSilent means the failure was already reported.
var errSilent = errors.New("failed")

const usage = `sokbo is a breaking-news feed service.

usage:
  sokbo serve [-config FILE]                          run the service
  sokbo ingest [-server URL] [-token T] FILE|DIR...   post articles to a running service
  sokbo backup [-server URL] [-token T] FILE          save a running service's snapshot
  sokbo check FILE                                    verify a database file offline
  sokbo version                                       print the version

Run "sokbo COMMAND -h" for a command's flags, environment and defaults.
`

// run is the command with its environment passed in, for the tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errSilent
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], getenv, stdout, stderr)
	case "ingest":
		err = runIngest(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		err = runBackup(ctx, args[1:], getenv, stdout, stderr)
	case "check":
		err = runCheck(ctx, args[1:], stdout, stderr)
	case "version", "-version", "--version":
		err = runVersion(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "sokbo: unknown command %q\n\n%s", args[0], usage)
		return errSilent
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h: the usage was asked for, and printed
	}
	return err
}

// newFlagSet returns a subcommand's flag set. Its usage is the synopsis,
// then about (what the command does), the flags with their defaults, and
// env (the environment variables it reads), each left out when empty.
func newFlagSet(name, synopsis, about, env string) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.Usage = func() {
		w := fl.Output()
		fmt.Fprintf(w, "usage: sokbo %s %s\n", name, synopsis)
		if about != "" {
			fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(about))
		}
		hasFlags := false
		fl.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(w, "\nflags:\n")
			fl.PrintDefaults()
		}
		if env != "" {
			fmt.Fprintf(w, "\nenvironment:\n%s\n", strings.TrimRight(env, "\n"))
		}
	}
	return fl
}

// parseFlags parses a subcommand's arguments. -h prints the usage on
// stdout and returns flag.ErrHelp, which run turns into success; a bad
// flag prints the problem and the usage on stderr.
func parseFlags(fl *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	fl.SetOutput(io.Discard) // the reports below replace the flag package's
	err := fl.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fl.SetOutput(stdout)
		fl.Usage()
		return flag.ErrHelp
	case err != nil:
		return usageError(fl, stderr, err.Error())
	}
	return nil
}

// usageError prints a subcommand's problem with its arguments, then its
// usage, on stderr.
func usageError(fl *flag.FlagSet, stderr io.Writer, problem string) error {
	fmt.Fprintf(stderr, "sokbo %s: %s\n\n", fl.Name(), problem)
	fl.SetOutput(stderr)
	fl.Usage()
	return errSilent
}
