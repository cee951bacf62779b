package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"sokbo/store"
)

const checkAbout = `
Verifies a database file offline: every index entry points to an article,
every article is in each index it belongs to, and the tombstones are sound.
Prints each problem found and exits non-zero if there is any. A running
server holds its file locked: check a backup (sokbo backup), or stop it.`

// runCheck verifies a database file offline.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlagSet("check", "FILE", checkAbout, "")
	if err := parseFlags(fl, args, stdout, stderr); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return usageError(fl, stderr, "needs one database FILE")
	}
	path := fl.Arg(0)
	// Open would fail too, but with the store's words for it.
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%w: check a backup of it instead (sokbo backup FILE), or stop that process", err)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	problems, err := db.Check(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "%s: %d problems\n", path, len(problems))
		return errSilent
	}
	fmt.Fprintf(stdout, "%s: ok\n", path)
	return nil
}
