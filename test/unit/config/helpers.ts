/** Helpers of the config tests: load a Config from flags and environment, expect a ConfigError, YAML files. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../../src/config/index.js';

/** The Config loaded from `argv` and `env`; throws on --help or --version. */
export async function load(argv: string[], env: Record<string, string> = {}): Promise<Config> {
  const result = await loadConfig(argv, env);
  if ('help' in result || 'version' in result) throw new Error('expected a Config');
  return result;
}

/** The ConfigError that loading from `argv` and `env` fails with. */
export async function failure(argv: string[], env: Record<string, string> = {}): Promise<ConfigError> {
  return configError(loadConfig(argv, env));
}

/** The ConfigError `loading` rejects with; throws when it resolves or rejects with anything else. */
export async function configError(loading: Promise<unknown>): Promise<ConfigError> {
  const error: unknown = await loading.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof ConfigError) return error;
  throw new Error(`expected a ConfigError, got ${String(error)}`);
}

/** A temporary directory of the test file (made in beforeAll) and YAML files written into it. */
export interface TempDir {
  /** The directory; read it in tests and hooks registered after {@link useTempDir}. */
  readonly path: string;
  /** Writes `lines` (one per line) to a new `.yaml` file in the directory and returns its path. */
  yamlFile: (lines: string[]) => Promise<string>;
}

export function useTempDir(prefix: string): TempDir {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  const path = (): string => {
    if (dir === undefined) throw new Error('the temporary directory is made in beforeAll');
    return dir;
  };
  return {
    get path() {
      return path();
    },
    yamlFile: async (lines) => {
      const file = join(path(), `c${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(file, lines.join('\n') + '\n');
      return file;
    },
  };
}
