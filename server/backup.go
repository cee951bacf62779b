package server

import (
	"fmt"
	"mime"
	"net/http"
	"os"
	"strconv"
	"time"
)

// Backups are bounded: each keeps a full copy of the database on disk
// until its download ends, so neither many requests nor a stalled client
// may pile copies up.
const (
	// defaultBackupSlots is how many backups are served at once; one more
	// is refused with 503 and Retry-After.
	defaultBackupSlots = 2
	// defaultBackupStall is how long a download may make no progress
	// before it is cut and its copy removed.
	defaultBackupStall = 30 * time.Second
	// backupRetryAfter is the Retry-After of a backup refused for want of
	// a slot, in seconds.
	backupRetryAfter = 30
)

// handleBackup serves GET /api/backup: a consistent snapshot of the database — a plain
// bbolt file — while the service goes on accepting posts. The snapshot is
// first copied to a temporary file at disk speed, so the read transaction
// it needs is short whatever the client's speed: a stalled client must not
// hold the database (bbolt cannot grow its file under a long reader).
func (s *Server) handleBackup(w http.ResponseWriter, r *http.Request) {
	if _, err := s.admit(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	select {
	case s.backups <- struct{}{}:
		defer func() { <-s.backups }()
	default:
		w.Header().Set("Retry-After", strconv.Itoa(backupRetryAfter))
		s.fail(w, r, &statusError{http.StatusServiceUnavailable, "backup: " + strconv.Itoa(cap(s.backups)) + " backups are being served already; retry later"})
		return
	}
	f, err := os.CreateTemp(s.cfg.TempDir, ".sokbo-backup-*")
	if err != nil {
		s.fail(w, r, fmt.Errorf("backup: %w", err))
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, err := s.admin.Backup(r.Context(), f, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Serving a large file takes longer than the server's write timeout;
	// give it time at a modest 1 MB/s, and no more. Within that, a client
	// that stops reading is cut once a write has waited backupStall.
	sw := &stallWriter{
		ResponseWriter: w,
		rc:             http.NewResponseController(w),
		stall:          s.backupStall,
		end:            time.Now().Add(time.Minute + time.Duration(n/(1<<20))*time.Second),
	}
	sw.extend()
	now := s.cfg.Now().UTC()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "sokbo-" + now.Format("20060102T150405Z") + ".db"}))
	h.Set("Cache-Control", "no-store")
	http.ServeContent(sw, r, "", now, f)
	if sw.err != nil {
		s.log.Info("backup cut", "bytes", n, "sent", sw.sent, "remote", r.RemoteAddr, "err", sw.err)
		return
	}
	s.log.Info("backup served", "bytes", n)
}

// stallWriter moves the connection's write deadline before each write, to
// stall from now but never past end: a download goes on while the client
// reads, and ends soon after it stops.
type stallWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	stall time.Duration
	end   time.Time
	sent  int64
	err   error // the first failed write's
}

func (sw *stallWriter) extend() {
	d := time.Now().Add(sw.stall)
	if d.After(sw.end) {
		d = sw.end
	}
	_ = sw.rc.SetWriteDeadline(d)
}

func (sw *stallWriter) Write(p []byte) (int, error) {
	sw.extend()
	n, err := sw.ResponseWriter.Write(p)
	sw.sent += int64(n)
	if err != nil && sw.err == nil {
		sw.err = err
	}
	return n, err
}
