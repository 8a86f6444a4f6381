package version

import (
	"runtime/debug"
	"testing"
)

func TestDescribe(t *testing.T) {
	info := func(main string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: main}, Settings: settings}, true
		}
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	for _, c := range []struct {
		name, stamped string
		read          func() (*debug.BuildInfo, bool)
		want          string
	}{
		{"stamped wins", "v1.2.3", info("v0.1.0"), "v1.2.3"},
		{"go install of a version", "", info("v0.4.0"), "v0.4.0"},
		{"local build", "", info("(devel)", debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			debug.BuildSetting{Key: "vcs.modified", Value: "true"}), "devel (0123456789ab, modified)"},
		{"clean local build", "", info("(devel)", debug.BuildSetting{Key: "vcs.revision", Value: "abc"}), "devel (abc)"},
		{"no build info", "", none, "devel"},
	} {
		if got := describe(c.stamped, c.read); got != c.want {
			t.Errorf("%s: describe = %q, want %q", c.name, got, c.want)
		}
	}
	if String() == "" {
		t.Error("String() is empty")
	}
}
