package main

import (
	"encoding/binary"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// statLine is a /proc/<pid>/stat line with utime 1234 and stime 567 whose
// command name is name.
func statLine(name string) string {
	return "4242 (" + name + ") S 1 4242 4242 0 -1 4194560 1056 0 0 0 1234 567 0 0 20 0 9 0 123456 1234567 890 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
}

func TestCPUTicks(t *testing.T) {
	for _, name := range []string{"vpfake", "a name with spaces", "odd) (name", ") S 1 2 3 4 5 6 7 8 9 10 11 12"} {
		got, err := cpuTicks([]byte(statLine(name)))
		if err != nil || got != 1234+567 {
			t.Errorf("cpuTicks of a stat line for command %q = %d, %v; want 1801 (utime 1234 + stime 567), nil", name, got, err)
		}
	}
	for _, c := range []struct{ name, stat, want string }{
		{"no command name", "4242 vpfake S 1 2", "no ')'"},
		{"too few fields", "4242 (vpfake) S 1 4242 4242 0 -1 4194560 1056 0 0 0 1234", "fields after the command name"},
		{"utime not a number", strings.Replace(statLine("vpfake"), " 1234 ", " x ", 1), "utime (field 14)"},
		{"stime not a number", strings.Replace(statLine("vpfake"), " 567 ", " -5 ", 1), "stime (field 15)"},
	} {
		got, err := cpuTicks([]byte(c.stat))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: cpuTicks(%q) = %d, %v; want an error containing %q", c.name, c.stat, got, err, c.want)
		}
	}
}

func TestTicksToDuration(t *testing.T) {
	for _, c := range []struct {
		n, ticks uint64
		want     time.Duration
	}{
		{0, 100, 0},
		{1, 100, 10 * time.Millisecond},
		{250, 100, 2500 * time.Millisecond},
		{3, 1000, 3 * time.Millisecond},
	} {
		if got := ticksToDuration(c.n, c.ticks); got != c.want {
			t.Errorf("ticksToDuration(%d, %d) = %s, want %s", c.n, c.ticks, got, c.want)
		}
	}
}

// auxv encodes (key, value) pairs as an auxiliary vector of words of word
// bytes.
func auxv(word int, pairs ...uint64) []byte {
	var b []byte
	for _, v := range pairs {
		if word == 4 {
			b = binary.NativeEndian.AppendUint32(b, uint32(v))
		} else {
			b = binary.NativeEndian.AppendUint64(b, v)
		}
	}
	return b
}

func TestAuxvValue(t *testing.T) {
	for _, word := range []int{4, 8} {
		for _, c := range []struct {
			name   string
			vector []byte
			want   uint64
			ok     bool
		}{
			{"found after other entries", auxv(word, 6, 4096, atClkTck, 250, 0, 0), 250, true},
			{"missing before the end entry", auxv(word, 6, 4096, 0, 0, atClkTck, 100), 0, false},
			{"missing, no end entry", auxv(word, 6, 4096), 0, false},
			{"truncated", auxv(word, 6, 4096, atClkTck)[:3*word], 0, false},
			{"empty", nil, 0, false},
		} {
			got, ok := auxvValue(c.vector, word, atClkTck)
			if got != c.want || ok != c.ok {
				t.Errorf("%d-byte words, %s: auxvValue = %d, %v; want %d, %v", word, c.name, got, ok, c.want, c.ok)
			}
		}
	}
}

// TestClockTicksMatchesGetconf: the ticks read from the auxiliary vector
// are those getconf CLK_TCK reports.
func TestClockTicksMatchesGetconf(t *testing.T) {
	if _, err := os.Stat("/proc/self/auxv"); err != nil {
		t.Skip("no /proc/self/auxv here")
	}
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		t.Skipf("getconf CLK_TCK: %v", err)
	}
	want, err := strconv.ParseUint(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatalf("getconf CLK_TCK printed %q, want a number", out)
	}
	if got := clockTicks(); got != want {
		t.Errorf("clockTicks() = %d, want %d as getconf CLK_TCK says", got, want)
	}
}

// TestProcessCPUOfThisProcess: the CPU time read from /proc grows while
// this process computes, and a process that does not exist is an error.
func TestProcessCPUOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/<pid>/stat is Linux's")
	}
	ticks := clockTicks()
	before, err := processCPU(os.Getpid(), ticks)
	if err != nil {
		t.Fatalf("processCPU(self): %v, want the CPU time", err)
	}
	// Spin until the process's CPU time moves (a tick is usually 10ms).
	deadline := time.Now().Add(5 * time.Second)
	x := uint64(1)
	after := before
	for after <= before && time.Now().Before(deadline) {
		for range 1_000_000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
		if after, err = processCPU(os.Getpid(), ticks); err != nil {
			t.Fatalf("processCPU(self): %v, want the CPU time", err)
		}
	}
	if after <= before {
		t.Errorf("the CPU time of this process stayed %s after 5s of computing (%d), want it to grow", before, x)
	}
	if _, err := processCPU(-1, ticks); err == nil {
		t.Error("processCPU(-1) succeeded, want an error for a process that does not exist")
	}
}
