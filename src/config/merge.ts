/**
 * Merges the sources by precedence — flags, then environment, then config file, then defaults — into
 * one candidate per cluster, and remembers where every value came from so that validation issues can
 * name the setting as the user wrote it.
 *
 * Clusters: without a `clusters:` list in the config file, the merged settings make exactly one cluster.
 * With one, each entry starts from the merged top-level cluster settings (flags > environment > file
 * top level > defaults) and overrides them with its own; constant labels are merged key by key (the
 * entry's value wins). Brokers and the cluster name are not inherited: each entry must name its own brokers.
 */
import { ConfigError } from './errors.js';
import type { ClusterEntry, FileSettings } from './file.js';
import { elementOf, type Layer, type Sourced } from './layer.js';
import {
  ALL_OPTIONS,
  CLUSTER_OPTIONS,
  flagName,
  type ClusterKey,
  type GlobalKey,
  type OptionKey,
} from './options.js';

/** The merged, not yet validated settings: raw values by option key. */
export interface Candidate {
  global: Partial<Record<GlobalKey, unknown>>;
  clusters: Partial<Record<ClusterKey, unknown>>[];
}

/** Where each candidate value came from. */
export interface Provenance {
  global: Layer;
  clusters: {
    layer: Layer;
    fieldOf: (key: ClusterKey) => { field: string; where?: string };
    /** For `clusters:` entries: the entry's name (`clusters[1]`) and its own settings, to tell inherited ones apart. */
    entry?: { label: string; own: Layer };
  }[];
}

/** The name of a setting an issue is about; `inheritedBy` is set when a cluster entry inherited the value. */
export interface IssueName {
  field: string;
  where?: string;
  inheritedBy?: string;
}

/** The four sources, each already normalised (normalize.ts). */
export interface Sources {
  defaults: Layer;
  file: { settings: FileSettings; top: Layer; clusters: readonly ClusterEntry[] | undefined } | undefined;
  env: Layer;
  flags: Layer;
}

const GLOBAL_KEYS = ALL_OPTIONS.filter((o) => o.scope === 'global').map((o) => o.key as GlobalKey);
const CLUSTER_KEYS = CLUSTER_OPTIONS.map((o) => o.key as ClusterKey);
/** Cluster settings a `clusters:` entry must give itself. */
const NOT_INHERITED: readonly ClusterKey[] = ['kafka.server', 'kafka.cluster-name'];

/** The defaults of the option table as a layer; each default is named by its flag. */
export function defaultsLayer(): Layer {
  const layer: Layer = new Map();
  for (const spec of ALL_OPTIONS) {
    if (spec.default === undefined) continue;
    layer.set(spec.key as OptionKey, { value: spec.default, origin: 'default', field: flagName(spec.key) });
  }
  return layer;
}

/** Later layers win. */
function overlay(...layers: Layer[]): Layer {
  const result: Layer = new Map();
  for (const layer of layers) for (const [key, value] of layer) result.set(key, value);
  return result;
}

function isStringRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Inherited labels plus the entry's own (the entry wins per key); each label keeps its own name for errors. */
function mergeLabels(inherited: Sourced | undefined, own: Sourced | undefined): Sourced | undefined {
  if (inherited === undefined || own === undefined) return own ?? inherited;
  if (!isStringRecord(inherited.value) || !isStringRecord(own.value)) return own;
  const ownValue = own.value;
  return {
    ...own,
    value: { ...inherited.value, ...ownValue },
    element: (key) => elementOf(Object.hasOwn(ownValue, key) ? own : inherited, key),
  };
}

function pick<K extends OptionKey>(layer: Layer, keys: readonly K[]): Partial<Record<K, unknown>> {
  const result: Partial<Record<K, unknown>> = {};
  for (const key of keys) {
    const sourced = layer.get(key);
    if (sourced !== undefined) result[key] = sourced.value;
  }
  return result;
}

/**
 * Merges the sources (see the module comment). Throws ConfigError when the config file lists clusters
 * and `kafka.server` or `kafka.cluster-name` is also set outside the list (flag, environment or file
 * top level), because it is unclear which cluster it would belong to.
 */
