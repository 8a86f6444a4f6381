package main

import (
	"math"
	"slices"
)

// The statistics are those of internal/loadbench (stats.go), over
// float64 figures; they are copied because both are commands (package
// main) and cannot import each other.

// percentile returns the p-th percentile (0 < p <= 100) of values by the
// nearest-rank method: the smallest value such that at least p percent of
// the values are at most it. It returns 0 for no values; values is not
// changed.
func percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return 0
	}
	s := slices.Clone(values)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	rank = min(max(rank, 1), len(s))
	return s[rank-1]
}

// median returns the median of values: the middle one, or the mean of the
// two middle ones for an even count; 0 for none. values is not changed.
func median(values []float64) float64 {
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

// figure is a measure summarised over the rounds. Every field is -1 when
// a round did not know the measure.
type figure struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	P90    float64 `json:"p90"`
}

// unknown is the figure of a measure some round did not know.
var unknown = figure{-1, -1, -1, -1}

// summarise is the figure of values: unknown when there are none or one
// is below 0 (not known).
func summarise(values []float64) figure {
	if len(values) == 0 || slices.Min(values) < 0 {
		return unknown
	}
	return figure{Median: median(values), Min: slices.Min(values), Max: slices.Max(values), P90: percentile(values, 90)}
}

// ratio is a / b, or -1 when either is unknown (below 0) or b is 0.
func ratio(a, b float64) float64 {
	if a < 0 || b <= 0 {
		return -1
	}
	return a / b
}
