package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vpconform/vpconform/fake"
)

// persistInterval is the longest a change waits before it is written:
// changes within it are written together.
const persistInterval = 100 * time.Millisecond

// loadedState is what the state file held at start.
type loadedState struct {
	path   string // the file, symbolic links resolved
	exists bool
	empty  bool // the file exists and holds nothing but white space
	state  fake.State
}

// readStateFile reads the state file at start. A missing file is an empty
// state; so is an empty one. A file that is not a state document is an
// error naming the file and the line and column; the file is only read.
// Whether the file is a valid state (ids, configurations, dates) is for
// fake.Server.SetState to say.
func readStateFile(path string) (loadedState, error) {
	ls := loadedState{path: path}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		ls.path = real // write through a symbolic link, never over it
	}
	b, err := os.ReadFile(ls.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return loadedState{}, fmt.Errorf("read state file: %w", err)
	case len(bytes.TrimSpace(b)) == 0:
		ls.exists, ls.empty = true, true
	default:
		ls.exists = true
		st, err := fake.ParseState(b)
		if err != nil {
			return loadedState{}, fmt.Errorf("state file %s: %w (the file is left as it is: fix it or remove it)", path, err)
		}
		ls.state = st
	}
	if err := checkWritable(filepath.Dir(ls.path)); err != nil {
		return loadedState{}, fmt.Errorf("state file %s: %w", path, err)
	}
	return ls, nil
}

// checkWritable makes sure a temporary file can be created in dir, as
// every write of the state file does, so that a state file that could never
// be written is refused at start rather than at the first change.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".vpfake-probe-*")
	if err != nil {
		return fmt.Errorf("cannot write in its directory: %w", err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("cannot write in its directory: %w", err)
	}
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("remove probe file: %w", err)
	}
	return nil
}

// encodeState renders a state as the file holds it: indented JSON and a
// final newline.
func encodeState(st fake.State) ([]byte, error) {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return append(b, '\n'), nil
}

// writeFileAtomic replaces path with b: it writes a temporary file in the
// same directory, flushes it to disk and renames it over path, so that a
// reader (or a crash) sees the old file or the new one, never a part. The
// file keeps its permissions; a new one is readable by its owner only.
func writeFileAtomic(path string, b []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if fi, statErr := os.Stat(path); statErr == nil {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			return fmt.Errorf("set permissions of %s: %w", tmp, err)
		}
	}
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("flush %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp, path, err)
	}
	// Make the rename itself durable where directories can be synced.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// persister writes the fake's state to the state file after changes:
// notify (a fake.WithStateChanged hook) wakes a goroutine that waits
// persistInterval, so that a burst of changes is written once, then takes
// a snapshot and writes it unless the file already holds it. A change made
// after the snapshot wakes it again, so the last change is never lost;
// close writes whatever is left.
type persister struct {
	path   string
	logger *log.Logger
	state  func() fake.State

	wake chan struct{} // one pending wake-up at most
	stop chan struct{}
	done sync.WaitGroup

	// last is the state the file holds, as this process last wrote it or
	// read it, encoded as encodeState does (a missing or empty file holds
	// the empty state). Only the loop, then close, use it.
	last []byte
}

func newPersister(path string, logger *log.Logger) *persister {
	return &persister{path: path, logger: logger, wake: make(chan struct{}, 1), stop: make(chan struct{})}
}

// notify asks for the state to be written; it never blocks.
func (p *persister) notify() {
	select {
	case p.wake <- struct{}{}:
	default: // a write is already due, and will see this change
	}
}

// start starts the writing goroutine. state takes the snapshot to write;
// current is the state the file holds, encoded by encodeState.
func (p *persister) start(state func() fake.State, current []byte) {
	p.state = state
	p.last = current
	p.done.Add(1)
	go p.loop()
}

func (p *persister) loop() {
	defer p.done.Done()
	for {
		select {
		case <-p.stop:
			return
		case <-p.wake:
		}
		t := time.NewTimer(persistInterval)
		select {
		case <-p.stop:
			t.Stop()
			return // close writes what is left
		case <-t.C:
		}
		select {
		case <-p.wake: // covered by the snapshot taken now
		default:
		}
		if err := p.save(); err != nil {
			// Kept for the next change, or for close, to try again.
			p.logger.Printf("state: %v", err)
		}
	}
}

// save writes the current state unless the file holds it already.
func (p *persister) save() error {
	b, err := encodeState(p.state())
	if err != nil {
		return err
	}
	if bytes.Equal(b, p.last) {
		return nil
	}
	if err := writeFileAtomic(p.path, b); err != nil {
		return fmt.Errorf("save state to %s: %w", p.path, err)
	}
	p.last = b
	return nil
}

// close stops the goroutine and writes the state a last time, if it
// changed. Call it once no more changes can come.
func (p *persister) close() error {
	close(p.stop)
	p.done.Wait()
	return p.save()
}
