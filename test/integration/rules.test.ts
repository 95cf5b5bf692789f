/**
 * The generated alert rules under promtool (Debian package `prometheus`):
 * - `promtool check rules` accepts every rule file in alerts/, the PrometheusRule manifest after unwrapping
 *   its `.spec` into a plain rule file;
 * - the manifest carries exactly the groups of the plain rule file;
 * - `promtool test rules` passes every unit test file in alerts/tests/;
 * - every alert of the rule files has at least one case where it fires (with labels and annotations) and
 *   one where it stays silent (`exp_alerts: []`), so a new alert without tests fails CI.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../support/kafka-jars.js';
import { promtoolBinary } from '../support/prometheus.js';

const execFileAsync = promisify(execFile);

const ALERTS_DIR = join(REPO_ROOT, 'alerts');
const TESTS_DIR = join(ALERTS_DIR, 'tests');
/** The plain rule file the generator writes; the unit tests cover its alerts. */
const RULE_FILE = join(ALERTS_DIR, 'lagwatch.rules.yaml');

/** One rule of a plain rule file (fields read here). */
interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}

/** A plain Prometheus rule file. */
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

/** One `alert_rule_test` case of a promtool unit test file. */
interface AlertCase {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, unknown>; exp_annotations?: Record<string, unknown> }[] | null;
}

/** A promtool unit test file (fields read here). */
interface UnitTestFile {
  rule_files: string[];
  tests: { alert_rule_test?: AlertCase[] }[];
}

/** A rule file found in alerts/: its path and, for a PrometheusRule manifest, that it must be unwrapped. */
interface FoundRuleFile {
  path: string;
  kind: 'plain' | 'PrometheusRule';
  content: unknown;
}

/** Result of one promtool run. */
interface ToolResult {
  code: number;
  output: string;
}

let promtool: string;
let scratch: string;
let ruleFiles: FoundRuleFile[];
let testFiles: string[];

/** Runs promtool and returns its exit code and combined output (never throws on a non-zero exit). */
async function runPromtool(args: readonly string[]): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await execFileAsync(promtool, args, { timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr, message } = error as {
      code?: number | string;
      stdout?: string;
      stderr?: string;
      message: string;
    };
    return {
      code: typeof code === 'number' ? code : -1,
      output: `${message}\n${stdout ?? ''}${stderr ?? ''}`,
    };
  }
}

/** The YAML files directly in `dir`, sorted; none when the directory does not exist. */
async function yamlFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The alert names of a plain rule file, in file order. */
function alertNames(file: RuleFile): string[] {
  return file.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert === undefined ? [] : [r.alert])));
}

beforeAll(async () => {
  promtool = await promtoolBinary();
  scratch = await mkdtemp(join(tmpdir(), 'lagwatch-rules-'));
  ruleFiles = [];
  for (const path of await yamlFiles(ALERTS_DIR)) {
    const content: unknown = parse(await readFile(path, 'utf8'));
    const kind = isRecord(content) && content['kind'] === 'PrometheusRule' ? 'PrometheusRule' : 'plain';
    ruleFiles.push({ path, kind, content });
  }
  testFiles = await yamlFiles(TESTS_DIR);
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('generated alert rules under promtool', () => {
  it('has the plain rule file, a PrometheusRule manifest and unit tests', () => {
    expect(ruleFiles.map((f) => f.path)).toContain(RULE_FILE);
    expect(ruleFiles.some((f) => f.kind === 'PrometheusRule')).toBe(true);
    expect(testFiles.length).toBeGreaterThan(0);
  });

  it('promtool check rules accepts every rule file (PrometheusRule manifests unwrapped from .spec)', async () => {
    for (const file of ruleFiles) {
      let path = file.path;
      if (file.kind === 'PrometheusRule') {
        const spec = isRecord(file.content) ? file.content['spec'] : undefined;
        expect(isRecord(spec) && Array.isArray(spec['groups']), `${file.path} has spec.groups`).toBe(true);
        path = join(scratch, `unwrapped-${file.path.split('/').pop()}`);
        await writeFile(path, stringify(spec));
      }
      const result = await runPromtool(['check', 'rules', path]);
      expect(result.code, `promtool check rules ${file.path}:\n${result.output}`).toBe(0);
    }
  });

  it('every PrometheusRule manifest carries exactly the groups of the plain rule file', async () => {
    const plain = parse(await readFile(RULE_FILE, 'utf8')) as RuleFile;
    for (const file of ruleFiles.filter((f) => f.kind === 'PrometheusRule')) {
      const manifest = file.content as { spec: RuleFile; metadata?: { name?: string } };
      expect(manifest.metadata?.name, `${file.path} metadata.name`).toBeTruthy();
      expect(manifest.spec.groups, file.path).toEqual(plain.groups);
    }
  });

  it('promtool test rules passes every unit test file', async () => {
    for (const path of testFiles) {
      const result = await runPromtool(['test', 'rules', path]);
      expect(result.code, `promtool test rules ${path}:\n${result.output}`).toBe(0);
    }
  });

  it('every unit test file loads the generated rule file', async () => {
    for (const path of testFiles) {
      const test = parse(await readFile(path, 'utf8')) as UnitTestFile;
      const loaded = (test.rule_files ?? []).map((f) => resolve(TESTS_DIR, f));
      expect(loaded, `${path} rule_files`).toContain(RULE_FILE);
    }
  });

  it('every alert has a firing case (with labels and annotations) and a silent case', async () => {
    const alerts = new Set<string>();
    for (const file of ruleFiles.filter((f) => f.kind === 'plain')) {
      for (const name of alertNames(file.content as RuleFile)) alerts.add(name);
    }
    expect(alerts.size).toBeGreaterThan(0);

    const firing = new Set<string>();
    const silent = new Set<string>();
    for (const path of testFiles) {
      const test = parse(await readFile(path, 'utf8')) as UnitTestFile;
      for (const unit of test.tests ?? []) {
        for (const c of unit.alert_rule_test ?? []) {
          const expected = c.exp_alerts ?? [];
          if (expected.length === 0) {
            silent.add(c.alertname);
            continue;
          }
          for (const alert of expected) {
            // A firing case pins what a receiver sees: the labels and the rendered annotations.
            expect(
              alert.exp_labels,
              `${path}: ${c.alertname} at ${c.eval_time} has exp_labels`,
            ).toBeDefined();
            expect(
              alert.exp_annotations,
              `${path}: ${c.alertname} at ${c.eval_time} has exp_annotations`,
            ).toBeDefined();
          }
          firing.add(c.alertname);
        }
      }
    }
    const missing = [...alerts].flatMap((name) => [
      ...(firing.has(name) ? [] : [`${name}: no firing case`]),
      ...(silent.has(name) ? [] : [`${name}: no silent case (exp_alerts: [])`]),
    ]);
    expect(missing).toEqual([]);
    // Tests for alerts that no longer exist are stale.
    expect([...new Set([...firing, ...silent])].filter((name) => !alerts.has(name))).toEqual([]);
  });
});
