// Command ingestfloor is the floor under issue 11's target for sokbo,
// "durable ingest ≥ 2,000 articles/s with 32 posters": a minimal HTTP
// server that does, for each POST /api/articles, only the work any correct
// implementation of sokbo's ingest must do with the libraries the project
// is required to use, and none of sokbo's own logic. Run under the same
// poster (bench/floor.sh), its rate is what this machine allows; sokbo's
// rate divided by it is what sokbo's own logic costs.
//
// Per post: the bearer token (constant-time compare with $SOKBO_TOKEN),
// the body (at most 1 MiB), the YAML front matter split off at its ---
// lines and decoded with yaml.v3, the HTML body sanitized by bluemonday
// (the UGC policy plus the text styles sokbo allows, checked by
// bluemonday's own handlers), the sanitized HTML parsed once with
// golang.org/x/net/html and walked once for the plain text and the
// highlighted text (<mark>, or an element whose style sets a colour or
// background), then the article, as JSON, put into a bbolt file under
// "articles" by id with one entry in a "time" index, through db.Batch:
// bbolt's group commit, one transaction and fsync shared by the posts
// that arrive together. It answers 201 {"id": …} once the commit is
// synced (200 when the id was stored already).
//
//	SOKBO_TOKEN=secret ingestfloor -addr 127.0.0.1:18470 -db floor.db
//
// It prints nothing per request. Markdown bodies are not rendered: the
// benchmark corpus is HTML.
package main

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/microcosm-cc/bluemonday/css"
	bolt "go.etcd.io/bbolt"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html"
)

const maxBody = 1 << 20

var (
	bucketArticles = []byte("articles")
	bucketTime     = []byte("time")
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18470", "listen address")
	path := flag.String("db", "ingestfloor.db", "bbolt file")
	batchDelay := flag.Duration("batch-delay", 0, "bbolt's DB.MaxBatchDelay (0: bbolt's default, 10ms)")
	batchSize := flag.Int("batch-size", 0, "bbolt's DB.MaxBatchSize (0: bbolt's default, 1000)")
	flag.Parse()
	token := os.Getenv("SOKBO_TOKEN")
	if token == "" {
		log.Fatal("ingestfloor: set SOKBO_TOKEN")
	}
	db, err := openDB(*path)
	if err != nil {
		log.Fatal("ingestfloor: ", err)
	}
	if *batchDelay > 0 {
		db.MaxBatchDelay = *batchDelay
	}
	if *batchSize > 0 {
		db.MaxBatchSize = *batchSize
	}
	srv := &http.Server{Addr: *addr, Handler: newServer(db, token), ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	fmt.Fprintf(os.Stderr, "ingestfloor: listening on %s, database %s\n", *addr, *path)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal("ingestfloor: ", err)
	}
	if err := db.Close(); err != nil {
		log.Fatal("ingestfloor: ", err)
	}
}

// openDB opens (or creates) the bbolt file with its two buckets, with the
// freelist type sokbo's store uses.
func openDB(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketArticles, bucketTime} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// newServer returns the handler: POST /api/articles, and GET /healthz for
// the scripts to wait on.
func newServer(db *bolt.DB, token string) http.Handler {
	s := &server{db: db, token: []byte(token), policy: newPolicy()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/articles", s.post)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	return mux
}

type server struct {
	db     *bolt.DB
	token  []byte
	policy *bluemonday.Policy
}

// textElements may carry the allowed text styles (as in sokbo).
var textElements = []string{
	"p", "div", "span", "a", "b", "strong", "i", "em", "u", "s", "strike",
	"del", "ins", "mark", "small", "sub", "sup", "code", "q", "cite", "abbr",
	"h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote",
	"pre", "td", "th", "caption", "figcaption",
}

// newPolicy is sokbo's sanitizer built from the library's parts alone:
// bluemonday's UGC policy and the text styles sokbo allows, each checked
// by bluemonday's handler for it, in the one sanitizing pass. (sokbo
// checks each distinct style value once with a style-only policy, caches
// the result, and lets the main policy pass only values of that shape.)
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowStyles("color", "background-color", "background").MatchingHandler(css.ColorHandler).OnElements(textElements...)
	p.AllowStyles("font-weight").MatchingHandler(css.FontWeightHandler).OnElements(textElements...)
	p.AllowStyles("font-style").MatchingHandler(css.FontStyleHandler).OnElements(textElements...)
	p.AllowStyles("text-align").MatchingHandler(css.TextAlignHandler).OnElements(textElements...)
	p.AllowStyles("text-decoration").MatchingHandler(css.TextDecorationHandler).OnElements(textElements...)
	return p
}

