// Package version says which version of vpconform a binary is: the one
// stamped at link time by make dist (-ldflags "-X
// github.com/vpconform/vpconform/internal/version.stamped=v1.2.3"), else
// the module version go install recorded, else "devel".
package version
