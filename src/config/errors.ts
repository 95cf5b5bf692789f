/**
 * ConfigError: the one error configuration loading throws. Every issue names the setting in the user's
 * own terms — the flag (`--poll.interval`), the environment variable (`LAGWATCH_POLL_INTERVAL`) or the
 * YAML path (`clusters[1].brokers[0]`) — and says what was expected and what was given.
 * The CLI prints the message and exits with code 2.
 */

/** One invalid setting. */
export interface ConfigIssue {
  /** The setting as the user wrote it: `--poll.interval`, `LAGWATCH_POLL_INTERVAL`, `clusters[1].brokers[0]`. */
  readonly field: string;
  /** What was expected and what was given, e.g. `expected a duration such as 30s, got 'abc'`. */
  readonly message: string;
  /** Where the value was written, for config-file values: `path/to/file.yaml:12:7`. */
  readonly where?: string;
}

/** Renders one issue as `field: message (where)`. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.field}: ${issue.message}${issue.where === undefined ? '' : ` (${issue.where})`}`;
}

/**
 * Invalid configuration. `field` is the first issue's field; `issues` lists every problem found
 * (loading reports all the problems of one stage at once). The message has one line per issue.
 */
export class ConfigError extends Error {
  readonly field: string;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue | readonly ConfigIssue[]) {
    const list: readonly ConfigIssue[] = 'field' in issues ? [issues] : issues;
    const first = list[0];
    if (first === undefined) throw new TypeError('ConfigError needs at least one issue');
    super(list.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.field = first.field;
    this.issues = list;
  }
}

/** Describes a given value for an error message: strings quoted (`'abc'`), anything else by type and value. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list (${JSON.stringify(value)})`;
  if (typeof value === 'object') return `a mapping (${JSON.stringify(value)})`;
  return `${typeof value} ${String(value)}`;
}
