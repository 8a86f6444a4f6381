package version

import (
	"runtime/debug"
)

// stamped is set at link time by make dist and make build.
var stamped string

// String returns the version: the stamped one, else the module version of
// a go install, else "devel", followed by the VCS revision when the build
// recorded one, such as "v0.3.0" or "devel (a1b2c3d4e5f6, modified)".
func String() string {
	return describe(stamped, readBuildInfo)
}

// readBuildInfo is debug.ReadBuildInfo, replaced in tests.
var readBuildInfo = debug.ReadBuildInfo

func describe(stamped string, read func() (*debug.BuildInfo, bool)) string {
	if stamped != "" {
		return stamped
	}
	v := "devel"
	info, ok := read()
	if !ok {
		return v
	}
	if m := info.Main.Version; m != "" && m != "(devel)" {
		v = m
	}
	var rev string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified {
		rev += ", modified"
	}
	return v + " (" + rev + ")"
}
