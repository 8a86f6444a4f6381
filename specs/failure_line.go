package specs

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// failureLineMax bounds a failure line, in bytes; a longer one is cut and
// ends in "…".
const failureLineMax = 600

// failureLine condenses a Ginkgo/Gomega failure message into one line that
// says what was expected and what came back, keeping the values:
//
//   - the standard Gomega layout, an annotation then
//     "Expected\n    <type>: actual\n<matcher phrase>\n    <type>: expected",
//     becomes "<annotation>: expected 404, got 400" for "to equal" and
//     "<annotation>: expected <phrase> <expected>, got <actual>" otherwise,
//     the "<type>: " and "<type | 0x…>: " prefixes stripped; further
//     phrase/value pairs (ConsistOf's missing and extra elements) follow
//     after "; ";
//   - "Unexpected error:\n    <…>: \n    err text\n    {…}\noccurred"
//     becomes "<annotation>: unexpected error: err text";
//   - Eventually and Consistently, "Timed out after 10.001s.\n<annotation>\n…
//     returned the following error:\n    <…>: text", become
//     "<annotation> (timed out after 10.001s): text", and the same for the
//     other layouts after the first line ("Failed after …", "Context was
//     cancelled … after …");
//   - a list ("schema violations …:\n  - a\n  - b") becomes
//     "schema violations …: a; b";
//   - anything else has its lines joined with " " and whitespace squeezed.
//
// A line longer than failureLineMax is cut and ends in "…".
func failureLine(message string) string {
	message = strings.ReplaceAll(message, "\r\n", "\n")
	var lines []string
	for _, l := range strings.Split(message, "\n") {
		if strings.TrimSpace(l) != "" && !isGomegaBoilerplate(l) {
			lines = append(lines, strings.TrimRight(l, " \t"))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return flCap(flCondense(lines, false))
}

// gomegaBoilerplate starts the lines of advice Gomega adds after a value
// it truncated (format.MaxLength), which say nothing of the failure.
var gomegaBoilerplate = []string{
	"Gomega truncated this representation as it exceeds 'format.MaxLength'.",
	"Consider having the object provide a custom 'GomegaStringer' representation",
	"or adjust the parameters in Gomega's 'format' package.",
	"Learn more here: https://onsi.github.io/gomega/#adjusting-output",
}

// isGomegaBoilerplate reports whether l is a line of gomegaBoilerplate.
func isGomegaBoilerplate(l string) bool {
	l = strings.TrimSpace(l)
	for _, b := range gomegaBoilerplate {
		if l == b {
			return true
		}
	}
	return false
}

// flAsyncHeader matches the first line of an Eventually or Consistently
// failure: "Timed out after 10.001s.", "Failed after 0.200s.", "Context was
// cancelled (cause: …) after 1.002s.", "Told to stop trying after 0.5s.".
var flAsyncHeader = regexp.MustCompile(`^(?:Timed out|Failed|Context was cancelled|Told to stop trying)\b.* after \d+(?:\.\d+)?s\.$`)

// flCondense renders the (non-empty) lines of a failure message on one
// line; async says the message is what an Eventually or Consistently found
// after its time ran out.
func flCondense(lines []string, async bool) string {
	if first := strings.TrimSpace(lines[0]); !async && flAsyncHeader.MatchString(first) {
		when := flLowerFirst(strings.TrimSuffix(first, "."))
		rest := lines[1:]
		i := flGomegaStart(rest)
		if i < 0 {
			i = len(rest)
		}
		head := "(" + when + ")"
		if ann := flText(rest[:i]); ann != "" {
			head = strings.TrimSuffix(ann, ":") + " " + head
		}
		if body := flGomega(rest[i:], true); body != "" {
			return head + ": " + body
		}
		return head
	}
	i := flGomegaStart(lines)
	if i < 0 {
		return flText(lines)
	}
	body := flGomega(lines[i:], async)
	if ann := strings.TrimSuffix(flText(lines[:i]), ":"); ann != "" {
		return ann + ": " + body
	}
	return body
}

// flGomegaStart returns the index of the line where Gomega's own part of a
// failure message starts, after the annotation, or -1.
func flGomegaStart(lines []string) int {
	for i, l := range lines {
		if flIsIndented(l) {
			continue
		}
		switch {
		case l == "Expected" && i+1 < len(lines) && flIsIndented(lines[i+1]),
			l == "Unexpected error:",
			l == "Expected success, but got an error:",
			strings.HasPrefix(l, "Expected an error to have occurred."),
			strings.HasPrefix(l, "The function passed to ") && (strings.HasSuffix(l, " with:") || strings.HasSuffix(l, "returned the following error:") || strings.Contains(l, " did not return")),
			strings.HasPrefix(l, "The matcher passed to ") && strings.HasSuffix(l, "returned the following error:"):
			return i
		}
	}
	return -1
}

// flIsIndented reports whether a line of a Gomega message belongs to a value
// block (format.Indent is four spaces).
func flIsIndented(l string) bool {
	return strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "\t")
}

// flBlock returns the indented lines from lines[i] on, with their first
// level of indentation removed, and the index of the line after them.
func flBlock(lines []string, i int) ([]string, int) {
	var out []string
	for ; i < len(lines) && flIsIndented(lines[i]); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "    ") {
			l = l[4:]
		} else {
			l = l[1:]
		}
		out = append(out, l)
	}
	return out, i
}

