package poll

import (
	"context"
	"testing"
	"time"
)

func TestEveryStopsWhenToldTo(t *testing.T) {
	calls := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		Every(context.Background(), time.Millisecond, func() bool {
			calls++
			return calls < 3
		})
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Every did not return after f returned false")
	}
	if calls != 3 {
		t.Errorf("f called %d times, want 3", calls)
	}
}

func TestEveryStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Every(ctx, time.Hour, func() bool {
			t.Error("f called before its first interval")
			return true
		})
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Every did not return after its context was cancelled")
	}
}
