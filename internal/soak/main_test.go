package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// sourceAnswer renders an identity source as vpfake answers it, from the
// configuration as sent.
func sourceAnswer(t *testing.T, store, source, marker string, cfg map[string]any) []byte {
	t.Helper()
	out := map[string]any{}
	for k, v := range cfg {
		member := map[string]any{}
		for mk, mv := range v.(map[string]any) {
			member[mk] = mv
		}
		if k == "cognitoUserPoolConfiguration" {
			member["issuer"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_" + marker
		}
		out[k] = member
	}
	b, err := json.Marshal(map[string]any{
		"policyStoreId": store, "identitySourceId": source, "principalEntityType": markerEntityPrefix + marker,
		"configuration": out, "createdDate": "2025-01-01T00:00:00Z", "lastUpdatedDate": "2025-01-01T00:00:00Z",
		"details": map[string]any{"openIdIssuer": "COGNITO"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCheckSource checks the read check: exactly one written configuration
// of that identity source passes; a torn read (the principalEntityType of
// one write with the configuration of another), a merged one (two union
// members), one of another resource, and one of an unknown write fail.
func TestCheckSource(t *testing.T) {
	reg := newRegistry()
	cfgA, cfgB := configuration("c1s1", 0), configuration("c1s2", 1)
	reg.addSource("c1s1", "PS1", "", cfgA)
	reg.sourceWritten("c1s1", "IS1", nil, time.Now())
	reg.addSource("c1s2", "PS1", "IS1", cfgB) // an update, not answered yet

	for _, c := range []struct {
		name, marker string
		cfg          map[string]any
	}{{"created", "c1s1", cfgA}, {"updated, in flight", "c1s2", cfgB}} {
		got, err := reg.checkSource("PS1", "IS1", sourceAnswer(t, "PS1", "IS1", c.marker, c.cfg))
		if err != nil || got != c.marker {
			t.Errorf("%s: %q, %v", c.name, got, err)
		}
	}
	// A list item is checked without the identity source id asked.
	if _, err := reg.checkSource("PS1", "", sourceAnswer(t, "PS1", "IS1", "c1s2", cfgB)); err != nil {
		t.Errorf("list item: %v", err)
	}

	merged := map[string]any{}
	for k, v := range cfgA {
		merged[k] = v
	}
	for k, v := range cfgB {
		merged[k] = v
	}
	// One member of the configuration from the other write.
	torn := configuration("c1s1", 0)
	torn["cognitoUserPoolConfiguration"].(map[string]any)["clientIds"] = []string{"c1s2-a", "c1s2-b"}
	bad := []struct {
		name, store, source, marker string
		cfg                         map[string]any
		want                        string
	}{
		{"principalEntityType of one write, configuration of another", "PS1", "IS1", "c1s1", cfgB, "torn or merged"},
		{"one member torn", "PS1", "IS1", "c1s1", torn, "torn or merged"},
		{"two union members", "PS1", "IS1", "c1s1", merged, "2 union members"},
		{"unknown write", "PS1", "IS1", "c9s9", configuration("c9s9", 0), "no write sent"},
		{"another identity source", "PS1", "IS2", "c1s1", cfgA, "written to identity source IS1"},
		{"another policy store", "PS2", "IS1", "c1s1", cfgA, "written to policy store PS1"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := reg.checkSource(c.store, c.source, sourceAnswer(t, c.store, c.source, c.marker, c.cfg))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error mentioning %q", err, c.want)
			}
		})
	}
	// An answer for another id than asked.
	if _, err := reg.checkSource("PS1", "IS1", sourceAnswer(t, "PS1", "IS3", "c1s1", cfgA)); err == nil {
		t.Error("an answer for another identity source passed")
	}
}

// TestCheckStore checks a policy store read must carry exactly what its
// create sent.
func TestCheckStore(t *testing.T) {
	reg := newRegistry()
	c := &client{id: 0, seq: 3}
	in := c.storeInput("c1s3") // mode OFF, with KMS encryption settings
	reg.addStore("c1s3", in)
	reg.storeCreated("c1s3", "PS1")
	answer := func(mut func(m map[string]any)) []byte {
		es := in["encryptionSettings"].(map[string]any)["kmsEncryptionSettings"]
		m := map[string]any{
			"policyStoreId": "PS1", "arn": "arn:aws:verifiedpermissions::123456789012:policy-store/PS1",
			"validationSettings": in["validationSettings"], "description": "c1s3", "deletionProtection": "DISABLED",
			"cedarVersion": "CEDAR_4", "tags": in["tags"], "encryptionState": map[string]any{"kmsEncryptionState": es},
			"createdDate": "2025-01-01T00:00:00Z", "lastUpdatedDate": "2025-01-01T00:00:00Z",
		}
		if mut != nil {
			mut(m)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := reg.checkStore("PS1", answer(nil)); err != nil {
		t.Errorf("faithful answer: %v", err)
	}
	for name, mut := range map[string]func(map[string]any){
		"tags of another store":   func(m map[string]any) { m["tags"] = map[string]string{"soak-marker": "c2s1", "soak-client": "1"} },
		"no encryption state":     func(m map[string]any) { delete(m, "encryptionState") },
		"other validation mode":   func(m map[string]any) { m["validationSettings"] = map[string]string{"mode": "STRICT"} },
		"unknown description":     func(m map[string]any) { m["description"] = "c7s7" },
		"another policy store id": func(m map[string]any) { m["policyStoreId"] = "PS2" },
	} {
		if err := reg.checkStore("PS1", answer(mut)); err == nil {
			t.Errorf("%s: passed", name)
		}
	}
}

// TestRegistryForgets checks superseded writes and those of deleted stores
// are forgotten once no read can return them, and the others kept.
func TestRegistryForgets(t *testing.T) {
	reg := newRegistry()
	now := time.Now()
	reg.addSource("a", "PS1", "", configuration("a", 0))
	reg.sourceWritten("a", "IS1", nil, now.Add(-time.Minute))
	reg.addSource("b", "PS1", "IS1", configuration("b", 1))
	reg.sourceWritten("b", "IS1", []string{"a"}, now.Add(-time.Minute)) // a superseded a minute ago
	reg.addSource("c", "PS2", "", configuration("c", 2))
	reg.sourceWritten("c", "IS2", nil, now)
	reg.addStore("s", map[string]any{"description": "s"})
	reg.storeCreated("s", "PS2")
	reg.storeDeleted("PS2", now.Add(-time.Minute))
	reg.forget(now.Add(-time.Second))
	if _, ok := reg.sources["a"]; ok {
		t.Error("a superseded write was kept")
	}
	if _, ok := reg.sources["b"]; !ok {
		t.Error("the latest write was forgotten")
	}
	if _, ok := reg.sources["c"]; ok {
		t.Error("a write of a deleted store was kept")
	}
	if reg.size() != 1 {
		t.Errorf("%d writes kept, want 1", reg.size())
	}
}

// TestHeapVerdict checks the heap check allows the slack and no more.
func TestHeapVerdict(t *testing.T) {
	if err := heapVerdict(10<<20, 20<<20, 16<<20); err != nil {
		t.Errorf("within the slack: %v", err)
	}
	if err := heapVerdict(10<<20, 30<<20, 16<<20); err == nil || !strings.Contains(err.Error(), "30.0 MiB") {
		t.Errorf("beyond the slack: %v", err)
	}
}

// TestInjectedErrors checks errors of injected faults are recognised by
// their default message.
func TestInjectedErrors(t *testing.T) {
	a := answer{status: 429, body: []byte(`{"__type":"ThrottlingException","message":"Rate exceeded (injected by the vpconform fake: fault-3)"}`)}
	if e := a.errorOf(); !e.injected() || e.Type != "ThrottlingException" {
		t.Errorf("injected error not recognised: %+v", e)
	}
	if (answer{status: 429, body: []byte(`{"__type":"ThrottlingException","message":"Rate exceeded"}`)}).errorOf().injected() {
		t.Error("an error of the fake's own taken for an injected one")
	}
}

// TestParseFlags checks the flags and their defaults.
func TestParseFlags(t *testing.T) {
	var stderr bytes.Buffer
	s, err := parseFlags(nil, &stderr)
	if err != nil || s.duration != 30*time.Second || s.clients != 16 || s.delay != 0 || s.vpfake != "bin/vpfake" {
		t.Errorf("defaults: %+v, %v", s, err)
	}
	s, err = parseFlags([]string{"-duration", "1m", "-clients", "4", "-propagation-delay", "250ms", "-vpfake", "/x/vpfake"}, &stderr)
	if err != nil || s.duration != time.Minute || s.clients != 4 || s.delay != 250*time.Millisecond || s.vpfake != "/x/vpfake" {
		t.Errorf("flags: %+v, %v", s, err)
	}
	for _, args := range [][]string{{"-clients", "0"}, {"-duration", "0s"}, {"-propagation-delay", "-1s"}, {"extra"}} {
		if _, err := parseFlags(args, &stderr); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestSoakMissingBinary checks the soak says how to get vpfake when the
// binary is missing, and exits 2.
func TestSoakMissingBinary(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli(t.Context(), []string{"-vpfake", "/nonexistent/vpfake", "-duration", "1s"}, &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "make build") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
