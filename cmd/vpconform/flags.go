package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// envFlagSet is the flag set of a subcommand whose every flag defaults to
// an environment variable (read through getenv), then to a built-in value.
// A variable that is set but malformed is remembered, by flag name, and is
// an error only when the flag does not replace it.
type envFlagSet struct {
	*flag.FlagSet
	getenv func(string) string
	// malformed holds, by flag name, the variables that are set but do not
	// parse.
	malformed map[string]error
}

func newEnvFlagSet(name string, getenv func(string) string) *envFlagSet {
	return &envFlagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), getenv: getenv, malformed: map[string]error{}}
}

// envFlag is one flag: its name, its environment variable and its help.
type envFlag struct {
	name, env, help string
}

// usage is the flag's help text, naming its variable.
func (f envFlag) usage() string { return f.help + " ($" + f.env + ")" }

// lookup returns the variable env, trimmed, and whether it is set.
func (s *envFlagSet) lookup(env string) (string, bool) {
	v := strings.TrimSpace(s.getenv(env))
	return v, v != ""
}

// str binds a string flag.
func (s *envFlagSet) str(p *string, f envFlag, def string) {
	if v, ok := s.lookup(f.env); ok {
		def = v
	}
	s.StringVar(p, f.name, def, f.usage())
}

// strElse binds a string flag whose variable, when unset, falls back to
// another one.
func (s *envFlagSet) strElse(p *string, f envFlag, fallback, def string) {
	if v, ok := s.lookup(fallback); ok {
		def = v
	}
	if v, ok := s.lookup(f.env); ok {
		def = v
	}
	s.StringVar(p, f.name, def, f.help+" ($"+f.env+", else $"+fallback+")")
}

// boolean binds a boolean flag; its variable reads as parseBool does.
func (s *envFlagSet) boolean(p *bool, f envFlag, def bool) {
	if v, ok := s.lookup(f.env); ok {
		b, err := parseBool(v)
		if err != nil {
			s.malformed[f.name] = fmt.Errorf("$%s=%q: %w", f.env, v, err)
		} else {
			def = b
		}
	}
	s.BoolVar(p, f.name, def, f.usage())
}

// duration binds a flag holding a positive duration.
func (s *envFlagSet) duration(p *time.Duration, f envFlag, def time.Duration) {
	if v, ok := s.lookup(f.env); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			s.malformed[f.name] = fmt.Errorf("$%s=%q is not a positive Go duration such as 30s", f.env, v)
		} else {
			def = d
		}
	}
	s.DurationVar(p, f.name, def, f.usage())
}

// parse reads args: flag.ErrHelp for -h, an error for a bad flag, a
// positional argument, or a malformed variable that no flag replaced.
func (s *envFlagSet) parse(args []string) error {
	s.SetOutput(io.Discard)
	if err := s.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("parse flags: %w", err)
	}
	if s.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: %s takes flags only", s.Args(), s.Name())
	}
	set := map[string]bool{}
	s.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, err := range s.malformed {
		if !set[name] {
			return err
		}
	}
	return nil
}

// defaults is the help text of every flag, after head.
func (s *envFlagSet) defaults(head string) string {
	var b strings.Builder
	b.WriteString(head)
	s.SetOutput(&b)
	s.PrintDefaults()
	return b.String()
}

// parseBool reads a boolean variable: 1, true, yes, on or 0, false, no,
// off.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	if b, err := strconv.ParseBool(v); err == nil {
		return b, nil
	}
	return false, errors.New("not a boolean (1 or 0)")
}

// configured handles what loading a subcommand's flags returned: for -h it
// prints the subcommand's help, for an error what is wrong. done says the
// subcommand is to return code now.
func configured(err error, command string, usage func() string, stdout, stderr io.Writer) (code int, done bool) {
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout, usage())
		return exitOK, true
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\nRun %s -h for the flags.\n", command, err, command)
		return exitUsage, true
	}
	return exitOK, false
}
