/**
 * Topic and group filter patterns. kafka_exporter compiles them with Go's RE2 and tests with
 * `regexp.MatchString`, i.e. unanchored: `orders` matches `eu.orders.v1`. lagwatch compiles them as
 * JavaScript regular expressions with the same unanchored test, so `^…$` anchors work as in Go.
 *
 * Go's leading inline-flag group (`(?i)orders`, `(?s)`, `(?m)`, or combined `(?is)`) is translated into
 * JavaScript flags, because Node 20 does not understand inline flags and `(?i)` is common in existing
 * kafka_exporter deployments. RE2 escapes that JavaScript (without the `u` flag) would silently read as
 * a literal letter — `\z`, `\A`, `\pL`, `\PL`, `\Q…\E` — are rejected rather than change meaning;
 * other RE2-only syntax (`(?P<name>…)`, `(?U)`) fails to compile and is rejected too.
 */

/** A compiled pattern, or why it did not compile. */
export type PatternResult = { ok: true; regex: RegExp } | { ok: false; reason: string };

const GO_FLAGS = /^\(\?([a-zA-Z]+)\)/;

/** An RE2 escape with no JavaScript equivalent: a letter after an odd number of backslashes. */
const GO_ONLY_ESCAPE = /(?<!\\)(?:\\\\)*\\([zApPQE])/;

const GO_ESCAPE_HINT: Readonly<Record<string, string>> = {
  z: 'use $ for the end of the name',
  A: 'use ^ for the start of the name',
  p: 'Unicode classes are not supported',
  P: 'Unicode classes are not supported',
  Q: 'escape each special character with a backslash instead',
  E: 'escape each special character with a backslash instead',
};

/**
 * Compiles a filter pattern. The result never has the `g` or `y` flag, so `regex.test` keeps no state
 * between calls. Never throws: an invalid pattern yields `{ ok: false, reason }` with the engine's message.
 */
export function compilePattern(pattern: string): PatternResult {
  let source = pattern;
  let flags = '';
  const inline = GO_FLAGS.exec(pattern);
  if (inline !== null) {
    const goFlags = inline[1] ?? '';
    for (const flag of goFlags) {
      if (flag === 'i' || flag === 'm' || flag === 's') {
        if (!flags.includes(flag)) flags += flag;
      } else {
        return { ok: false, reason: `inline flag '${flag}' of (?${goFlags}) has no JavaScript equivalent` };
      }
    }
    source = pattern.slice(inline[0].length);
  }
  const goEscape = GO_ONLY_ESCAPE.exec(source)?.[1];
  if (goEscape !== undefined) {
    return {
      ok: false,
      reason: `Go's \\${goEscape} has no JavaScript equivalent (${GO_ESCAPE_HINT[goEscape] ?? ''})`,
    };
  }
  try {
    return { ok: true, regex: new RegExp(source, flags) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8: "Invalid regular expression: /(/: Unterminated group" → "Unterminated group"
    return { ok: false, reason: message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') };
  }
}
