// Package e2e tests sokbo end to end: the real binary, built once per test
// run, serves a fresh database, and a headless Chromium, driven over the
// DevTools protocol with chromedp, reads its pages as a person's browser
// does (live updates, feeds opened in a tab, accessibility, screenshots).
//
// The tests need Chromium (Debian: apt-get install chromium fonts-noto-cjk;
// scripts/test.sh installs both). Without it they fail, they never skip.
// Screenshots go to $SOKBO_ARTIFACTS, or to e2e/artifacts/ when it is unset.
//
// The helpers here are for every test of the package:
//
//	s := startSokbo(t)            // a server on a free 127.0.0.1 port
//	id := s.Post(t, doc)          // POST /api/articles, fatal unless 2xx
//	ctx := newBrowser(t)          // a fresh tab, closed when the test ends
//	err := chromedp.Do(ctx, chromedp.Navigate(s.URL))
//	err = waitFor(ctx, `document.querySelector("#live").dataset.live == "on"`)
//	n := eval[int](t, ctx, `document.querySelectorAll("li").length`)
//	colorScheme(t, ctx, "dark")   // prefers-color-scheme, live
//	screenshot(t, ctx, "index-desktop", 1280)
//	other := serveOrigin(t, html) // a page on a second origin
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// token is the bearer token of every server the tests start.
const token = "e2e-test-token-0123456789abcdef"

// tabTimeout bounds everything one test does in its tab.
const tabTimeout = 30 * time.Second

func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binDir holds the built binary; TestMain removes it.
var binDir string

// buildSokbo builds cmd/sokbo once per test binary run.
var buildSokbo = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "sokbo-e2e-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "sokbo")
	out, err := exec.Command("go", "build", "-o", bin, "sokbo/cmd/sokbo").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build sokbo/cmd/sokbo: %v\n%s", err, out)
	}
	return bin, nil
})

// sokbo is a sokbo server running as a separate process, with its own
// database in the test's temporary directory.
type sokbo struct {
	// URL is the server's base URL, "http://127.0.0.1:PORT/" (also its
	// site.base_url, so the links of its pages and feeds start with it).
	URL string

	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error // receives cmd.Wait's result
}

// startSokbo starts a server with the default configuration (Korean site,
// Asia/Seoul, live streams on) on a free port of 127.0.0.1. It is killed
// when the test ends; a failed test logs its output.
func startSokbo(t *testing.T) *sokbo {
	t.Helper()
	return startSokboConfig(t, "")
}

