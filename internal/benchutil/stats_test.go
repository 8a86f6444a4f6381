package benchutil

import (
	"slices"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	us := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Microsecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, c := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value, p50", us(7), 50, 7 * time.Microsecond},
		{"one value, p99", us(7), 99, 7 * time.Microsecond},
		{"four values, p50 is the 2nd", us(1, 2, 3, 4), 50, 2 * time.Microsecond},
		{"five values, p50 is the 3rd", us(1, 2, 3, 4, 5), 50, 3 * time.Microsecond},
		{"ten values, p99 is the 10th", us(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Microsecond},
		{"ten values, p90 is the 9th", us(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Microsecond},
		{"1..100, p99 is 99", us(hundred...), 99, 99 * time.Microsecond},
		{"1..100, p50 is 50", us(hundred...), 50, 50 * time.Microsecond},
		{"1..100, p100 is 100", us(hundred...), 100, 100 * time.Microsecond},
		{"1..100, p0.1 is the first", us(hundred...), 0.1, 1 * time.Microsecond},
	} {
		if got := Percentile(c.sorted, c.p); got != c.want {
			t.Errorf("%s: Percentile(%v, %g) = %s, want %s", c.name, c.sorted, c.p, got, c.want)
		}
	}
	// Over float64 figures, as startbench uses it.
	values := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct{ p, want float64 }{{50, 5}, {90, 9}, {91, 10}, {100, 10}, {1, 1}, {0.1, 1}} {
		if got := Percentile(values, c.p); got != c.want {
			t.Errorf("Percentile(1..10, %g) = %g, want %g", c.p, got, c.want)
		}
	}
	if got := Percentile([]float64(nil), 90); got != 0 {
		t.Errorf("Percentile(nil float64s, 90) = %g, want 0", got)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		values []float64
		want   float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{10, 10, 1, 1000, 10}, 10},
	} {
		in := slices.Clone(c.values)
		if got := Median(in); got != c.want {
			t.Errorf("Median(%v) = %g, want %g", c.values, got, c.want)
		}
		if !slices.Equal(in, c.values) {
			t.Errorf("Median(%v) reordered its argument to %v, want it left as it was", c.values, in)
		}
	}
}
