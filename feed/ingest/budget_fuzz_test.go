package ingest_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"sokbo/feed"
	"sokbo/feed/ingest"
)

// Every document up to the server's largest body must be accepted or
// rejected within these: memory (bytes allocated during Parse) as the
// issue states it, and a wall-time ceiling far above the 250 ms CPU
// budget that BenchmarkParseHostile shows, so that a loaded machine does
// not fail the property, while a quadratic shape (seconds) still does.
const (
	budgetAlloc   = 64 << 20
	budgetCeiling = 2 * time.Second
)

// FuzzParseBudget checks that Parse of any document up to maxBody either
// succeeds or fails with a *feed.InputError, allocating under 64 MB and
// finishing well within its time. The input picks a template (where the
// unit repeats: Markdown or HTML body, a table, a reference's uses, the
// YAML), the unit, and how many times (0: as many as fit in maxBody; else
// that many, padded with prose to maxBody); a template number past the
// last takes the unit as the whole document.
func FuzzParseBudget(f *testing.F) {
	// Each shape filling the body, and a few families with fewer
	// repetitions in prose (which Parse accepts, so every stage runs):
	// those cost a second each under the race detector.
	padded := map[string]bool{"md table rows": true, "md reference uses": true, "md link destinations": true,
		"md emphasis stars": true, "md autolinks": true, "md paragraphs": true, "html highlights": true,
		"html links": true, "yaml many keys": true}
	for _, s := range shapes {
		f.Add(uint8(s.tmpl), s.unit, uint32(0))
		if padded[s.name] {
			f.Add(uint8(s.tmpl), s.unit, uint32(5000))
		}
	}
	for _, lv := range []int{6, 9} {
		f.Add(uint8(len(templates)), string(laughs(lv)), uint32(0))
	}
	f.Add(uint8(len(templates)), string(seed(f)), uint32(0))
	f.Add(uint8(1), "<p><b id=1><i id=2><u id=3><s id=4><em id=5><strong id=6><code id=7><font id=8><a id=9><b id=10></p><p>a", uint32(0))
	opt := options(f)
	f.Fuzz(func(t *testing.T, tmpl uint8, unit string, reps uint32) {
		var doc []byte
		if int(tmpl) < len(templates) {
			doc = templates[tmpl].repeated(unit, int(reps%(maxBody+1)), maxBody)
		} else {
			doc = []byte(unit)
		}
		if len(doc) > maxBody {
			doc = doc[:maxBody]
		}
		checkBudget(t, doc, opt)
	})
}

// checkBudget parses doc and checks the outcome and its cost. The bytes
// allocated are the whole process's: the caller must not run in parallel
// with other tests.
func checkBudget(t *testing.T, doc []byte, opt ingest.Options) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := ingest.Parse(context.Background(), doc, opt)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	var ie *feed.InputError
	if err != nil && !errors.As(err, &ie) {
		t.Fatalf("Parse error %v (%T), want a *feed.InputError", err, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > raceAlloc*budgetAlloc {
		t.Errorf("Parse of %d bytes allocated %d MB, over the budget of %d MB (error: %v)", len(doc), alloc>>20, raceAlloc*budgetAlloc>>20, err)
	}
	if took > raceSlowdown*budgetCeiling {
		t.Errorf("Parse of %d bytes took %v, over the ceiling of %v (error: %v)", len(doc), took, raceSlowdown*budgetCeiling, err)
	}
}
