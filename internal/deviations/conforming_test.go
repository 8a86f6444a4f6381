package deviations_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/vpconform/vpconform/internal/deviations"
)

// minScenarios is how many scenarios the report of a run against a variant
// must hold at least, so that a suite that quietly ran less cannot pass.
const minScenarios = 150

// TestConformingVariantsPassCleanly runs the endpoint suite against the
// fake wrapped in each conforming variant: every run must report at least
// minScenarios scenarios, none failed and no advisory deviation. A failure
// here is a false alarm of the catalogue: it holds against an emulator
// something the protocol or the model allows. The runs share the pool of
// TestDeviationsAreDetected.
func TestConformingVariantsPassCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the endpoint suite and runs it once per variant; not in -short")
	}
	t.Parallel() // shares the pool of runs with TestDeviationsAreDetected
	start := time.Now()
	pool := endpointRuns(t)
	// As for the deviations, each subtest queues its run, pauses, and
	// judges the run once it is done.
	t.Run("variant", func(t *testing.T) {
		for _, v := range deviations.Conforming() {
			t.Run(v.Name, func(t *testing.T) {
				r := pool.start(&run{name: "variant/" + v.Name, wrap: func(h http.Handler) http.Handler { return deviations.Wrap(h, v) },
					priority: priorityOther, credentials: !v.RewritesRequests})
				t.Parallel()
				<-r.done
				checkClean(t, v, r)
			})
		}
	})
	t.Logf("whole variant test: %v", time.Since(start).Round(time.Millisecond))
}

// checkClean asserts that the run against the variant v reported enough
// scenarios, none failed and no deviation, and lists each that did.
func checkClean(t *testing.T, v deviations.Variant, r *run) {
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.got) < minScenarios {
		t.Errorf("%s: the report has %d scenarios, want at least %d", v.Name, len(r.got), minScenarios)
	}
	failed, deviated, skipped := 0, 0, 0
	for _, id := range sortedIDs(r.got) {
		o := r.got[id]
		if o.state == types.SpecStateSkipped {
			skipped++
		}
		if o.failed() {
			failed++
			t.Errorf("%s %s: %s", id, o.state, firstLine(o.failure))
		}
		if len(o.deviations) > 0 {
			deviated++
		}
		for _, d := range o.deviations {
			t.Errorf("%s deviation: %s", id, d)
		}
	}
	if failed > 0 || deviated > 0 {
		t.Logf("%s changes only this (%s) and %s", v.Name, v.Description, v.Allowed)
	}
	t.Logf("%s: %d scenarios, %d failed, %d reported a deviation, %d skipped (credentials: %v); run took %v",
		v.Name, len(r.got), failed, deviated, skipped, r.credentials, r.took.Round(time.Millisecond))
}
