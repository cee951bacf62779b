package server

import "time"

// SetBackupLimits sets how many backups s serves at once and how long a
// download may make no progress, for the tests of package server_test.
// Call it before s serves.
func SetBackupLimits(s *Server, slots int, stall time.Duration) {
	s.backups = make(chan struct{}, slots)
	s.backupStall = stall
}
