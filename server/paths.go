package server

import (
	"net/http"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// articleID is the {id} of a request's path in the form ids are stored in.
// Ingest normalizes ids to NFC, so the NFD spelling of the same id (what
// some systems' file names and keyboards produce) must find the same
// article.
func articleID(r *http.Request) string {
	return norm.NFC.String(r.PathValue("id"))
}

// errPathEncoding refuses a path whose percent-decoded bytes are not UTF-8:
// no name or id of the service can be spelled so, and such bytes must not
// reach a page or a JSON answer that repeats part of the path.
var errPathEncoding = &statusError{http.StatusBadRequest, "path: not valid UTF-8; percent-encode each character's UTF-8 bytes"}

// checkPath refuses a request whose path is not valid UTF-8 (see
// errPathEncoding). Query values need no check: those the service reads
// are numbers, or a file name that ingest cleans.
func checkPath(r *http.Request) error {
	if !utf8.ValidString(r.URL.Path) {
		return errPathEncoding
	}
	return nil
}
