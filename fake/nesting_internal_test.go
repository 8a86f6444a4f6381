package fake

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckNesting(t *testing.T) {
	nested := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	for _, c := range []struct {
		name   string
		body   string
		refuse bool
	}{
		{"flat", `{"policyStoreId":"a"}`, false},
		{"at the bound", nested(maxNesting), false},
		{"one past the bound", nested(maxNesting + 1), true},
		{"arrays count", strings.Repeat("[", maxNesting+1) + strings.Repeat("]", maxNesting+1), true},
		{"brackets in strings do not count", `{"a":"` + strings.Repeat("[{", 100) + `"}`, false},
		{"an escaped quote does not end the string", `{"a":"\"` + strings.Repeat("[", 100) + `"}`, false},
	} {
		err := checkNesting([]byte(c.body))
		var se *SerializationException
		switch {
		case c.refuse && !errors.As(err, &se):
			t.Errorf("%s: expected a SerializationException, got %v", c.name, err)
		case !c.refuse && err != nil:
			t.Errorf("%s: expected no error, got %v", c.name, err)
		}
	}
}
