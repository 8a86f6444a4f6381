package benchutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dir", "out.json")
	v := struct {
		Name  string  `json:"name"`
		Value float64 `json:"value"`
	}{"vpfake", 1.5}
	if err := WriteJSON(path, v); err != nil {
		t.Fatalf("WriteJSON: %v, want the file written, its directory made", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"name\": \"vpfake\",\n  \"value\": 1.5\n}\n"; string(b) != want {
		t.Errorf("wrote %q, want %q (indented, ending with a newline)", b, want)
	}
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(filepath.Join(blocked, "out.json"), v); err == nil || !strings.Contains(err.Error(), "write the results") {
		t.Errorf("WriteJSON under a file: %v, want an error saying it could not write the results", err)
	}
	if err := WriteJSON(path, func() {}); err == nil || !strings.Contains(err.Error(), "encode the results") {
		t.Errorf("WriteJSON of a func: %v, want an error saying it could not encode the results", err)
	}
}
