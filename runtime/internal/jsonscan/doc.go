// Package jsonscan reads the JSON objects an access token is made of (a
// JOSE header, a JWT payload, an introspection answer, a key set, a DPoP
// proof) without building a map, with rules stricter than encoding/json's
// where a token must be strict.
//
// # What it replaces, and why it stays
//
// It replaces encoding/json for those objects. With encoding/json
// (json.Unmarshal into a map of raw values) in its place, a cache-off
// guarded request takes about 22 % longer for RS256 (70 more allocations);
// the figures and the command behind them are in docs/BENCHMARKS.md,
// "Hand-written code, measured". encoding/json also lacks two rules the
// runtime needs: it takes the last of duplicate member names, and its
// cost on a hostile text is not bounded before the signature is checked.
//
// # Rules
//
// An object is exactly one JSON object (RFC 8259), blanks around it
// allowed. Refused, besides what encoding/json refuses: duplicate member
// names (RFC 7515 §5.2, RFC 8725 §3.2: two readers must not see two
// different claims), invalid UTF-8 and lone UTF-16 surrogate escapes
// (encoding/json replaces them with U+FFFD), and nesting deeper than
// MaxDepth. Values read are those encoding/json gives for map[string]any:
// Parse builds them; Members and Scan keep each member's raw text, which
// Value, String, Number and AppendStrings decode on demand.
//
// Members checks a whole object. Scan is for text nobody vouched for yet
// (a token before its signature is checked): its work is bounded by a
// budget, so no text under the token size limit costs more than a
// signature check, and the checks whose cost grows faster are deferred
// (it says so); Members must then check the text before anything relies
// on it. AppendWords splits a scope string on U+0020 only (RFC 6749
// §3.3).
//
// # How it is held to the library
//
// FuzzParseObject runs Parse against encoding/json: whatever Parse
// accepts, encoding/json accepts with the same value, and whatever Parse
// refuses that encoding/json accepts is one of the rules above (a refusal
// of a text with invalid UTF-8 or a \u escape anywhere is taken as the
// UTF-8 or surrogate rule without telling which: a known gap). On every
// input it also holds Members, Scan and the value helpers to Parse.
// FuzzAppendWords holds AppendWords to strings.Split on U+0020. Both run
// in CI from a committed seed corpus (testdata/fuzz).
package jsonscan
