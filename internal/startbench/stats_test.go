package main

import (
	"slices"
	"testing"
)

func TestPercentileNearestRank(t *testing.T) {
	values := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6} // 1..10, not sorted
	orig := slices.Clone(values)
	for _, c := range []struct{ p, want float64 }{{50, 5}, {90, 9}, {91, 10}, {100, 10}, {1, 1}, {0.1, 1}} {
		if got := percentile(values, c.p); got != c.want {
			t.Errorf("percentile(1..10, %g) = %g, want %g", c.p, got, c.want)
		}
	}
	if !slices.Equal(values, orig) {
		t.Errorf("percentile changed its input: %v, want %v", values, orig)
	}
	if got := percentile(nil, 90); got != 0 {
		t.Errorf("percentile(nil, 90) = %g, want 0", got)
	}
	if got := percentile([]float64{7}, 90); got != 7 {
		t.Errorf("percentile([7], 90) = %g, want 7", got)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		values []float64
		want   float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		orig := slices.Clone(c.values)
		if got := median(c.values); got != c.want {
			t.Errorf("median(%v) = %g, want %g", c.values, got, c.want)
		}
		if !slices.Equal(c.values, orig) {
			t.Errorf("median changed its input: %v, want %v", c.values, orig)
		}
	}
}

func TestSummarise(t *testing.T) {
	got := summarise([]float64{12, 3, 7, 5, 20, 4, 6, 9, 8, 10})
	want := figure{Median: 7.5, Min: 3, Max: 20, P90: 12}
	if got != want {
		t.Errorf("summarise = %+v, want %+v", got, want)
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
