package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(2)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("benchratio", flag.ContinueOnError)
	base := fs.String("base", "canned", "name of the sub-benchmark that is the baseline (the denominator)")
	subject := fs.String("subject", "fake", "name of the sub-benchmark that is measured against the baseline (the numerator)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in := stdin
	if fs.NArg() > 1 {
		return errors.New("at most one input file")
	}
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return fmt.Errorf("open bench output: %w", err)
		}
		defer f.Close()
		in = f
	}
	results, err := parse(in)
	if err != nil {
		return err
	}
	report, err := ratios(results, *base, *subject)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, report)
	return err
}

// sample is one benchmark result line.
type sample struct {
	bench, sub string
	nsPerOp    float64
}

// parse reads the lines of `go test -bench` output that report ns/op.
func parse(r io.Reader) ([]sample, error) {
	var out []sample
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		// Drop the -GOMAXPROCS suffix.
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		bench, sub, _ := strings.Cut(name, "/")
		for i := 2; i+1 < len(f); i += 2 {
			if f[i+1] != "ns/op" {
				continue
			}
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %q: ns/op %q: %w", sc.Text(), f[i], err)
			}
			out = append(out, sample{bench: bench, sub: sub, nsPerOp: v})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read bench output: %w", err)
	}
	return out, nil
}

// ratios renders, per benchmark that has both sub-benchmarks, the median
// ns/op of each and subject/base.
func ratios(samples []sample, base, subject string) (string, error) {
	by := map[string]map[string][]float64{}
	var names []string
	for _, s := range samples {
		if by[s.bench] == nil {
			by[s.bench] = map[string][]float64{}
			names = append(names, s.bench)
		}
		by[s.bench][s.sub] = append(by[s.bench][s.sub], s.nsPerOp)
	}
	var b strings.Builder
	for _, n := range names {
		bs, ss := by[n][base], by[n][subject]
		if len(bs) == 0 || len(ss) == 0 {
			continue
		}
		mb, ms := median(bs), median(ss)
		fmt.Fprintf(&b, "%s (median of %d runs each)\n", n, min(len(bs), len(ss)))
		w := max(8, len(base), len(subject))
		fmt.Fprintf(&b, "  %-*s %12.0f ns/op\n", w, base, mb)
		fmt.Fprintf(&b, "  %-*s %12.0f ns/op\n", w, subject, ms)
		fmt.Fprintf(&b, "  ratio %s/%s = %.2f\n", subject, base, ms/mb)
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("no benchmark has both %q and %q sub-benchmarks with ns/op", base, subject)
	}
	return b.String(), nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