// frontMatter is the front matter's keys that the floor reads.
type frontMatter struct {
	ID          string `yaml:"id"`
	Title       string `yaml:"title"`
	Date        string `yaml:"date"`
	Author      string `yaml:"author"`
	Categories  names  `yaml:"categories"`
	Tags        names  `yaml:"tags"`
	Excerpt     string `yaml:"excerpt"`
	FeatureText string `yaml:"feature_text"`
	Image       string `yaml:"image"`
}

// names is a YAML list of strings, or one string.
type names []string

func (n *names) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode {
		*n = names{v.Value}
		return nil
	}
	var s []string
	err := v.Decode(&s)
	*n = s
	return err
}

// article is what is stored, as JSON.
type article struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Date        time.Time `json:"date"`
	Author      string    `json:"author,omitempty"`
	Categories  []string  `json:"categories,omitempty"`
	Tags        []string  `json:"tags,omitempty"`
	Excerpt     string    `json:"excerpt,omitempty"`
	FeatureText string    `json:"feature_text,omitempty"`
	Image       string    `json:"image,omitempty"`
	Lead        string    `json:"lead"`
	Highlights  []string  `json:"highlights"`
	Content     string    `json:"content"`
}

func (s *server) post(w http.ResponseWriter, r *http.Request) {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), s.token) != 1 {
		http.Error(w, "missing or wrong bearer token", http.StatusUnauthorized)
		return
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 0), maxBody)+bytes.MinRead))
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body over 1 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	a, err := s.parse(buf.Bytes())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	created, err := s.store(a)
	if err != nil {
		http.Error(w, "store: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if created {
		w.WriteHeader(http.StatusCreated)
	}
	json.NewEncoder(w).Encode(struct {
		ID string `json:"id"`
	}{a.ID})
}

// parse turns a document into the article to store.
func (s *server) parse(doc []byte) (*article, error) {
	fmText, body, err := splitFrontMatter(doc)
	if err != nil {
		return nil, err
	}
	var fm frontMatter
	if err := yaml.Unmarshal(fmText, &fm); err != nil {
		return nil, fmt.Errorf("front matter: %v", err)
	}
	if strings.TrimSpace(fm.Title) == "" {
		return nil, errors.New("front matter: no title")
	}
	a := &article{
		ID: fm.ID, Title: fm.Title, Author: fm.Author, Categories: fm.Categories, Tags: fm.Tags,
		Excerpt: fm.Excerpt, FeatureText: fm.FeatureText, Image: fm.Image,
	}
	if a.ID == "" {
		a.ID = slug(fm.Title)
	}
	if a.ID == "" {
		return nil, errors.New("front matter: no id, and no letter or digit in the title")
	}
	if a.Date, err = parseDate(fm.Date); err != nil {
		return nil, err
	}

	clean := s.policy.SanitizeBytes(body)
	root, err := html.Parse(bytes.NewReader(clean))
	if err != nil {
		return nil, fmt.Errorf("body: %v", err)
	}
	var wk walker
	wk.walk(root)
	a.Lead = lead(wk.text.String(), 300)
	a.Highlights = wk.highlights
	a.Content = string(clean)
	return a, nil
}

// splitFrontMatter returns the YAML between the opening --- line and the
// closing --- (or ...) line, and the body after it.
func splitFrontMatter(doc []byte) (fm, body []byte, err error) {
	first, rest, _ := bytes.Cut(doc, []byte("\n"))
	if !isFence(first, "---") {
		return nil, nil, errors.New("document: must begin with a --- line")
	}
	for off := 0; off < len(rest); {
		line, _, found := bytes.Cut(rest[off:], []byte("\n"))
		if isFence(line, "---") || isFence(line, "...") {
			end := off + len(line)
			if found {
				end++
			}
			return rest[:off], rest[end:], nil
		}
		off += len(line) + 1
	}
	return nil, nil, errors.New("document: front matter not closed by a --- line")
}

