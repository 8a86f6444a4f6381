package main

import (
	"bytes"
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/vpconform/vpconform/fake
BenchmarkGetIdentitySource/canned-2   	   20000	     50000 ns/op	    7000 B/op	      80 allocs/op
BenchmarkGetIdentitySource/fake-2     	   10000	    100000 ns/op	   12000 B/op	     150 allocs/op
BenchmarkGetIdentitySource/canned-2   	   20000	     60000 ns/op	    7000 B/op	      80 allocs/op
BenchmarkGetIdentitySource/fake-2     	   10000	    130000 ns/op	   12000 B/op	     150 allocs/op
BenchmarkGetIdentitySource/canned-2   	   20000	     40000 ns/op	    7000 B/op	      80 allocs/op
BenchmarkGetIdentitySource/fake-2     	   10000	    110000 ns/op	   12000 B/op	     150 allocs/op
PASS
`

func TestRunPrintsMediansAndRatio(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-base", "canned", "-subject", "fake"}, strings.NewReader(sampleOutput), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"BenchmarkGetIdentitySource (median of 3 runs each)",
		"canned          50000 ns/op",
		"fake           110000 ns/op",
		"ratio fake/canned = 2.20",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestRunFailsWithoutBothSides(t *testing.T) {
	in := "BenchmarkGetIdentitySource/fake-2 10 100 ns/op\n"
	err := run(nil, strings.NewReader(in), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `"canned"`) {
		t.Fatalf("err = %v, want one naming the missing baseline", err)
	}
}

func TestRunRejectsBadNumber(t *testing.T) {
	in := "BenchmarkX/canned-2 10 abc ns/op\n"
	if err := run(nil, strings.NewReader(in), &bytes.Buffer{}); err == nil {
		t.Fatal("want an error for a malformed ns/op value")
	}
}

func TestRunRejectsTwoFiles(t *testing.T) {
	if err := run([]string{"a", "b"}, strings.NewReader(""), &bytes.Buffer{}); err == nil {
		t.Fatal("want an error for two input files")
	}
}

func TestMedianEven(t *testing.T) {
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Fatalf("median = %v, want 2.5", got)
	}
}
