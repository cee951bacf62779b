package server

import (
	"bytes"
	"strconv"
	"strings"
)

// frameScanner follows the framing of the HTTP/1.x requests a connection
// reads — each head, then each body by its Content-Length or its chunked
// encoding — as net/http reads them, to see every head whole. net/http
// drops a Content-Length that comes with Transfer-Encoding: chunked
// before any handler sees the request, and such a request is the one
// that a proxy in front may frame otherwise (request smuggling).
//
// Where it cannot tell what net/http makes of the bytes it gives up, and
// marks the request whose head it was reading (or the next one) as bad:
// answering that with 400 and closing the connection is always safe. So
// it need not follow the framing of requests net/http refuses, since
// net/http closes the connection after those.
type frameScanner struct {
	state scanState
	// line is the line being read, up to maxScanLine bytes; long is set
	// when it was longer.
	line []byte
	long bool
	// skip is how many CR and LF bytes net/http skips before the next
	// request line (after a POST, for old clients' sake).
	skip int
	// The head being read: its lines so far, whether it is a POST and at
	// least HTTP/1.1, its Content-Length and Transfer-Encoding values,
	// and whether the last field was one of those (for folded lines).
	lines       int
	post, http1 bool
	cl, te      []string
	lastFraming bool
	// remain is what is left of a body or a chunk.
	remain uint64
	// heads counts the heads read whole; bad is the number of the first
	// request to refuse (0: none yet). Once bad is set, scanning stops.
	heads, bad int64
}

type scanState int

const (
	scanHead scanState = iota
	scanBody
	scanChunkSize
	scanChunkData
	scanChunkEnd // the CRLF after a chunk's data
	scanTrailer
	scanStopped
)

// maxScanLine bounds the line kept: a request line or a framing field
// longer than that is refused rather than followed. net/http reads chunk
// lines into a 4 KiB buffer, and refuses longer ones itself.
const maxScanLine = 8 << 10

// scan follows the framing of p, the next bytes of the connection.
func (f *frameScanner) scan(p []byte) {
	for len(p) > 0 {
		switch f.state {
		case scanStopped:
			return
		case scanBody, scanChunkData:
			n := uint64(len(p))
			if n > f.remain {
				n = f.remain
			}
			f.remain -= n
			p = p[n:]
			if f.remain == 0 {
				if f.state == scanBody {
					f.state = scanHead
				} else {
					f.state = scanChunkEnd
					f.remain = 2
				}
			}
		case scanChunkEnd:
			// net/http wants exactly CRLF here.
			want := "\r\n"[2-f.remain]
			if p[0] != want {
				f.stop(f.heads + 1)
				return
			}
			p = p[1:]
			if f.remain--; f.remain == 0 {
				f.state = scanChunkSize
			}
		default:
			if f.state == scanHead && f.skip > 0 && f.lines == 0 && len(f.line) == 0 && !f.long {
				if p[0] == '\r' || p[0] == '\n' {
					p = p[1:]
					f.skip--
					continue
				}
				f.skip = 0
			}
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				f.keep(p)
				return
			}
			line, long := p[:i+1], false
			if len(f.line) > 0 || f.long || len(line) > maxScanLine {
				// The line began in an earlier read, or is too long.
				f.keep(line)
				line, long = f.line, f.long
				f.line, f.long = f.line[:0], false
				if cap(line) > 1<<10 {
					f.line = nil // a long line's buffer is not kept for the connection's life
				}
			}
			p = p[i+1:]
			f.endLine(line, long)
		}
	}
}

// keep adds p to the line being read, up to maxScanLine bytes.
func (f *frameScanner) keep(p []byte) {
	room := maxScanLine - len(f.line)
	if len(p) > room {
		p = p[:room]
		f.long = true
	}
	f.line = append(f.line, p...)
}

// stop marks request n as the one to refuse and stops scanning.
func (f *frameScanner) stop(n int64) {
	f.bad = n
	f.state = scanStopped
	f.line = nil
}

// endLine takes a whole line, its LF included unless it was too long.
func (f *frameScanner) endLine(line []byte, long bool) {
	switch f.state {
	case scanHead:
		f.headLine(trimEOL(line), long)
	case scanChunkSize:
		f.chunkSize(line, long)
	case scanTrailer:
		if len(trimEOL(line)) == 0 && !long {
			f.state = scanHead
		}
	}
}

