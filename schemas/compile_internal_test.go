package schemas

import (
	"sync"
	"testing"
)

// TestEverySchemaCompiles compiles every embedded schema, as the first use
// of each does, so that a broken file fails here rather than in a program
// at its first request of that operation.
func TestEverySchemaCompiles(t *testing.T) {
	s := loadSchemas()
	if len(s.names) == 0 {
		t.Fatal("no embedded schema")
	}
	if s.names[commonFile] {
		t.Errorf("%s holds only definitions, yet is listed as a schema", commonFile)
	}
	for name := range s.names {
		if sch, ok := s.schema(name); !ok || sch == nil {
			t.Errorf("%s: expected a compiled schema, got %v, %v", name, sch, ok)
		}
	}
	if _, ok := s.schema("Missing.input.schema.json"); ok {
		t.Error("a file that is not embedded has a schema")
	}
}

// TestSchemaCompiledOnceUnderConcurrency asks for the same schemas from
// many goroutines at once: each is compiled once and every caller gets that
// one (run with -race).
func TestSchemaCompiledOnceUnderConcurrency(t *testing.T) {
	s := loadSchemas()
	const file = "UpdateIdentitySource.input.schema.json"
	var wg sync.WaitGroup
	got := make([]any, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sch, _ := s.schema(file)
			got[i] = sch
		}()
	}
	wg.Wait()
	for i, g := range got {
		if g == nil || g != got[0] {
			t.Fatalf("caller %d got schema %p, caller 0 got %p: expected the same compiled schema", i, g, got[0])
		}
	}
}