// flGomega renders Gomega's part of a failure message, lines[0]
// being the line flGomegaStart found.
func flGomega(lines []string, async bool) string {
	var parts []string
	for i := 0; i < len(lines); {
		l := strings.TrimSpace(lines[i])
		if flIsIndented(lines[i]) {
			b, next := flBlock(lines, i)
			parts = append(parts, flValue(b))
			i = next
			continue
		}
		b, next := flBlock(lines, i+1)
		switch {
		case l == "Expected" && len(b) > 0:
			actual := flValue(b)
			i = next
			if i >= len(lines) || flIsIndented(lines[i]) {
				parts = append(parts, "got "+actual)
				continue
			}
			phrase := strings.TrimSpace(strings.TrimRight(lines[i], " |"))
			exp, after := flBlock(lines, i+1)
			i = after
			switch {
			case len(exp) == 0:
				parts = append(parts, "expected "+phrase+", got "+actual)
			case phrase == "to equal":
				parts = append(parts, "expected "+flValue(exp)+", got "+actual)
			default:
				parts = append(parts, "expected "+phrase+" "+flValue(exp)+", got "+actual)
			}
		case l == "Unexpected error:" && len(b) > 0:
			parts = append(parts, "unexpected error: "+flValue(b))
			i = next
			if i < len(lines) && strings.TrimSpace(lines[i]) == "occurred" {
				i++
			}
		case l == "Expected success, but got an error:" && len(b) > 0:
			if async {
				parts = append(parts, flValue(b))
			} else {
				parts = append(parts, "unexpected error: "+flValue(b))
			}
			i = next
		case strings.HasPrefix(l, "Expected an error to have occurred.") && len(b) > 0:
			parts = append(parts, "expected an error, got "+flValue(b))
			i = next
		case strings.HasPrefix(l, "The function passed to ") && strings.HasSuffix(l, " with:"):
			// Eventually(func(g Gomega) {…}): the rest is the inner
			// failure, annotation and all.
			if rest := lines[i+1:]; len(rest) > 0 {
				parts = append(parts, flCondense(rest, true))
			} else {
				parts = append(parts, l)
			}
			i = len(lines)
		case strings.HasPrefix(l, "The function passed to ") && strings.HasSuffix(l, "returned the following error:") && len(b) > 0:
			parts = append(parts, flValue(b))
			i = next
		case strings.HasSuffix(l, "returned the following error:") && len(b) > 0:
			// The matcher's own error.
			parts = append(parts, strings.TrimSuffix(flLowerFirst(l), " the following error:")+" an error: "+flValue(b))
			i = next
		case len(b) > 0:
			parts = append(parts, l+" "+flValue(b))
			i = next
		default:
			parts = append(parts, l)
			i++
		}
	}
	return flJoinParts(parts)
}

