/** docs/metrics.md stays in step with the metric catalog. */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { allMetrics, perPartitionGroupMetrics } from '../../../src/metrics/catalog.js';

let docs: string;
beforeAll(async () => {
  docs = await readFile(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
});

/** The table row that documents `name`: the line starting with `| \`name\``. */
function row(name: string): string | undefined {
  return docs.split('\n').find((line) => new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(line));
}

describe('docs/metrics.md', () => {
  it('has a table row for every metric, listing each of its labels', () => {
    const problems: string[] = [];
    for (const m of allMetrics) {
      const line = row(m.name);
      if (line === undefined) {
        problems.push(`${m.name}: no row`);
        continue;
      }
      for (const label of m.labelNames)
        if (!line.includes(`\`${label}\``)) problems.push(`${m.name}: ${label}`);
    }
    expect(problems).toEqual([]);
  });

  it('marks state sets as such', () => {
    for (const m of allMetrics.filter((x) => x.stateLabel !== undefined)) {
      expect(row(m.name), m.name).toContain('state set');
    }
  });

  it('lists every family --group.metrics.granularity=topic drops', () => {
    const section = /## Cardinality([\s\S]*?)\n## /.exec(docs)?.[1] ?? '';
    for (const name of perPartitionGroupMetrics) expect(section, name).toContain(`\`${name}\``);
  });
});
