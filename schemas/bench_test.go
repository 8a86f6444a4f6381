package schemas_test

import (
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

func BenchmarkValidateUpdateIdentitySourceInput(b *testing.B) {
	for _, name := range []string{"cognito", "oidc-access"} {
		body := []byte(bases["UpdateIdentitySource.input/"+name].doc)
		bad := apply(b, string(body), set("principalEntityType", ""))
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := schemas.Validate("UpdateIdentitySource", schemas.Input, body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/invalid", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := schemas.Validate("UpdateIdentitySource", schemas.Input, bad); err == nil {
					b.Fatal("invalid body passed")
				}
			}
		})
	}
}
