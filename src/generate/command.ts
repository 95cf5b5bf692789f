/**
 * `lagwatch generate`: writes the Grafana dashboards and Prometheus alert rules for a configuration given
 * as flags (src/generate/config.ts) into `<out>/dashboards/` and `<out>/alerts/`, or with `--check`
 * compares them with the files already there. The CLI (src/cli.ts) dispatches `lagwatch generate …` to
 * {@link runGenerate}; `npm run generate` runs it through src/generate/main.ts.
 *
 * Exit codes: 0 written (or up to date, or `--help`); 1 `--check` found differences, or a file could not be
 * written; 2 invalid flags or configuration.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { generateArtifacts } from './artifacts.js';
import {
  ALERT_NAMES,
  GenerateConfigError,
  isAlertName,
  resolveGenerateConfig,
  SEVERITIES,
  type AlertName,
  type GenerateConfigOverrides,
  type Severity,
  type Thresholds,
} from './config.js';

/** Where `runGenerate` writes its messages; the process streams by default. */
export interface GenerateIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: GenerateIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** The flags as commander parses them (all text; converted and validated afterwards). */
interface GenerateFlags {
  out: string;
  check?: boolean;
  clusterLabel?: string;
  selector?: string;
  lagSecondsWarning?: string;
  lagSecondsCritical?: string;
  lagGrowingWindow?: string;
  lagGrowingMinRate?: string;
  retentionMarginRatio?: string;
  pollStaleSeconds?: string;
  pollErrorsWindow?: string;
  for?: string[];
  keepFiringFor?: string;
  severity?: string[];
  runbookUrlPattern?: string;
  ruleName?: string;
  ruleNamespace?: string;
  ruleLabel?: string[];
  uidPrefix?: string;
  tag?: string[];
  titlePrefix?: string;
  refresh?: string;
  timeFrom?: string;
}

/** A flag error found while converting flags; reported with exit code 2. */
class FlagError extends Error {}

/** Appends each occurrence of a repeatable flag. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const HELP_EPILOG = `
Alerts (for --for and --severity): ${ALERT_NAMES.join(', ')}.
Durations are PromQL durations (30s, 10m, 1h30m). Without flags the output equals the committed
dashboards/ and alerts/ of the lagwatch repository. See docs/dashboards-and-alerts.md.

Examples:
  lagwatch generate --out ./monitoring --selector 'job="kafka-lag"' --lag-seconds-warning 600
  lagwatch generate --out . --rule-label release=kube-prometheus-stack --rule-namespace monitoring \\
    --severity LagwatchConsumerLagHigh=critical --runbook-url-pattern 'https://wiki.example.org/kafka#%s'`;

/** A fresh commander program (commander keeps parse state, so one per call). */
function buildProgram(io: GenerateIo): Command {
  return new Command('lagwatch generate')
    .description(
      'Write Grafana dashboards and Prometheus alert rules for lagwatch, generated from its metric catalog.',
    )
    .usage('--out <dir> [options]')
    .requiredOption('--out <dir>', 'output directory; files go to <dir>/dashboards/ and <dir>/alerts/')
    .option('--check', 'compare with the files in <dir> instead of writing; exit 1 on any difference')
    .option('--cluster-label <name>', 'label naming the Kafka cluster (default: kafka_cluster)')
    .option(
      '--selector <matchers>',
      'label matchers added to every query, also selecting lagwatch\'s targets (default: job="lagwatch")',
    )
    .option('--lag-seconds-warning <seconds>', 'LagwatchConsumerLagHigh threshold (default: 300)')
    .option('--lag-seconds-critical <seconds>', 'LagwatchConsumerLagCritical threshold (default: 900)')
    .option('--lag-growing-window <duration>', 'LagwatchConsumerLagGrowing window (default: 30m)')
    .option(
      '--lag-growing-min-rate <ratio>',
      'LagwatchConsumerLagGrowing: least lag growth, seconds per second (default: 0.1)',
    )
    .option(
      '--retention-margin-ratio <ratio>',
      'LagwatchConsumerRetentionMarginLow: unconsumed share of the retained span (default: 0.8)',
    )
    .option('--poll-stale-seconds <seconds>', 'LagwatchPollStale threshold (default: 300)')
    .option('--poll-errors-window <duration>', 'LagwatchPollErrors window (default: 10m)')
    .addOption(new Option('--for <alert=duration>', '`for` of an alert (repeatable)').argParser(collect))
    .option(
      '--keep-firing-for <duration>',
      '`keep_firing_for` of every alert (Prometheus >= 2.42; default: none)',
    )
    .addOption(
      new Option(
        '--severity <alert=severity>',
        `severity of an alert: ${SEVERITIES.join(', ')} (repeatable)`,
      ).argParser(collect),
    )
    .option(
      '--runbook-url-pattern <url>',
      'runbook URL; %s = lower-case alert name (default: docs/runbooks.md on GitHub)',
    )
    .option('--rule-name <name>', 'PrometheusRule metadata.name (default: lagwatch)')
    .option('--rule-namespace <namespace>', 'PrometheusRule metadata.namespace (default: none)')
    .addOption(
      new Option('--rule-label <key=value>', 'PrometheusRule metadata label (repeatable)').argParser(collect),
    )
    .option('--uid-prefix <prefix>', 'dashboard uid prefix (default: lagwatch)')
    .addOption(
      new Option(
        '--tag <tag>',
        'dashboard tag, replacing the defaults lagwatch, kafka (repeatable)',
      ).argParser(collect),
    )
    .option('--title-prefix <text>', 'dashboard title prefix (default: "lagwatch / ")')
    .option('--refresh <interval>', 'dashboard auto-refresh, empty for none (default: 1m)')
    .option('--time-from <from>', 'dashboard default time range start (default: now-6h)')
    .addHelpText('after', HELP_EPILOG)
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}

