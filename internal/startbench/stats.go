package main

import (
	"slices"

	"github.com/vpconform/vpconform/internal/benchutil"
)

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
// is below 0 (not known). values is not changed.
func summarise(values []float64) figure {
	if len(values) == 0 || slices.Min(values) < 0 {
		return unknown
	}
	sorted := slices.Sorted(slices.Values(values))
	return figure{Median: benchutil.Median(sorted), Min: sorted[0], Max: sorted[len(sorted)-1], P90: benchutil.Percentile(sorted, 90)}
}

// ratio is a / b, or -1 when either is unknown (below 0) or b is 0.
func ratio(a, b float64) float64 {
	if a < 0 || b <= 0 {
		return -1
	}
	return a / b
}
