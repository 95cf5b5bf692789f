/**
 * Environment variables: every flag as `LAGWATCH_<FLAG>` (see options.ts for the naming rule), plus
 * kafka_exporter's `SASL_USER_PASSWORD` fallback for the SASL password. Values are returned as given
 * (text); lists stay comma-separated text and are split during validation (schema.ts).
 */
import type { Layer } from './layer.js';
import { ALL_OPTIONS, envName, type OptionKey } from './options.js';

/** kafka_exporter's environment fallback for `--sasl.password`. */
export const SASL_PASSWORD_FALLBACK = 'SASL_USER_PASSWORD';

/**
 * Variables Kubernetes injects for a Service whose name starts with `lagwatch` (service links:
 * `LAGWATCH_SERVICE_HOST`, `LAGWATCH_PORT_9308_TCP_ADDR`, …). They are not settings and are not warned about.
 */
const SERVICE_LINK =
  /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(ADDR|PORT|PROTO))?)?)$/;

export interface EnvResult {
  layer: Layer;
  /** One line per `LAGWATCH_*` variable that is not a setting (probably a typo). */
  warnings: string[];
}

/**
 * Reads the settings from environment variables. An empty variable counts as unset (a templated
 * `LAGWATCH_TOPIC_EXCLUDE=""` must not turn into "exclude everything"). `LAGWATCH_VERSION` is not read.
 * Never throws: values are validated later.
 */
export function readEnv(env: Readonly<Record<string, string | undefined>>): EnvResult {
  const layer: Layer = new Map();
  const known = new Set<string>();
  for (const spec of ALL_OPTIONS) {
    const name = envName(spec.key);
    known.add(name);
    if (spec.key === 'version') continue;
    const value = env[name];
    if (value === undefined || value === '') continue;
    layer.set(spec.key as OptionKey, { value, origin: 'env', field: name });
  }
  const fallback = env[SASL_PASSWORD_FALLBACK];
  if (
    fallback !== undefined &&
    fallback !== '' &&
    !layer.has('sasl.password') &&
    !layer.has('sasl.password-file')
  ) {
    layer.set('sasl.password', { value: fallback, origin: 'env', field: SASL_PASSWORD_FALLBACK });
  }
  const warnings = Object.keys(env)
    .filter((name) => name.startsWith('LAGWATCH_') && !known.has(name) && !SERVICE_LINK.test(name))
    .sort()
    .map((name) => `${name} is not a lagwatch setting and is ignored (see --help for the variable names)`);
  return { layer, warnings };
}
