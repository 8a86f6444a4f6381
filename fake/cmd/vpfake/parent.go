package main

import (
	"context"
	"time"

	"github.com/vpconform/vpconform/internal/poll"
)

// parentPoll is how often watchParent looks at the parent process.
const parentPoll = 250 * time.Millisecond

// watchParent returns a context cancelled when ctx is, or when the process
// that started vpfake has gone: its parent process id (getppid) is no longer
// the one it was at the start, as happens when the parent exits and the
// process is handed to init or a subreaper. make fake runs vpfake with
// -exit-with-parent, so that killing make stops the fake too, where a signal
// sent to make alone would leave it running.
func watchParent(ctx context.Context, getppid func() int, every time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	start := getppid()
	go poll.Every(ctx, every, func() bool {
		if getppid() != start {
			cancel()
			return false
		}
		return true
	})
	return ctx, cancel
}