export function mergeSources(sources: Sources): { candidate: Candidate; provenance: Provenance } {
  const merged = overlay(sources.defaults, sources.file?.top ?? new Map(), sources.env, sources.flags);
  const clusters: Provenance['clusters'] = [];
  const entries = sources.file?.clusters;
  if (entries === undefined) {
    clusters.push({ layer: pickLayer(merged, CLUSTER_KEYS), fieldOf: (key) => ({ field: flagName(key) }) });
  } else {
    for (const key of NOT_INHERITED) {
      const sourced = merged.get(key);
      if (sourced === undefined || sourced.origin === 'default') continue;
      throw new ConfigError({
        field: sourced.field,
        message: `cannot be combined with the clusters list of ${sources.file?.settings.path ?? 'the config file'}; set it in each cluster entry`,
        ...(sourced.where === undefined ? {} : { where: sourced.where }),
      });
    }
    const inherited = pickLayer(
      merged,
      CLUSTER_KEYS.filter((k) => !NOT_INHERITED.includes(k)),
    );
    entries.forEach((entry, index) => {
      const layer = overlay(inherited, entry.layer);
      const labels = mergeLabels(inherited.get('kafka.labels'), entry.layer.get('kafka.labels'));
      if (labels !== undefined) layer.set('kafka.labels', labels);
      clusters.push({
        layer,
        fieldOf: entry.fieldOf,
        entry: { label: `clusters[${index}]`, own: entry.layer },
      });
    });
  }
  const global = pickLayer(merged, GLOBAL_KEYS);
  return {
    candidate: {
      global: pick(global, GLOBAL_KEYS),
      clusters: clusters.map((c) => pick(c.layer, CLUSTER_KEYS)),
    },
    provenance: { global, clusters },
  };
}

function pickLayer(layer: Layer, keys: readonly OptionKey[]): Layer {
  const result: Layer = new Map();
  for (const key of keys) {
    const sourced = layer.get(key);
    if (sourced !== undefined) result.set(key, sourced);
  }
  return result;
}

/**
 * Names the setting a validation issue is about. `path` is the issue's path in the {@link Candidate}:
 * `['global', key, …]` or `['clusters', index, key, …]`; a further element (list index, label name)
 * names the element when the source can (`clusters[1].brokers[0]`). A value that was not given, or
 * came from the defaults, is named as the user would set it: the flag, or the path in the cluster entry.
 * A value a cluster entry inherited (from a flag, a variable or the file's top level) is named where it
 * was set, with `inheritedBy` naming the entry.
 */
export function nameIssue(provenance: Provenance, path: readonly PropertyKey[]): IssueName {
  const [scope, a, b, c] = path;
  if (scope === 'global' && typeof a === 'string') {
    return nameIn(provenance.global.get(a as OptionKey), b, () => ({ field: flagName(a) }));
  }
  if (scope === 'clusters' && typeof a === 'number' && typeof b === 'string') {
    const cluster = provenance.clusters[a];
    if (cluster !== undefined) {
      const sourced = cluster.layer.get(b as OptionKey);
      const name = nameIn(sourced, c, () => cluster.fieldOf(b as ClusterKey));
      const entry = cluster.entry;
      const inherited =
        sourced !== undefined && sourced.origin !== 'default' && !entry?.own.has(b as OptionKey);
      return inherited && entry !== undefined ? { ...name, inheritedBy: entry.label } : name;
    }
  }
  return { field: path.map(String).join('.') };
}

function nameIn(
  sourced: Sourced | undefined,
  element: PropertyKey | undefined,
  unset: () => { field: string; where?: string },
): { field: string; where?: string } {
  if (sourced === undefined || sourced.origin === 'default') return unset();
  if (typeof element === 'string' || typeof element === 'number') return elementOf(sourced, element);
  return sourced.where === undefined
    ? { field: sourced.field }
    : { field: sourced.field, where: sourced.where };
}
