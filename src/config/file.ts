/**
 * The YAML config file (`--config.file`). Top-level keys mirror the flags in nested form
 * (`poll: {interval: 30s}` for `--poll.interval`), plus `clusters:`, a list of cluster entries that
 * inherit every top-level cluster setting they do not set themselves. Unknown keys are errors naming
 * the key and the keys allowed there, so that a typo never passes silently; only top-level keys starting
 * with `x-` are free, to hold YAML anchors. Values are returned as
 * written; validation happens once, on the merged settings (schema.ts).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, show, type ConfigIssue } from './errors.js';
import type { Layer, Sourced } from './layer.js';
import {
  CLUSTER_OPTIONS,
  FILE_OPTIONS,
  yamlPath,
  type ClusterKey,
  type OptionKey,
  type OptionSpec,
} from './options.js';

/** A YAML path: mapping keys and list indexes, e.g. `['clusters', 1, 'brokers', 0]`. */
export type YamlPath = readonly (string | number)[];

/** One entry of the `clusters:` list. */
export interface ClusterEntry {
  /** Its own settings only; inheritance is applied by merge.ts. */
  readonly layer: Layer;
  /** The name and location of a setting of this entry, whether or not it is set: `clusters[1].sasl.username`. */
  readonly fieldOf: (key: ClusterKey) => { field: string; where?: string };
}

export interface FileSettings {
  /** The file as given on the command line or in the environment. */
  readonly path: string;
  /** Top-level settings (web, log, and the cluster settings every cluster inherits). */
  readonly top: Layer;
  /** The `clusters:` entries; undefined when the file has no `clusters:` list. */
  readonly clusters: readonly ClusterEntry[] | undefined;
  /** The name and location of the `clusters:` key itself. */
  readonly clustersField: { field: string; where?: string };
}

/** Key tree of allowed YAML keys: a nested mapping, or an option at a leaf. */
type KeyTree = Map<string, KeyTree | OptionSpec>;

function buildTree(entries: readonly { path: readonly string[]; spec: OptionSpec }[]): KeyTree {
  const root: KeyTree = new Map();
  for (const { path, spec } of entries) {
    let node = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) {
        node.set(segment, spec);
        return;
      }
      let child = node.get(segment);
      if (child === undefined) {
        child = new Map();
        node.set(segment, child);
      }
      if (!(child instanceof Map)) throw new Error(`option table: ${path.join('.')} nests under a leaf`);
      node = child;
    });
  }
  return root;
}

const TOP_TREE = buildTree(FILE_OPTIONS.map((spec) => ({ path: yamlPath(spec.key), spec })));
const CLUSTER_TREE = buildTree(
  CLUSTER_OPTIONS.map((spec) => ({ path: spec.clusterYaml ?? yamlPath(spec.key), spec })),
);

/** The path to a cluster setting inside a `clusters:` entry, e.g. `['sasl', 'username']`. */
function clusterYamlPath(key: ClusterKey): readonly string[] {
  return CLUSTER_OPTIONS.find((o) => o.key === key)?.clusterYaml ?? yamlPath(key);
}

/** `clusters[1].brokers[0]`; keys that are not plain words are quoted: `labels["a.b"]`. */
export function formatYamlPath(path: YamlPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a file into text; a ConfigError names `source` (the flag or variable that named the file). */
async function readText(path: string, source: Sourced): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError({ field: source.field, message: `cannot read the config file: ${reason}` });
  }
}

/**
 * Reads and parses the config file at `path`, checking every key against the option table.
 * `source` is the setting that named the file (`--config.file` or `LAGWATCH_CONFIG_FILE`), named by
 * errors about the file as a whole. Throws ConfigError for an unreadable file, invalid YAML (with line
 * and column), a value that is not a mapping where one is expected, and unknown keys — every such
 * problem in the file at once.
 */
