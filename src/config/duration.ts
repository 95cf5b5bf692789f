/**
 * Durations in Go's `time.ParseDuration` syntax, the syntax kafka_exporter's flags (kingpin) and
 * Prometheus users know: a sequence of decimal numbers each with a unit, e.g. `30s`, `1m30s`, `1.5h`,
 * `500ms`. Units: `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`. A bare number is rejected (Go does the
 * same), except `0`. Negative durations are rejected: no lagwatch setting can be negative.
 *
 * Written by hand (about 30 lines) rather than taken from npm: the common packages (`parse-duration`,
 * `ms`) accept inputs Go rejects — a bare `30` read as 30 ms, spaces, words such as `1 hour` — so a
 * kafka_exporter flag value could mean something else here.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek small letter mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** One `<number><unit>` component. The number needs a digit before or after the point. */
const COMPONENT = /(\d+\.?\d*|\.\d+)([a-zµμ]+)/y;

/** A parsed duration in milliseconds (may be fractional for sub-millisecond inputs), or why it is invalid. */
export type DurationResult = { ok: true; ms: number } | { ok: false; reason: string };

/**
 * Parses a Go-style duration into milliseconds.
 * Examples: `30s` → 30000, `1m30s` → 90000, `500ms` → 500, `1.5h` → 5400000, `0` → 0.
 * Never throws; an invalid input yields `{ ok: false, reason }` with a short explanation.
 */
export function parseDuration(text: string): DurationResult {
  const input = text.trim();
  if (input === '0') return { ok: true, ms: 0 };
  if (input === '') return { ok: false, reason: 'empty' };
  if (input.startsWith('-')) return { ok: false, reason: 'must not be negative' };
  const body = input.startsWith('+') ? input.slice(1) : input;
  if (/^\d+(\.\d*)?$/.test(body)) return { ok: false, reason: 'missing unit' };
  let ms = 0;
  COMPONENT.lastIndex = 0;
  while (COMPONENT.lastIndex < body.length) {
    const match = COMPONENT.exec(body);
    if (match === null) return { ok: false, reason: 'not a duration' };
    const unit = UNIT_MS[match[2] ?? ''];
    if (unit === undefined) return { ok: false, reason: `unknown unit '${match[2] ?? ''}'` };
    ms += Number(match[1]) * unit;
  }
  // Round away binary floating-point noise (0.1 * 1000 …) at nanosecond precision.
  return { ok: true, ms: Math.round(ms * 1e6) / 1e6 };
}

/**
 * Formats milliseconds the way Go prints a duration, for messages: `30s`, `1m30s`, `500ms`, `2h0m0s` → `2h`.
 * Trailing zero components are dropped (`2h`, `1m`); sub-millisecond remainders are rounded.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  let text = '';
  if (hours > 0) text += `${hours}h`;
  if (minutes > 0) text += `${minutes}m`;
  if (seconds > 0) text += `${Number(seconds.toFixed(3))}s`;
  return text;
}
