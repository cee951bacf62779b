package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// clientEnv is the environment section of the usage of the commands that
// talk to a running server.
const clientEnv = `  SOKBO_SERVER  the server's URL, when there is no -server
  SOKBO_TOKEN   the write token, when there is no -token`

// clientFlags are the -server and -token flags of the commands that talk
// to a running server (ingest, backup).
type clientFlags struct {
	server, token string
}

// register adds the flags to fl. Their defaults stay empty so that the
// usage never prints a token taken from the environment.
func (c *clientFlags) register(fl *flag.FlagSet) {
	fl.StringVar(&c.server, "server", "", "base `URL` of the running service (default $SOKBO_SERVER, else "+defaultServerURL()+")")
	fl.StringVar(&c.token, "token", "", "write token `T` (default $SOKBO_TOKEN, else the file "+tokenPath(defaultDatabase)+" that sokbo serve writes)")
}

// defaultServerURL is where a server with the default configuration
// listens.
func defaultServerURL() string { return "http://" + defaultListen + "/" }

// resolve returns the server's base URL (ending in "/") and the token:
// the flag's, else the environment's, else the default server and the
// token file of a server run from the current directory with the default
// configuration.
func (c *clientFlags) resolve(getenv func(string) string) (base *url.URL, token string, err error) {
	raw, from := c.server, "-server"
	if raw == "" {
		raw, from = getenv("SOKBO_SERVER"), "$SOKBO_SERVER"
	}
	if raw == "" {
		raw, from = defaultServerURL(), "the default server"
	}
	base, err = url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, "", fmt.Errorf("%s %q is not a server URL such as %s", from, raw, defaultServerURL())
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	if token = c.token; token == "" {
		token = getenv("SOKBO_TOKEN")
	}
	if token == "" {
		token, err = savedToken()
	}
	return base, token, err
}

// savedToken reads the token file of a server run from the current
// directory with the default configuration. Without a token there, the
// error says everywhere resolve looked.
func savedToken() (string, error) {
	path := tokenPath(defaultDatabase)
	b, err := os.ReadFile(path)
	if token := strings.TrimSpace(string(b)); token != "" {
		return token, nil
	}
	if abs, aerr := filepath.Abs(path); aerr == nil {
		path = abs
	}
	var found string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		found = path + " does not exist"
	case err != nil:
		found = err.Error()
	default:
		found = path + " is empty"
	}
	return "", fmt.Errorf("no token: no -token flag, $SOKBO_TOKEN is not set, and %s "+
		"(sokbo serve writes the token there, beside its database, when run from this directory with the default configuration)", found)
}

// endpoint is the URL of a path on the server.
func endpoint(base *url.URL, path string) string {
	return base.String() + path
}

// explainDial adds what a newcomer needs to know to an error of a request
// that did not get through to the server.
func explainDial(err error, base *url.URL) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return fmt.Errorf("nothing answers at %s: is sokbo serve running there? (-server or $SOKBO_SERVER name another): %w", base, err)
	}
	return err
}
