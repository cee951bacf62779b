package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// CheckFraming makes hs refuse, with 400 and by closing the connection, a
// request that carries both Content-Length and Transfer-Encoding: RFC
// 9112 (6.3) lets a server refuse it, and a proxy in front may frame its
// body otherwise than net/http does. net/http drops the Content-Length
// before a handler could see it, so the check is made on the bytes the
// connections read: serve hs on the listener CheckFraming returns. It
// sets hs.ConnContext (calling the one already set) and turns off
// net/http's own answer to "OPTIONS *", so that every request read
// reaches the handler. The check reads plain-text HTTP/1.x: it does
// nothing for a connection served over TLS.
func CheckFraming(hs *http.Server, ln net.Listener) net.Listener {
	prev := hs.ConnContext
	hs.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if prev != nil {
			ctx = prev(ctx, c)
		}
		if fc, ok := c.(*framedConn); ok {
			ctx = context.WithValue(ctx, framedConnKey{}, fc)
		}
		return ctx
	}
	hs.DisableGeneralOptionsHandler = true
	return framingListener{ln}
}

type framingListener struct{ net.Listener }

func (l framingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &framedConn{Conn: c}, nil
}

type framedConnKey struct{}

// framedConn scans what it reads (frameScanner) before net/http parses it.
type framedConn struct {
	net.Conn
	// mu orders the scans of net/http's reader goroutines (one at a time,
	// but not always the same goroutine).
	mu   sync.Mutex
	scan frameScanner
	// bad is the number of the first request to refuse, and served counts
	// the requests handled: net/http hands them over in order, and closes
	// the connection after any request it refuses itself.
	bad, served atomic.Int64
}

func (c *framedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.scan.state != scanStopped {
			c.scan.scan(p[:n])
			c.bad.Store(c.scan.bad)
		}
		c.mu.Unlock()
	}
	return n, err
}

// CloseWrite and ReadFrom keep what net/http does with a TCP connection:
// a graceful close, and sendfile.
func (c *framedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}

func (c *framedConn) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(c.Conn, r)
}

// errFraming refuses a request with both Content-Length and
// Transfer-Encoding, or one whose framing the check could not follow.
var errFraming = &statusError{http.StatusBadRequest, "request: both Content-Length and Transfer-Encoding (or framing fields that cannot be read); send the body with one of them"}

// checkFraming counts r as handled on its connection and tells whether
// it is a request to refuse (see CheckFraming).
func checkFraming(r *http.Request) error {
	c, ok := r.Context().Value(framedConnKey{}).(*framedConn)
	if !ok {
		return nil
	}
	if n := c.served.Add(1); n == c.bad.Load() {
		return errFraming
	}
	return nil
}
