package main

import (
	"slices"
	"testing"
)

func TestSummarise(t *testing.T) {
	got := summarise([]float64{12, 3, 7, 5, 20, 4, 6, 9, 8, 10})
	want := figure{Median: 7.5, Min: 3, Max: 20, P90: 12}
	if got != want {
		t.Errorf("summarise = %+v, want %+v", got, want)
	}
	values := []float64{3, 1, 2}
	if got := summarise(values); got != (figure{Median: 2, Min: 1, Max: 3, P90: 3}) || !slices.Equal(values, []float64{3, 1, 2}) {
		t.Errorf("summarise([3 1 2]) = %+v, values now %v; want median 2, min 1, max 3, p90 3, the values left as they were", got, values)
	}
	for _, c := range []struct {
		name   string
		values []float64
	}{{"none", nil}, {"one unknown", []float64{3, -1, 4}}} {
		if got := summarise(c.values); got != unknown {
			t.Errorf("summarise of %s (%v) = %+v, want all -1", c.name, c.values, got)
		}
	}
}

func TestRatio(t *testing.T) {
	for _, c := range []struct{ a, b, want float64 }{{6, 3, 2}, {3, 6, 0.5}, {0, 3, 0}, {-1, 3, -1}, {3, -1, -1}, {3, 0, -1}} {
		if got := ratio(c.a, c.b); got != c.want {
			t.Errorf("ratio(%g, %g) = %g, want %g", c.a, c.b, got, c.want)
		}
	}
}
