/**
 * Warnings for settings that were given but have no effect because their feature is off — a CA file
 * without `--tls.enabled` would otherwise silently leave the connection in plaintext.
 */
import type { Sourced } from './layer.js';
import type { Provenance } from './merge.js';
import type { ClusterKey } from './options.js';
import type { ClusterConfig } from './types.js';

const FEATURES = [
  {
    name: 'TLS',
    switchKey: 'tls.enabled',
    enabled: (c: ClusterConfig) => c.tls !== undefined,
    keys: ['tls.server-name', 'tls.ca-file', 'tls.cert-file', 'tls.key-file', 'tls.insecure-skip-tls-verify'],
  },
  {
    name: 'SASL',
    switchKey: 'sasl.enabled',
    enabled: (c: ClusterConfig) => c.sasl !== undefined,
    keys: ['sasl.mechanism', 'sasl.username', 'sasl.password'],
  },
] as const satisfies readonly {
  name: string;
  switchKey: ClusterKey;
  enabled: (c: ClusterConfig) => boolean;
  keys: readonly ClusterKey[];
}[];

/**
 * One warning per TLS or SASL setting that was given (not defaulted) but is used by no cluster because
 * every cluster it applies to has that feature disabled. A top-level setting that one `clusters:` entry
 * uses and another ignores is not reported. `clusters` is the validated output, index-aligned with
 * `provenance.clusters`.
 */
export function unusedSettingWarnings(provenance: Provenance, clusters: readonly ClusterConfig[]): string[] {
  const unused = new Map<Sourced, string>();
  const used = new Set<Sourced>();
  provenance.clusters.forEach(({ layer, fieldOf }, index) => {
    const cluster = clusters[index];
    if (cluster === undefined) return;
    for (const feature of FEATURES) {
      const enabled = feature.enabled(cluster);
      for (const key of feature.keys) {
        const sourced = layer.get(key);
        if (sourced === undefined || sourced.origin === 'default') continue;
        if (enabled) used.add(sourced);
        else if (!unused.has(sourced)) {
          const where = sourced.where === undefined ? '' : ` (${sourced.where})`;
          unused.set(
            sourced,
            `${sourced.field}${where} is set but ${feature.name} is not enabled (${fieldOf(feature.switchKey).field}), so it has no effect`,
          );
        }
      }
    }
  });
  return [...unused].filter(([sourced]) => !used.has(sourced)).map(([, warning]) => warning);
}
