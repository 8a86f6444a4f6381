package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// cpuTicks reads a process's user and system CPU time, in clock ticks,
// from the text of /proc/<pid>/stat: fields 14 (utime) and 15 (stime),
// counted after the command name, which is in parentheses and may itself
// hold spaces and parentheses (hence the last ')').
func cpuTicks(stat []byte) (uint64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("no ')' closing the command name")
	}
	// After ") " come field 3 (state) onwards: utime is field 14, the
	// 12th after the name, stime the 13th.
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("%d fields after the command name, want at least 13", len(fields))
	}
	utime, err := strconv.ParseUint(fields[11], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("utime (field 14) %q: %w", fields[11], err)
	}
	stime, err := strconv.ParseUint(fields[12], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stime (field 15) %q: %w", fields[12], err)
	}
	return utime + stime, nil
}

// processCPU returns the user plus system CPU time process pid has used,
// from /proc/<pid>/stat, with ticks clock ticks a second.
func processCPU(pid int, ticks uint64) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("read the CPU time of process %d: %w", pid, err)
	}
	n, err := cpuTicks(b)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return ticksToDuration(n, ticks), nil
}

// ticksToDuration converts n clock ticks, ticks a second, to a duration.
func ticksToDuration(n, ticks uint64) time.Duration {
	return time.Duration(n * uint64(time.Second) / ticks)
}

// atClkTck is the auxiliary vector entry holding the clock ticks a second
// (sysconf(_SC_CLK_TCK), getconf CLK_TCK).
const atClkTck = 17

// defaultClockTicks is the usual USER_HZ of Linux, used when the
// auxiliary vector cannot be read.
const defaultClockTicks = 100

// clockTicks returns the clock ticks a second that /proc/<pid>/stat counts
// in, from /proc/self/auxv, else 100.
func clockTicks() uint64 {
	b, err := os.ReadFile("/proc/self/auxv")
	if err != nil {
		return defaultClockTicks
	}
	if n, ok := auxvValue(b, strconv.IntSize/8, atClkTck); ok && n > 0 {
		return n
	}
	return defaultClockTicks
}

// auxvValue finds entry key in an auxiliary vector of (key, value) pairs of
// native-endian words of word bytes (8 on 64-bit platforms, 4 on 32-bit
// ones), ending at key 0.
func auxvValue(auxv []byte, word int, key uint64) (uint64, bool) {
	read := func(b []byte) uint64 {
		if word == 4 {
			return uint64(binary.NativeEndian.Uint32(b))
		}
		return binary.NativeEndian.Uint64(b)
	}
	for len(auxv) >= 2*word {
		k, v := read(auxv), read(auxv[word:])
		if k == 0 {
			return 0, false
		}
		if k == key {
			return v, true
		}
		auxv = auxv[2*word:]
	}
	return 0, false
}

// vmRSS reads the resident set size, in bytes, from the text of
// /proc/<pid>/status: its line "VmRSS:  <n> kB".
func vmRSS(status []byte) (int64, error) {
	for line := range bytes.Lines(status) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := strings.Fields(string(rest))
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("VmRSS line %q, want \"VmRSS: <n> kB\"", bytes.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb < 0 {
			return 0, fmt.Errorf("VmRSS line %q: %q is not a count of kB", bytes.TrimSpace(line), f[0])
		}
		return kb << 10, nil
	}
	return 0, errors.New("no VmRSS line")
}

// residentBytes returns the resident memory of process pid, from
// /proc/<pid>/status.
func residentBytes(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("read the resident memory of process %d: %w", pid, err)
	}
	n, err := vmRSS(b)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/status: %w", pid, err)
	}
	return n, nil
}