export async function readConfigFile(path: string, source: Sourced): Promise<FileSettings> {
  const text = await readText(path, source);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: true });
  const locate = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${Math.max(line, 1)}:${col}`;
  };
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const message = firstError.message.split('\n')[0]?.replace(/:$/, '') ?? firstError.message;
    throw new ConfigError({
      field: source.field,
      message: `invalid YAML: ${message}`,
      where: locate(firstError.pos[0]),
    });
  }
  return new FileReader(path, source.field, doc, locate).read();
}

/** Walks one parsed document; collects issues so that every problem of the file is reported at once. */
class FileReader {
  readonly #issues: ConfigIssue[] = [];

  constructor(
    private readonly path: string,
    private readonly sourceField: string,
    private readonly doc: Document,
    private readonly locate: (offset: number) => string,
  ) {}

  read(): FileSettings {
    const root: unknown = this.doc.toJS({ maxAliasCount: 1000 });
    const top: Layer = new Map();
    let clusters: ClusterEntry[] | undefined;
    if (root !== null && root !== undefined) {
      if (!isMapping(root)) {
        throw new ConfigError({
          field: this.sourceField,
          message: `expected a YAML mapping of settings, got ${show(root)}`,
          where: `${this.path}:1:1`,
        });
      }
      const { clusters: list, ...rest } = root;
      // Top-level `x-…` keys are free for YAML anchors (`x-defaults: &defaults …`), as in Compose files.
      const settings = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith('x-')));
      this.walk(settings, TOP_TREE, [], top);
      if (list !== undefined && list !== null) clusters = this.readClusters(list);
    }
    if (this.#issues.length > 0) throw new ConfigError(this.#issues);
    return { path: this.path, top, clusters, clustersField: this.name(['clusters']) };
  }

  /** Field name and location of a YAML path; the location is that of the nearest node that exists. */
  name(path: YamlPath): { field: string; where?: string } {
    const field = formatYamlPath(path);
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = this.doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined) return { field, where: this.locate(range[0]) };
    }
    return { field, where: this.path };
  }

  readClusters(list: unknown): ClusterEntry[] {
    if (!Array.isArray(list) || list.length === 0) {
      this.#issues.push({
        ...this.name(['clusters']),
        message: `expected a non-empty list of clusters, got ${show(list)}`,
      });
      return [];
    }
    return list.map((entry: unknown, index) => {
      const layer: Layer = new Map();
      const base = ['clusters', index] as const;
      if (isMapping(entry)) this.walk(entry, CLUSTER_TREE, base, layer);
      else
        this.#issues.push({
          ...this.name(base),
          message: `expected a mapping of cluster settings, got ${show(entry)}`,
        });
      return { layer, fieldOf: (key: ClusterKey) => this.name([...base, ...clusterYamlPath(key)]) };
    });
  }

  /** Checks the keys of one mapping against `tree`, recording option values in `layer`. */
  walk(mapping: Record<string, unknown>, tree: KeyTree, path: YamlPath, layer: Layer): void {
    for (const [key, value] of Object.entries(mapping)) {
      const here = [...path, key];
      const allowed = tree.get(key);
      if (allowed === undefined) {
        const keys = [...tree.keys(), ...(path.length === 0 ? ['clusters'] : [])];
        this.#issues.push({
          ...this.name(here),
          message: `unknown key (expected one of: ${keys.join(', ')})`,
        });
      } else if (value === null || value === undefined) {
        // `key:` with no value leaves the setting unset.
      } else if (allowed instanceof Map) {
        if (isMapping(value)) this.walk(value, allowed, here, layer);
        else
          this.#issues.push({
            ...this.name(here),
            message: `expected a mapping with keys ${[...allowed.keys()].join(', ')}, got ${show(value)}`,
          });
      } else {
        // Relative file paths are relative to the config file, as in Prometheus' configuration.
        const resolved =
          allowed.isPath === true && typeof value === 'string' ? resolve(dirname(this.path), value) : value;
        layer.set(allowed.key as OptionKey, this.sourced(resolved, here));
      }
    }
  }

  sourced(value: unknown, path: YamlPath): Sourced {
    const { field, where } = this.name(path);
    return {
      value,
      origin: 'file',
      field,
      ...(where === undefined ? {} : { where }),
      element: (key) => this.name([...path, key]),
    };
  }
}
