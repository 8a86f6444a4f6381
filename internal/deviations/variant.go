package deviations

// Variant is one way an emulator can differ from the bundled fake and still
// conform: an HTTP middleware that changes the faithful fake's answers (or
// the ids it presents) only in a way the awsJson1_0 protocol, the API model
// or AWS's documentation allows. The catalogue must pass cleanly against
// each: a scenario that fails, or reports a deviation, against a variant is
// a false alarm of the catalogue.
type Variant struct {
	// Name identifies the variant, in kebab-case, such as
	// "error-code-body-only".
	Name string
	// Description says what the variant changes, in one sentence.
	Description string
	// Allowed names what allows the change (the awsJson1_0 protocol, a
	// pattern or an optional member of the model, the documentation's
	// prose, …), in one sentence.
	Allowed string
	// RewritesRequests says the variant changes request bodies on their
	// way to the fake (the id variants map their ids back), which breaks
	// the requests' SigV4 signatures: its runs need a fake that does not
	// verify them, and so skip the scenarios about credentials.
	RewritesRequests bool

	// middleware builds the variant's handler.
	middleware
}

// Conforming returns every conforming variant, sorted by name.
func Conforming() []Variant {
	return sortedByName([]Variant{
		errorCodeBodyOnly(),
		errorCodeHeaderOnly(),
		errorCodeNamespaced(),
		errorCodeHeaderURIForm(),
		idsUUID(),
		idsHex40(),
		timestampsDigits(0),
		timestampsDigits(3),
		timestampsDigits(6),
		unorderedLists(),
		discoveryURLWellKnown(),
		listItemsWithoutConfiguration(),
		messagesReworded(),
	}, variantName)
}

// VariantByName returns the conforming variant called name, and whether
// there is one.
func VariantByName(name string) (Variant, bool) { return findByName(Conforming(), name, variantName) }

func variantName(v Variant) string { return v.Name }