// startSokboConfig is startSokbo with a configuration file of the given
// YAML (config.example.yaml documents the keys); "" means none. listen,
// database, site.base_url and token come from the environment and win
// over the file.
func startSokboConfig(t *testing.T, config string) *sokbo {
	t.Helper()
	bin, err := buildSokbo()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	args := []string{"serve"}
	if config != "" {
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-config", path)
	}
	addr := freeAddr(t)
	s := &sokbo{URL: "http://" + addr + "/", logs: &syncBuffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = append(os.Environ(),
		"SOKBO_ADDR="+addr,
		"SOKBO_DB="+filepath.Join(dir, "sokbo.db"),
		"SOKBO_TOKEN="+token,
		"SOKBO_BASE_URL="+s.URL)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-s.done
		if out := s.logs.String(); t.Failed() && out != "" {
			t.Logf("sokbo's output:\n%s", out)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		if res, err := http.Get(s.URL + "healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.done:
			s.done <- err // for the cleanup
			t.Fatalf("sokbo serve exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sokbo serve did not answer %shealthz within 15 s", s.URL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Post posts an article document (YAML front matter, then a Markdown or
// HTML body) to POST /api/articles and returns the stored article's id.
// Anything but a 2xx answer is fatal.
func (s *sokbo) Post(t *testing.T, doc string) (id string) {
	t.Helper()
	res, body := s.do(t, "POST", "api/articles", "text/markdown; charset=utf-8", doc)
	if res.StatusCode/100 != 2 {
		t.Fatalf("POST /api/articles: %s\n%s", res.Status, body)
	}
	var a struct{ ID string }
	if err := json.Unmarshal(body, &a); err != nil || a.ID == "" {
		t.Fatalf("POST /api/articles: no id in the answer (%v): %s", err, body)
	}
	return a.ID
}

// Delete deletes an article with DELETE /api/articles/{id}. Anything but
// a 2xx answer is fatal.
func (s *sokbo) Delete(t *testing.T, id string) {
	t.Helper()
	res, body := s.do(t, "DELETE", "api/articles/"+pathEscape(id), "", "")
	if res.StatusCode/100 != 2 {
		t.Fatalf("DELETE /api/articles/%s: %s\n%s", id, res.Status, body)
	}
}

// Get fetches path (relative to s.URL) with the given Accept header (none
// when "") and returns the response, whose body is read and closed, and
// the body.
func (s *sokbo) Get(t *testing.T, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return send(t, req)
}

// do sends an authorized request to s.
func (s *sokbo) do(t *testing.T, method, path, ctype, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return send(t, req)
}

var client = &http.Client{Timeout: 10 * time.Second}

func send(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL, err)
	}
	return res, body
}

// pathEscape escapes one path segment.
func pathEscape(s string) string { return url.PathEscape(s) }

// freeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serveOrigin serves html at "/" of a second origin, an HTTP server on
// another port of 127.0.0.1, for the test's duration, and returns its URL
// ("http://127.0.0.1:PORT/"). Other paths are 404.
func serveOrigin(t *testing.T, html string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, html)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// The browser: one headless Chromium per test binary run, started by the
// first newBrowser and stopped by TestMain; each test gets a tab of its own
// in a browser context of its own (cookies, cache and storage not shared).
var browser struct {
	once   sync.Once
	ctx    context.Context // the first tab's; its browser is everybody's
	cancel func()          // stops Chromium and waits for it
	err    error
	output syncBuffer // Chromium's stderr
}

// chromiumPath is where Chromium is: chromium on $PATH, else Debian's.
func chromiumPath() (string, error) {
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	const debian = "/usr/bin/chromium"
	if fi, err := os.Stat(debian); err == nil && fi.Mode()&0o111 != 0 {
		return debian, nil
	}
	return "", errors.New("chromium not found (neither on $PATH nor /usr/bin/chromium): " +
		"the e2e tests need it — apt-get install chromium fonts-noto-cjk, or run scripts/test.sh, which does")
}

func startBrowser() (context.Context, error) {
	browser.once.Do(func() {
		path, err := chromiumPath()
		if err != nil {
			browser.err = err
			return
		}
		// No user-data-dir: chromedp makes a fresh one in the temporary
		// directory, and removes it once it has killed every process of
		// the browser (found by that directory).
		actx, acancel := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox, // the tests may run as root, in a container
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.WindowSize(1280, 800),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("disable-default-apps", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-background-timer-throttling", true),
			chromedp.Flag("disable-renderer-backgrounding", true),
			chromedp.Flag("disable-backgrounding-occluded-windows", true),
			chromedp.Flag("mute-audio", true),
			chromedp.Flag("force-color-profile", "srgb"),
			chromedp.Flag("lang", "ko-KR"),
			chromedp.CombinedOutput(&browser.output),
		)
		bctx, bcancel := chromedp.NewContext(actx)
		browser.ctx = bctx
		browser.cancel = func() { bcancel(); acancel() }
		if err := chromedp.Do(bctx); err != nil {
			browser.err = fmt.Errorf("starting %s: %v\n%s", path, err, browser.output.String())
		}
	})
	return browser.ctx, browser.err
}

func stopBrowser() {
	if browser.cancel != nil {
		browser.cancel()
	}
}

// newBrowser opens a tab, in a browser context of its own, and returns its
// context, which ends after tabTimeout (30 s) or with the test; the tab is
// closed then. A test fails when its pages threw an uncaught JavaScript
// exception, called console.error or broke a rule of their
// Content-Security-Policy (see allowPageErrors).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	bctx, err := startBrowser()
	if err != nil {
		t.Fatal(err)
	}
	pe := &pageErrorLog{}
	tctx, cancelTimeout := context.WithTimeout(bctx, tabTimeout)
	ctx, cancelTab := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(pe.record))
	ctx = context.WithValue(ctx, pageErrorKey{}, pe)
	if err := chromedp.Do(ctx); err != nil {
		cancelTab()
		cancelTimeout()
		t.Fatalf("opening a tab: %v", err)
	}
	t.Cleanup(func() {
		cancelTab()
		cancelTimeout()
		if errs := pe.unexpected(); len(errs) > 0 {
			t.Errorf("the pages reported %d error(s):\n%s", len(errs), strings.Join(errs, "\n"))
		}
	})
	return ctx
}

// pageErrorLog collects what a tab's pages reported as errors.
type pageErrorLog struct {
	mu      sync.Mutex
	errs    []string
	allowed []string
}

type pageErrorKey struct{}

func (p *pageErrorLog) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		msg += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		msg = "console.error: " + strings.Join(parts, " ")
	case *log.EventEntryAdded:
		e := ev.Entry
		// A resource that fails to load (an offline image, a 404 the
		// test asks for) is the network's business, not the page's.
		if e.Level != log.EntryLevelError || e.Source == log.EntrySourceNetwork {
			return
		}
		msg = fmt.Sprintf("%s error: %s (%s)", e.Source, e.Text, e.URL)
	default:
		return
	}
	p.mu.Lock()
	p.errs = append(p.errs, msg)
	p.mu.Unlock()
}

