// Package poll runs a check at a fixed interval until it says to stop or
// its context ends: vpfake's watch on its parent process and the soak
// test's heap sampler.
package poll

import (
	"context"
	"time"
)

// Every calls f every d, the first time d after the call, until ctx is
// done or f returns false. It returns then, having stopped its ticker.
func Every(ctx context.Context, d time.Duration, f func() bool) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if !f() {
				return
			}
		}
	}
}
