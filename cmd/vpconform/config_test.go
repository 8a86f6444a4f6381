package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/specs"
)

// env is a getenv over a map.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadRunConfigDefaultsEnvAndFlags(t *testing.T) {
	cfg, err := loadRunConfig([]string{"-endpoint", "http://127.0.0.1:4599"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.reportDir != defaultReportDir || cfg.timeout != defaultTimeout || !cfg.junit || cfg.strict ||
		cfg.consistencyTimeout != specs.DefaultConsistencyTimeout || len(cfg.fixtures.ClientIds) != len(specs.DefaultFixtures().ClientIds) {
		t.Errorf("defaults: %+v", cfg)
	}
	// The environment gives the defaults; a flag overrides its variable.
	cfg, err = loadRunConfig([]string{"-report-dir", "flag-dir", "-junit=false"}, env(map[string]string{
		specs.EndpointEnv: "http://emulator:4566", specs.ReportDirEnv: "env-dir", specs.StrictEnv: "1",
		specs.ConsistencyTimeoutEnv: "30s", "VPCONFORM_CLIENT_IDS": "a, b ,c", "VPCONFORM_LABEL_FILTER": "op:GetIdentitySource",
		specs.JUnitEnv: "1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.endpoint != "http://emulator:4566" || cfg.reportDir != "flag-dir" || !cfg.strict || cfg.junit ||
		cfg.consistencyTimeout != 30*time.Second || strings.Join(cfg.fixtures.ClientIds, ",") != "a,b,c" || cfg.labelFilter != "op:GetIdentitySource" {
		t.Errorf("env and flags: %+v", cfg)
	}
	o := cfg.endpointOptions(env(map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"}))
	if o.Endpoint != cfg.endpoint || o.AccessKeyID != "AKID" || o.SecretAccessKey != "secret" || !o.Strict || o.ConsistencyTimeout != 30*time.Second {
		t.Errorf("endpoint options: %+v", o)
	}
}

func TestLoadRunConfigRefusesBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no endpoint", nil, nil, "-endpoint is required"},
		{"record and compare", []string{"-endpoint", "http://x", "-record-dir", "a", "-golden-dir", "b"}, nil, "not both"},
		{"half the denied credentials", []string{"-endpoint", "http://x", "-denied-access-key-id", "AKID"}, nil, "give both"},
		{"one client id", []string{"-endpoint", "http://x", "-client-ids", "only"}, nil, "at least two"},
		{"tokens that are not JWTs", []string{"-endpoint", "http://x", "-tokens", "not-a-jwt"}, nil, "-tokens: "},
		{"token variable that is not a JWT", []string{"-endpoint", "http://x"}, map[string]string{specs.TokensEnv: "a,b"}, "-tokens: "},
		{"bad duration variable", []string{"-endpoint", "http://x"}, map[string]string{specs.ConsistencyTimeoutEnv: "soon"}, "VPCONFORM_CONSISTENCY_TIMEOUT"},
		{"bad boolean variable", []string{"-endpoint", "http://x"}, map[string]string{specs.StrictEnv: "maybe"}, "VPCONFORM_STRICT"},
		{"unknown flag", []string{"-endpont", "http://x"}, nil, "endpont"},
		{"stray argument", []string{"-endpoint", "http://x", "extra"}, nil, "unexpected arguments"},
	} {
		if _, err := loadRunConfig(c.args, env(c.env)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	// A malformed variable does not matter when its flag replaces it.
	if _, err := loadRunConfig([]string{"-endpoint", "http://x", "-strict=false"}, env(map[string]string{specs.StrictEnv: "maybe"})); err != nil {
		t.Errorf("a flag over a malformed variable: %v", err)
	}
	if _, err := loadRunConfig([]string{"-h"}, env(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

func TestHelpVersionAndList(t *testing.T) {
	var out, errOut bytes.Buffer
	run := func(args ...string) int {
		out.Reset()
		errOut.Reset()
		return dispatch(context.Background(), args, env(nil), &out, &errOut)
	}
	if code := run("-h"); code != exitOK || !strings.Contains(out.String(), "-endpoint") || !strings.Contains(out.String(), "($VPCONFORM_ENDPOINT)") ||
		!strings.Contains(out.String(), "Exit status") {
		t.Errorf("-h: %d\n%s", code, out.String())
	}
	if code := run("-version"); code != exitOK || !strings.HasPrefix(out.String(), "vpconform ") {
		t.Errorf("-version: %d %q", code, out.String())
	}
	total := len(specs.Catalogue())
	of := func(n int) string { return fmt.Sprintf("%d of %d scenarios", n, total) }
	if code := run("-list"); code != exitOK || !strings.Contains(out.String(), "GetIdentitySource/NotFound/UnknownPolicyStore") ||
		!strings.Contains(out.String(), of(total)) {
		t.Errorf("-list: %d\n%s", code, out.String())
	}
	if code := run("-list", "-label-filter", "op:DeletePolicyStore"); code != exitOK || !strings.Contains(out.String(), "DeletePolicyStore/Missing/Succeeds") ||
		!strings.Contains(out.String(), of(1)) {
		t.Errorf("-list -label-filter: %d\n%s", code, out.String())
	}
	if code := run("-list", "-focus", "Quota"); code != exitOK || !strings.Contains(out.String(), of(1)) {
		t.Errorf("-list -focus: %d\n%s", code, out.String())
	}
	if code := run("-list", "-label-filter", "op:(("); code != exitUsage || !strings.Contains(errOut.String(), "-label-filter") {
		t.Errorf("-list with a bad filter: %d %q", code, errOut.String())
	}
	if code := run(); code != exitUsage || !strings.Contains(errOut.String(), "-endpoint is required") {
		t.Errorf("no flags: %d %q", code, errOut.String())
	}
}