func (p *pageErrorLog) unexpected() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, e := range p.errs {
		ok := false
		for _, a := range p.allowed {
			ok = ok || strings.Contains(e, a)
		}
		if !ok {
			out = append(out, e)
		}
	}
	return out
}

// allowPageErrors lets the pages of the tab ctx (from newBrowser) report
// errors that contain substr — for a test that expects, say, a
// Content-Security-Policy to refuse something.
func allowPageErrors(ctx context.Context, substr string) {
	if p, ok := ctx.Value(pageErrorKey{}).(*pageErrorLog); ok {
		p.mu.Lock()
		p.allowed = append(p.allowed, substr)
		p.mu.Unlock()
	}
}

// waitFor polls the JavaScript expression js in the tab's page every 20 ms
// until it is truthy. It gives up when ctx ends (see context.WithTimeout)
// or the page navigates away.
func waitFor(ctx context.Context, js string) error {
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js,
		chromedp.WithPollingInterval(20*time.Millisecond),
		chromedp.WithPollingTimeout(0)))
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", js, err)
	}
	return nil
}

// eval evaluates the JavaScript expression js in the tab's page and
// decodes its value (JSON) into a T; an error is fatal.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// navigate opens url in the tab and waits for its load event (not for the
// network to be idle: a live page keeps its stream open). It returns the
// HTTP status of the document.
func navigate(t *testing.T, ctx context.Context, url string) int64 {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("navigating to %s: %v", url, err)
	}
	if res == nil {
		t.Fatalf("navigating to %s: no response", url)
	}
	return res.Status
}

// colorScheme makes the tab's pages see prefers-color-scheme: scheme
// ("light" or "dark"), live, without a reload.
func colorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
	if err != nil {
		t.Fatalf("emulating prefers-color-scheme: %s: %v", scheme, err)
	}
	if got := eval[bool](t, ctx, `matchMedia("(prefers-color-scheme: `+scheme+`)").matches`); !got {
		t.Fatalf("prefers-color-scheme: %s is not in effect", scheme)
	}
}

// artifactsDir is where screenshots go: $SOKBO_ARTIFACTS, else
// e2e/artifacts/ (ignored by git).
func artifactsDir() string {
	if d := os.Getenv("SOKBO_ARTIFACTS"); d != "" {
		return d
	}
	return "artifacts"
}

// screenshot saves a full-page PNG of the tab's page laid out width CSS
// pixels wide as name+".png" in the artifacts directory. Below 600 px it
// emulates a phone (844 px high, device scale 2, mobile viewport, touch);
// otherwise a desktop window (800 px high, scale 1). The tab's usual
// viewport is restored afterwards.
func screenshot(t *testing.T, ctx context.Context, name string, width int) {
	t.Helper()
	height, scale := int64(800), 1.0
	opts := []chromedp.EmulateViewportOption{}
	if width < 600 {
		height, scale = 844, 2
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	opts = append(opts, chromedp.EmulateScale(scale))
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(int64(width), height, opts...),
		// The new layout, with its fonts, painted.
		chromedp.Evaluate[chromedp.Void](`document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))`, chromedp.EvalAwaitPromise),
	)
	if err != nil {
		t.Fatalf("screenshot %s: emulating a %d px viewport: %v", name, width, err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{})
		return err
	})); err != nil {
		t.Fatalf("screenshot %s: restoring the viewport: %v", name, err)
	}
	dir := artifactsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d px wide)", path, width)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
