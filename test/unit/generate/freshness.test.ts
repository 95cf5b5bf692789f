/**
 * The committed dashboards/ and alerts/ must be exactly what `lagwatch generate` writes with the default
 * configuration: CI fails on any difference, so that nobody edits generated files by hand and no change to
 * the catalog or the generator ships without its output.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTS_DIR, DASHBOARDS_DIR } from '../../../src/generate/artifacts.js';
import { runGenerate } from '../../../src/generate/command.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const HINT = 'run `npm run generate` and commit the result';

/** Files directly in `base/dir` (not in subdirectories such as alerts/tests/), as `dir/name`; [] when absent. */
async function filesIn(base: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(base, dir), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => `${dir}/${e.name}`);
}

describe('committed dashboards/ and alerts/', () => {
  let fresh: string;
  let generated: string[];
  beforeAll(async () => {
    fresh = await mkdtemp(join(tmpdir(), 'lagwatch-fresh-'));
    const quiet = { stdout: () => undefined, stderr: (text: string) => process.stderr.write(text) };
    expect(await runGenerate(['--out', fresh], quiet)).toBe(0);
    generated = [...(await filesIn(fresh, DASHBOARDS_DIR)), ...(await filesIn(fresh, ALERTS_DIR))].sort();
  });
  afterAll(async () => {
    await rm(fresh, { recursive: true, force: true });
  });

  it('are byte for byte what the generator writes with the defaults', async () => {
    expect(generated.length).toBeGreaterThan(0);
    const stale: string[] = [];
    for (const path of generated) {
      const committed = await readFile(join(root, path), 'utf8').catch(() => null);
      if (committed !== (await readFile(join(fresh, path), 'utf8'))) stale.push(path);
    }
    expect(stale, `out of date or missing: ${stale.join(', ')}; ${HINT}`).toEqual([]);
  });

  it('contain no file the generator does not write (alerts/tests/ aside)', async () => {
    const committed = [...(await filesIn(root, DASHBOARDS_DIR)), ...(await filesIn(root, ALERTS_DIR))].sort();
    expect(committed, `renamed or removed output left behind? ${HINT}`).toEqual(generated);
  });
});
