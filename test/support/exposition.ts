/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests.
 *
 * Besides parsing, it rejects what Prometheus rejects or what signals a renderer bug, so that a test that
 * parses an exposition also checks it is valid:
 * - a second HELP or TYPE line for a family, or a TYPE line after the family's samples;
 * - samples of a family that are not contiguous (the family reappears after another one);
 * - a duplicate series (same name and label set);
 * - a duplicate label name within a series, malformed labels, escapes or values.
 *
 * Usage:
 *   const samples = parseExposition(text);
 *   expect(find(samples, 'kafka_consumergroup_lag', { consumergroup: 'g', partition: '0' })?.value).toBe(5);
 */

export interface Sample {
  /** Sample name, e.g. `kafka_consumergroup_lag` or `nodejs_gc_duration_seconds_bucket`. */
  readonly name: string;
  /** Label names to (unescaped) values. */
  readonly labels: Readonly<Record<string, string>>;
  /** The value; `NaN`, `+Inf`, `-Inf` are parsed to their numbers. */
  readonly value: number;
  /** Optional timestamp, milliseconds since the Unix epoch. */
  readonly timestamp?: number;
}

export interface Family {
  readonly name: string;
  readonly help?: string;
  /** `counter`, `gauge`, `histogram`, `summary` or `untyped`. */
  readonly type?: string;
  readonly samples: Sample[];
}

interface MutableFamily {
  name: string;
  help?: string;
  type?: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses an exposition into families in order of appearance. @throws Error with the line number on invalid input. */
export function parseFamilies(text: string): Family[] {
  const families: MutableFamily[] = [];
  const byName = new Map<string, MutableFamily>();
  const seriesSeen = new Set<string>();
  let current: MutableFamily | undefined;

  const familyFor = (name: string, line: number): MutableFamily => {
    let family = byName.get(name);
    if (family === undefined) {
      family = { name, samples: [] };
      byName.set(name, family);
      families.push(family);
    } else if (family !== current) {
      throw new Error(`line ${line}: family ${name} is not contiguous`);
    }
    current = family;
    return family;
  };

  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else if (text !== '') throw new Error('exposition does not end with a line feed');

  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (!m) return; // other comments are allowed
      const [, keyword, name, rest = ''] = m as unknown as [string, string, string, string | undefined];
      const family = familyFor(name, line);
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new Error(`line ${line}: second HELP for ${name}`);
        family.help = unescapeHelp(rest);
      } else {
        if (family.type !== undefined) throw new Error(`line ${line}: second TYPE for ${name}`);
        if (family.samples.length > 0) throw new Error(`line ${line}: TYPE for ${name} after its samples`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) {
          throw new Error(`line ${line}: unknown type ${rest}`);
        }
        family.type = rest;
      }
      return;
    }
    const sample = parseSample(raw, line);
    const family = familyFor(familyName(sample.name, current), line);
    const key = `${sample.name}{${Object.entries(sample.labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seriesSeen.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
    seriesSeen.add(key);
    family.samples.push(sample);
  });
  return families;
}

/** Parses an exposition into its samples, in order. Validates like {@link parseFamilies}. */
export function parseExposition(text: string): Sample[] {
  return parseFamilies(text).flatMap((f) => f.samples);
}

/** Samples named `name` whose labels include every pair of `labels`. */
export function filter(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/**
 * The one sample named `name` whose labels include every pair of `labels`, or undefined if none.
 * @throws Error when several samples match (the test's selector is ambiguous).
 */
export function find(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): Sample | undefined {
  const matches = filter(samples, name, labels);
  if (matches.length > 1)
    throw new Error(`${matches.length} samples match ${name} ${JSON.stringify(labels)}`);
  return matches[0];
}

/** The family a sample belongs to: the current family for histogram/summary suffixes, else its own name. */
function familyName(sampleName: string, current: Family | undefined): string {
  if (current && (current.type === 'histogram' || current.type === 'summary')) {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      if (sampleName === current.name + suffix) return current.name;
    }
  }
  return sampleName;
}

function parseSample(raw: string, line: number): Sample {
  const name = NAME.exec(raw)?.[0];
  if (name === undefined) throw new Error(`line ${line}: no metric name in ${JSON.stringify(raw)}`);
  let i = name.length;
  const labels: Record<string, string> = {};
  if (raw[i] === '{') {
    i++;
    for (;;) {
      while (raw[i] === ' ') i++;
      if (raw[i] === '}') {
        i++;
        break;
      }
      const labelName = LABEL_NAME.exec(raw.slice(i))?.[0];
      if (labelName === undefined) throw new Error(`line ${line}: bad label name at column ${i + 1}`);
      i += labelName.length;
      if (raw[i] !== '=' || raw[i + 1] !== '"')
        throw new Error(`line ${line}: expected =" after ${labelName}`);
      i += 2;
      let value = '';
      while (raw[i] !== '"') {
        if (i >= raw.length) throw new Error(`line ${line}: unterminated label value`);
        if (raw[i] === '\\') {
          const next = raw[i + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else throw new Error(`line ${line}: bad escape \\${next ?? ''} in label value`);
          i += 2;
        } else {
          value += raw[i];
          i++;
        }
      }
      i++;
      if (Object.hasOwn(labels, labelName)) throw new Error(`line ${line}: duplicate label ${labelName}`);
      labels[labelName] = value;
      if (raw[i] === ',') i++;
      else if (raw[i] !== '}') throw new Error(`line ${line}: expected , or } after label ${labelName}`);
    }
  }
  const rest = raw.slice(i).trim().split(/\s+/);
  if (raw[i] !== ' ' || rest.length < 1 || rest.length > 2) {
    throw new Error(`line ${line}: expected " value [timestamp]" in ${JSON.stringify(raw)}`);
  }
  const value = parseValue(rest[0] as string, line);
  if (rest[1] === undefined) return { name, labels, value };
  const timestamp = Number(rest[1]);
  if (!Number.isInteger(timestamp)) throw new Error(`line ${line}: bad timestamp ${rest[1]}`);
  return { name, labels, value, timestamp };
}

function parseValue(text: string, line: number): number {
  switch (text.toLowerCase()) {
    case 'nan':
      return NaN;
    case '+inf':
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw new Error(`line ${line}: bad value ${text}`);
  return Number(text);
}

/** Unescapes HELP text (`\\` and `\n`); other backslashes are kept as they are, as Prometheus does. */
function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
}
