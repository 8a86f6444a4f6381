package deviations

import (
	"net/http"
	"sync"
)

// sourceMemory is what a deviation remembers of each identity source, by
// identitySourceKey, so that it can change later answers about the source
// by what an earlier call did to it; an emulator keeps such state in its
// store. Each middleware makes its own, so that two wrapped servers never
// share it.
type sourceMemory[T any] struct {
	mu sync.Mutex
	m  map[string]T
}

func newSourceMemory[T any]() *sourceMemory[T] {
	return &sourceMemory[T]{m: map[string]T{}}
}

// remember sets what is remembered of the identity source key.
func (s *sourceMemory[T]) remember(key string, v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = v
}

// rememberFirst sets what is remembered of key unless something already
// is.
func (s *sourceMemory[T]) rememberFirst(key string, v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, known := s.m[key]; !known {
		s.m[key] = v
	}
}

// recall returns what is remembered of key, and whether anything is.
func (s *sourceMemory[T]) recall(key string) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok
}

// rewrite lets edit change each identity source that a, the answer to c,
// describes and of which something is remembered, given what is: the
// body of a successful GetIdentitySource or UpdateIdentitySource answer, or
// each item of a ListIdentitySources one. edit reports whether it changed
// the source; the body is re-encoded only then. It returns a.
func (s *sourceMemory[T]) rewrite(c *call, a *answer, edit func(src map[string]any, v T) bool) *answer {
	if !a.ok() {
		return a
	}
	body := a.json()
	if body == nil {
		return a
	}
	srcs := identitySourceBodies(c.Operation, body)
	if c.Operation == "UpdateIdentitySource" {
		srcs = []map[string]any{body}
	}
	changed := false
	for _, src := range srcs {
		key, ok := identitySourceKey(src)
		if !ok {
			continue
		}
		if v, ok := s.recall(key); ok {
			changed = edit(src, v) || changed
		}
	}
	if changed {
		a.setJSON(body)
	}
	return a
}

// writeMemory builds a middleware that remembers, of each identity source a
// successful CreateIdentitySource or UpdateIdentitySource writes, what note
// makes of the call and its answer (nothing when note reports false), and
// lets edit change every later answer describing the source by what is
// remembered (see rewrite). Each call of the middleware has its own memory.
func writeMemory[T any](note func(c *call, a *answer) (T, bool), edit func(src map[string]any, v T) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		memory := newSourceMemory[T]()
		return apiMiddleware(func(next http.Handler, c *call) *answer {
			a := c.forward(next)
			if key, ok := c.written(a); ok {
				if v, ok := note(c, a); ok {
					memory.remember(key, v)
				}
			}
			return memory.rewrite(c, a, edit)
		})(next)
	}
}