func isFence(line []byte, fence string) bool {
	return string(bytes.TrimRight(line, " \t\r")) == fence
}

// parseDate reads the front matter's date; an undated article is dated now.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05 -0700", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("front matter: date %q: not a date", s)
}

// slug is the title's letters and digits, lower-cased, runs of anything
// else made one hyphen.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range title {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		} else {
			dash = true
		}
	}
	return b.String()
}

// walker collects the plain text of a tree, white space folded and block
// elements separated by a space, and the text of each highlight.
type walker struct {
	text       strings.Builder
	space      bool // a space is due before the next character
	hl         strings.Builder
	inHL       int
	highlights []string
}

func (wk *walker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		for _, r := range n.Data {
			if unicode.IsSpace(r) {
				wk.space = true
				continue
			}
			if wk.space {
				if wk.text.Len() > 0 {
					wk.text.WriteByte(' ')
				}
				if wk.inHL > 0 && wk.hl.Len() > 0 {
					wk.hl.WriteByte(' ')
				}
				wk.space = false
			}
			wk.text.WriteRune(r)
			if wk.inHL > 0 {
				wk.hl.WriteRune(r)
			}
		}
		return
	case html.ElementNode:
		if block[n.Data] {
			wk.space = true
			defer func() { wk.space = true }()
		}
		if isHighlight(n) {
			wk.inHL++
			defer wk.endHighlight()
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		wk.walk(c)
	}
}

// endHighlight closes a highlight element; the outermost one's text is a
// highlight.
func (wk *walker) endHighlight() {
	if wk.inHL--; wk.inHL > 0 {
		return
	}
	if t := wk.hl.String(); strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
		wk.highlights = append(wk.highlights, t)
	}
	wk.hl.Reset()
}

// isHighlight reports whether an element marks its text: a <mark>, or a
// style that sets a colour or a background.
func isHighlight(n *html.Node) bool {
	if n.Data == "mark" {
		return true
	}
	for _, a := range n.Attr {
		if a.Key == "style" && (strings.Contains(a.Val, "color") || strings.Contains(a.Val, "background")) {
			return true
		}
	}
	return false
}

// block elements separate words.
var block = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "table": true,
	"tr": true, "td": true, "th": true, "figure": true, "figcaption": true, "hr": true, "img": true,
	"dl": true, "dt": true, "dd": true, "section": true, "article": true, "header": true, "footer": true,
}

// lead is the start of the text, at most n runes.
func lead(text string, n int) string {
	for i := range text {
		if n == 0 {
			return text[:i]
		}
		n--
	}
	return text
}

// store puts the article and its time-index entry in one db.Batch call: it
// returns once the batch it joined is committed and synced. created is
// false when the id was stored already (its old index entry is replaced).
func (s *server) store(a *article) (created bool, err error) {
	rec, err := json.Marshal(a)
	if err != nil {
		return false, err
	}
	id := []byte(a.ID)
	err = s.db.Batch(func(tx *bolt.Tx) error {
		// Batch may run this again (alone) when a batch fails: set, not
		// accumulate.
		arts, times := tx.Bucket(bucketArticles), tx.Bucket(bucketTime)
		created = true
		if old := arts.Get(id); old != nil {
			created = false
			var prev struct {
				Date time.Time `json:"date"`
			}
			if err := json.Unmarshal(old, &prev); err == nil {
				if err := times.Delete(timeKey(prev.Date, a.ID)); err != nil {
					return err
				}
			}
		}
		if err := arts.Put(id, rec); err != nil {
			return err
		}
		return times.Put(timeKey(a.Date, a.ID), nil)
	})
	return created, err
}

// timeKey is the time index's key: the date, big-endian nanoseconds, then
// the id.
func timeKey(t time.Time, id string) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(id)), uint64(t.UnixNano()))
	return append(k, id...)
}
