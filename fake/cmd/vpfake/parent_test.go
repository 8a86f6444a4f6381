package main

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchParentCancelsWhenTheParentGoes(t *testing.T) {
	var ppid atomic.Int64
	ppid.Store(100)
	ctx, cancel := watchParent(context.Background(), func() int { return int(ppid.Load()) }, time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
		t.Fatal("cancelled while the parent is still there")
	case <-time.After(20 * time.Millisecond):
	}
	ppid.Store(1) // reparented to init: the parent exited
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("not cancelled after the parent went")
	}
}

func TestExitWithParentFlag(t *testing.T) {
	cfg, err := loadConfig([]string{"-exit-with-parent"}, func(string) string { return "" })
	if err != nil || !cfg.exitWithParent {
		t.Errorf("-exit-with-parent: %+v, %v", cfg, err)
	}
	cfg, err = loadConfig(nil, func(k string) string {
		if k == "VPFAKE_EXIT_WITH_PARENT" {
			return "1"
		}
		return ""
	})
	if err != nil || !cfg.exitWithParent {
		t.Errorf("VPFAKE_EXIT_WITH_PARENT=1: %+v, %v", cfg, err)
	}
}