/** A finite number from a flag value, or a {@link FlagError}. */
function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new FlagError(`--${flag}: '${text}' is not a number`);
  return value;
}

/** `key=value` pairs of a repeatable flag. */
function pairs(flag: string, values: readonly string[] | undefined): [string, string][] {
  return (values ?? []).map((entry) => {
    const at = entry.indexOf('=');
    if (at <= 0) throw new FlagError(`--${flag}: '${entry}' is not key=value`);
    return [entry.slice(0, at), entry.slice(at + 1)];
  });
}

/** Per-alert values of a repeatable `alert=value` flag. */
function perAlert<T extends string>(
  flag: string,
  values: readonly string[] | undefined,
): Partial<Record<AlertName, T>> {
  const result: Partial<Record<AlertName, T>> = {};
  for (const [name, value] of pairs(flag, values)) {
    if (!isAlertName(name))
      throw new FlagError(`--${flag}: unknown alert '${name}'; alerts: ${ALERT_NAMES.join(', ')}`);
    result[name] = value as T;
  }
  return result;
}

/** Converts parsed flags into configuration overrides. Throws {@link FlagError}. */
export function overridesFromFlags(flags: Omit<GenerateFlags, 'out' | 'check'>): GenerateConfigOverrides {
  const thresholds: Partial<Thresholds> = {
    lagSecondsWarning: numberFlag('lag-seconds-warning', flags.lagSecondsWarning),
    lagSecondsCritical: numberFlag('lag-seconds-critical', flags.lagSecondsCritical),
    lagGrowingWindow: flags.lagGrowingWindow,
    lagGrowingMinRate: numberFlag('lag-growing-min-rate', flags.lagGrowingMinRate),
    retentionMarginRatio: numberFlag('retention-margin-ratio', flags.retentionMarginRatio),
    pollStaleSeconds: numberFlag('poll-stale-seconds', flags.pollStaleSeconds),
    pollErrorsWindow: flags.pollErrorsWindow,
  };
  const labels = pairs('rule-label', flags.ruleLabel);
  return {
    clusterLabel: flags.clusterLabel,
    selector: flags.selector,
    thresholds,
    for: perAlert<string>('for', flags.for),
    keepFiringFor: flags.keepFiringFor,
    severities: perAlert<Severity>('severity', flags.severity),
    runbookUrlPattern: flags.runbookUrlPattern,
    prometheusRule: {
      name: flags.ruleName,
      namespace: flags.ruleNamespace,
      labels: labels.length === 0 ? undefined : Object.fromEntries(labels),
    },
    dashboards: {
      uidPrefix: flags.uidPrefix,
      tags: flags.tag,
      titlePrefix: flags.titlePrefix,
      refresh: flags.refresh,
      timeFrom: flags.timeFrom,
    },
  };
}

/**
 * Runs `lagwatch generate` with `argv`, the arguments after `generate` (e.g. `['--out', '.']`).
 * Never exits the process; returns the exit code (0 done, 1 check failed or write error, 2 usage error).
 */
export async function runGenerate(argv: string[], io: GenerateIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const { out, check, ...rest } = program.opts<GenerateFlags>();

  let artifacts;
  try {
    artifacts = generateArtifacts(resolveGenerateConfig(overridesFromFlags(rest)));
  } catch (error) {
    if (error instanceof FlagError) {
      io.stderr(`lagwatch generate: ${error.message}\n`);
      return 2;
    }
    if (error instanceof GenerateConfigError) {
      for (const problem of error.problems) io.stderr(`lagwatch generate: ${problem}\n`);
      return 2;
    }
    throw error;
  }

  if (check === true) {
    const stale: string[] = [];
    for (const artifact of artifacts) {
      const existing = await readFile(join(out, artifact.path), 'utf8').catch(() => null);
      if (existing !== artifact.content) stale.push(artifact.path);
    }
    for (const path of stale) io.stderr(`lagwatch generate: ${path} is out of date\n`);
    if (stale.length > 0) {
      io.stderr(
        'lagwatch generate: regenerate with the same flags without --check (npm run generate in the lagwatch repository)\n',
      );
      return 1;
    }
    io.stdout(`lagwatch generate: ${artifacts.length} files up to date in ${out}\n`);
    return 0;
  }

  try {
    for (const artifact of artifacts) {
      const path = join(out, artifact.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, artifact.content);
      io.stdout(`${path}\n`);
    }
  } catch (error) {
    io.stderr(`lagwatch generate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return 0;
}
