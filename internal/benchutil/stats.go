package benchutil

import (
	"cmp"
	"math"
	"slices"
)

// Percentile returns the p-th percentile (0 < p <= 100) of sorted, which
// must be in ascending order, by the nearest-rank method: the smallest
// value such that at least p percent of the values are at most it. It
// returns the zero value for no values.
func Percentile[E cmp.Ordered](sorted []E, p float64) E {
	if len(sorted) == 0 {
		var zero E
		return zero
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Median returns the median of values: the middle one, or the mean of the
// two middle ones for an even count; 0 for none. values is not changed.
func Median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	s := slices.Clone(values)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
