/** docs/configuration.md stays in step with the option table. */
import { readFile } from 'node:fs/promises';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../src/config/file.js';
import { ALL_OPTIONS, envName, flagName } from '../../../src/config/options.js';

let docs: string;
beforeAll(async () => {
  docs = await readFile(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
});

describe('docs/configuration.md', () => {
  it('documents every flag', () => {
    const missing = ALL_OPTIONS.map((o) => flagName(o.key)).filter((flag) => !docs.includes(`\`${flag}\``));
    expect(missing).toEqual([]);
  });

  it('documents the environment variable of every setting', () => {
    const missing = ALL_OPTIONS.filter(
      (o) => o.scope === 'global' || o.scope === 'cluster' || o.scope === 'cli',
    )
      .filter((o) => o.key !== 'version')
      .map((o) => envName(o.key))
      .filter((name) => !docs.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('has a YAML example with two clusters that uses only valid keys', async () => {
    const example = /## The YAML file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), 'lagwatch-docs-'));
    const path = join(dir, 'example.yaml');
    await writeFile(path, example ?? '');
    const settings = await readConfigFile(path, { value: path, origin: 'flag', field: '--config.file' });
    expect(settings.clusters).toHaveLength(2);
  });
});
