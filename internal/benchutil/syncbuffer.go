package benchutil

import (
	"bytes"
	"sync"
)

// SyncBuffer is a bytes.Buffer that a server goroutine may write while
// another reads it: the log of a server a test or a command runs in
// process.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