// trimEOL removes the LF and a CR before it, as net/http's header reader
// does.
func trimEOL(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// headLine takes a line of a request's head.
func (f *frameScanner) headLine(line []byte, long bool) {
	f.lines++
	if f.lines == 1 {
		method, _, _ := bytes.Cut(line, []byte(" "))
		minor, ok := httpMinor(line)
		if long || !ok {
			f.stop(f.heads + 1)
			return
		}
		f.post, f.http1 = string(method) == "POST", minor >= 1
		return
	}
	if len(line) == 0 && !long {
		f.endHead()
		return
	}
	if line[0] == ' ' || line[0] == '\t' {
		// A folded line continues the field before it.
		if f.lastFraming {
			f.stop(f.heads + 1)
		}
		return
	}
	name, value, _ := bytes.Cut(line, []byte(":"))
	isCL := len(name) == len(nameCL) && bytes.EqualFold(name, nameCL)
	isTE := len(name) == len(nameTE) && bytes.EqualFold(name, nameTE)
	f.lastFraming = isCL || isTE
	switch {
	case f.lastFraming && long:
		f.stop(f.heads + 1)
	case isCL:
		f.cl = append(f.cl, string(bytes.Trim(value, " \t")))
	case isTE:
		f.te = append(f.te, string(bytes.Trim(value, " \t")))
	}
}

var nameCL, nameTE = []byte("Content-Length"), []byte("Transfer-Encoding")

// httpMinor reads the minor version of an HTTP/1.x request line; net/http
// refuses every other major version.
func httpMinor(line []byte) (int, bool) {
	const prefix = "HTTP/1."
	i := bytes.LastIndexByte(line, ' ')
	if i < 0 || !bytes.HasPrefix(line[i+1:], []byte(prefix)) || len(line[i+1:]) != len(prefix)+1 {
		return 0, false
	}
	d := line[len(line)-1]
	if d < '0' || d > '9' {
		return 0, false
	}
	return int(d - '0'), true
}

// endHead decides how the body of the head just read is framed, as
// net/http does: Transfer-Encoding (chunked, from HTTP/1.1 on) over
// Content-Length; neither means no body. Both is the request to refuse.
func (f *frameScanner) endHead() {
	f.heads++
	cl, te, post, http1 := f.cl, f.te, f.post, f.http1
	f.cl, f.te, f.lines, f.lastFraming = f.cl[:0], f.te[:0], 0, false
	f.skip = 0
	if post {
		f.skip = 4
	}
	f.state = scanHead
	switch {
	case len(cl) > 0 && len(te) > 0:
		f.stop(f.heads)
	case len(te) > 0 && http1:
		if len(te) != 1 || !strings.EqualFold(te[0], "chunked") {
			f.stop(f.heads + 1) // net/http refuses it
			return
		}
		f.state = scanChunkSize
	case len(cl) > 0:
		n, ok := contentLength(cl)
		if !ok {
			f.stop(f.heads + 1) // net/http refuses it
			return
		}
		if n > 0 {
			f.state, f.remain = scanBody, n
		}
	}
}

// contentLength reads Content-Length values as net/http does: repeated
// values must be equal, and a number.
func contentLength(vs []string) (uint64, bool) {
	for _, v := range vs[1:] {
		if v != vs[0] {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(vs[0], 10, 63)
	return n, err == nil
}

// chunkSize takes a chunk-size line, as net/http reads it: CRLF ended, no
// other CR, an extension after ";" ignored, at most 16 hex digits.
func (f *frameScanner) chunkSize(line []byte, long bool) {
	body, ok := bytes.CutSuffix(line, []byte("\r\n"))
	if long || !ok || bytes.IndexByte(body, '\r') >= 0 {
		f.stop(f.heads + 1)
		return
	}
	body = bytes.TrimRight(body, " \t")
	body, _, _ = bytes.Cut(body, []byte(";"))
	if len(body) == 0 || len(body) > 16 {
		f.stop(f.heads + 1)
		return
	}
	n, err := strconv.ParseUint(string(body), 16, 64)
	if err != nil {
		f.stop(f.heads + 1)
		return
	}
	if n == 0 {
		f.state = scanTrailer
		return
	}
	f.state, f.remain = scanChunkData, n
}