// flJoinParts joins the parts of a line with "; ", or with " " after a part
// ending in a colon.
func flJoinParts(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			if strings.HasSuffix(parts[i-1], ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

// flTypePrefix matches the "<type>: " or "<type | 0x…>: " (or
// "<[]T | len:2, cap:2>: ") Gomega puts before a value.
var flTypePrefix = regexp.MustCompile(`^<.*?>:(?: |$)`)

// flPointerInType matches the pointer Gomega writes in the type of a nested
// value ("<*url.Error | 0xc000123>{…}"): not a value, and different every
// run.
var flPointerInType = regexp.MustCompile(` \| 0x[0-9a-fA-F]+>`)

// flValue renders a value block of a Gomega message (its lines, the first
// indentation removed) on one line: for an error, its text; otherwise the
// value, its type prefix stripped.
func flValue(b []string) string {
	if len(b) == 0 {
		return ""
	}
	loc := flTypePrefix.FindStringIndex(b[0])
	if loc == nil {
		return flCompact(b)
	}
	rest := strings.TrimSpace(b[0][loc[1]:])
	if rest == "" && len(b) > 1 {
		// An error: "<type>: ", its text, then its dump: one line, or
		// from a line at this level to the closing bracket at this level,
		// or, when Gomega truncated it ("..."), from the first line at
		// this level opening a value.
		end := len(b) - 1
		switch last := strings.TrimSpace(b[end]); {
		case strings.HasSuffix(last, "..."):
			for i := 1; i < end; i++ {
				if b[i] != "" && !flIsNested(b[i]) && strings.ContainsAny(b[i][:1], "{[<") {
					end = i
					break
				}
			}
		case !flIsNested(b[end]) && (last == "}" || last == "]" || last == ")"):
			for end--; end > 1 && flIsNested(b[end]); end-- {
			}
		}
		if end <= 1 {
			return flCompact(b[1:])
		}
		return flCompact(b[1:end])
	}
	if rest == "" {
		return `""`
	}
	return flCompact(append([]string{rest}, b[1:]...))
}

// flIsNested reports whether a line of a value block is indented further
// than the block itself.
func flIsNested(l string) bool {
	return strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")
}

// flCompact joins the lines of a multi-line value on one line: no space
// after an opening bracket or before a closing one, no comma before a
// closing one.
func flCompact(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimSpace(flPointerInType.ReplaceAllString(l, ">"))
		if l == "" {
			continue
		}
		s := b.String()
		closing := strings.HasPrefix(l, "}") || strings.HasPrefix(l, "]") || strings.HasPrefix(l, ")")
		switch {
		case s == "":
		case closing && strings.HasSuffix(s, ","):
			b.Reset()
			b.WriteString(strings.TrimSuffix(s, ","))
		case closing || strings.HasSuffix(s, "{") || strings.HasSuffix(s, "[") || strings.HasSuffix(s, "("):
		default:
			b.WriteString(" ")
		}
		b.WriteString(l)
	}
	return b.String()
}

// flListItem matches an item of a list in a failure message ("  - a").
var flListItem = regexp.MustCompile(`^ {0,4}- `)

// flText renders free text on one line: a list (a header line ending in a
// colon, then items "  - a", each perhaps continued on lines indented
// further) as "header: a; b", anything else joined with " ", whitespace
// squeezed.
func flText(lines []string) string {
	first := -1
	for i, l := range lines {
		if flListItem.MatchString(l) {
			first = i
			break
		}
	}
	isList := first >= 0 && (first == 0 || strings.HasSuffix(lines[first-1], ":"))
	for _, l := range lines[max(first, 0):] {
		if isList && !flListItem.MatchString(l) && !strings.HasPrefix(l, "    ") {
			isList = false
		}
	}
	if !isList {
		return flSqueeze(strings.Join(lines, " "))
	}
	var items []string
	for _, l := range lines[first:] {
		if flListItem.MatchString(l) {
			items = append(items, flSqueeze(flListItem.ReplaceAllString(l, "")))
		} else {
			items[len(items)-1] += " " + flSqueeze(l)
		}
	}
	list := strings.Join(items, "; ")
	if head := strings.TrimSuffix(flSqueeze(strings.Join(lines[:first], " ")), ":"); head != "" {
		return head + ": " + list
	}
	return list
}

// flSqueeze trims s and turns each run of white space in it into one space.
func flSqueeze(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// flLowerFirst lower-cases the first letter of s.
func flLowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r >= 'A' && r <= 'Z' {
		return string(r+'a'-'A') + s[n:]
	}
	return s
}

// flCap cuts a line longer than failureLineMax bytes, at a rune
// boundary, ending it in "…".
func flCap(s string) string {
	if len(s) <= failureLineMax {
		return s
	}
	cut := failureLineMax
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " ") + "…"
}

// Masks of volatile values, so that one fault in different scenarios
// yields one cause.
var (
	maskUuid     = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	maskIdRun    = regexp.MustCompile(`[A-Za-z0-9-]{16,}`)
	maskDigit    = regexp.MustCompile(`[0-9]`)
	maskDuration = regexp.MustCompile(`\b\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))*\b`)
	maskExchange = regexp.MustCompile(`(?i)\b(exchange) #?\d+\b`)
	maskAddress  = regexp.MustCompile(`\b0x[0-9a-fA-F]{6,}\b`)
	maskQuotedID = regexp.MustCompile(`\\?"<id>\\?"`)
)

// maskVolatile replaces, in a failure line, the values that differ from
// scenario to scenario or run to run, so that the same fault in different
// scenarios reads the same: ids (UUIDs, and runs of 16 or more letters,
// digits and hyphens holding a digit, quoted or not) become <id>,
// durations ("10.001s") <duration>, the number in "exchange 3" <n>, and
// pointers <addr>.
func maskVolatile(s string) string {
	s = maskUuid.ReplaceAllString(s, "<id>")
	s = maskIdRun.ReplaceAllStringFunc(s, func(run string) string {
		if maskDigit.MatchString(run) {
			return "<id>"
		}
		return run
	})
	s = maskQuotedID.ReplaceAllString(s, "<id>")
	s = maskAddress.ReplaceAllString(s, "<addr>")
	s = maskDuration.ReplaceAllString(s, "<duration>")
	return maskExchange.ReplaceAllString(s, "$1 <n>")
}
