/**
 * lagwatch's version, from its package.json, for `--version` and build-info metrics.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The `version` of the lagwatch package.json, found by walking up from this module (works from
 * src/config under tsx and from dist/src/config when built). `unknown` when it cannot be found.
 */
export function lagwatchVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'lagwatch' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return (cached = 'unknown');
    dir = parent;
  }
}

/** The `--version` line, Prometheus-exporter style: `lagwatch, version 0.1.0 (node v20.20.2)`. */
export function versionLine(): string {
  return `lagwatch, version ${lagwatchVersion()} (node ${process.version})`;
}
