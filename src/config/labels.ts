/**
 * Constant labels (`--kafka.labels`): kafka_exporter's `k=v,k=v` text form, and the rules a label name
 * must follow to be added to every Kafka series.
 */
import { reservedKafkaLabelNames } from '../metrics/catalog.js';

/** Prometheus' label-name syntax. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parsed `k=v` pairs, or why the text is malformed. */
export type LabelPairsResult = { ok: true; labels: Record<string, string> } | { ok: false; reason: string };

/**
 * Parses kafka_exporter's `--kafka.labels` text: comma-separated `name=value` pairs, e.g. `env=prod,dc=eu1`.
 * Splits each pair at its first `=` (a value may contain `=`), trims blanks around pairs, names and values,
 * and skips empty pairs (`a=1,`). Unlike kafka_exporter, a pair without `=` or a repeated name is an
 * error rather than silently dropped. Label names are checked separately by {@link labelNameProblem}.
 */
export function parseLabelPairs(text: string): LabelPairsResult {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 0)
      return { ok: false, reason: `expected name=value pairs separated by commas, got '${pair.trim()}'` };
    const name = pair.slice(0, eq).trim();
    if (Object.hasOwn(labels, name)) return { ok: false, reason: `label '${name}' is given twice` };
    labels[name] = pair.slice(eq + 1).trim();
  }
  return { ok: true, labels };
}

/**
 * Why `name` cannot be a constant label, or undefined when it can. Rejects names that are not valid
 * Prometheus label names, names starting with `__` (reserved for Prometheus' internal use), and the
 * label names lagwatch's own Kafka series use (`kafka_cluster`, `topic`, `partition`, `consumergroup`, …;
 * see `reservedKafkaLabelNames` in src/metrics/catalog.ts), which would otherwise clash.
 */
export function labelNameProblem(name: string): string | undefined {
  if (!LABEL_NAME.test(name)) return `'${name}' is not a valid label name (expected [a-zA-Z_][a-zA-Z0-9_]*)`;
  if (name.startsWith('__')) return `'${name}' starts with '__', which Prometheus reserves`;
  if (reservedKafkaLabelNames.has(name)) return `'${name}' is a label lagwatch already sets on Kafka series`;
  return undefined;
}
