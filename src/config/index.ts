/**
 * Configuration loading: flags, environment variables and an optional YAML file, merged by precedence
 * (flags > environment > file > defaults) and validated by one schema. See docs/configuration.md.
 */
import { ConfigError, show } from './errors.js';
import { readEnv } from './env.js';
import { readConfigFile, type FileSettings } from './file.js';
import { parseFlags } from './flags.js';
import { defaultsLayer, mergeSources, nameIssue, type Sources } from './merge.js';
import { normalizeLayer } from './normalize.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';
import { unusedSettingWarnings } from './unused.js';
import { versionLine } from './version.js';

export type {
  ClusterConfig,
  Config,
  LogConfig,
  LogFormat,
  LogLevel,
  SaslConfig,
  TlsConfig,
  WebConfig,
} from './types.js';
export { ConfigError, type ConfigIssue } from './errors.js';
export { lagwatchVersion } from './version.js';

/**
 * Loads the configuration.
 *
 * @param argv the command-line arguments after the program name (`process.argv.slice(2)`).
 * @param env the environment (`process.env`); `LAGWATCH_*` variables and `SASL_USER_PASSWORD` are read.
 * @returns `{ help }` for `-h`/`--help` (the text to print), `{ version }` for `--version` (the line to
 *   print), else the validated Config, whose `warnings` the caller should log (ignored kafka_exporter
 *   flags, unknown `LAGWATCH_*` variables, settings of disabled features).
 * @throws ConfigError for any invalid setting, naming it as the user wrote it (flag, variable or YAML
 *   path) with what was expected and what was given; the CLI should print the message and exit with 2.
 *   Files (config file, TLS PEM files, password file) are read here; unreadable ones are ConfigErrors too.
 */
export async function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<Config | { help: string } | { version: string }> {
  const flags = parseFlags(argv);
  if (flags.kind === 'help') return { help: flags.text };
  if (flags.kind === 'version') return { version: versionLine() };

  const fromEnv = readEnv(env);
  const flagLayer = normalizeLayer(flags.layer);
  const envLayer = normalizeLayer(fromEnv.layer);

  let file: Sources['file'];
  const fileSetting = flagLayer.layer.get('config.file') ?? envLayer.layer.get('config.file');
  if (fileSetting !== undefined) {
    if (typeof fileSetting.value !== 'string' || fileSetting.value.trim() === '') {
      throw new ConfigError({
        field: fileSetting.field,
        message: `expected a file path, got ${show(fileSetting.value)}`,
      });
    }
    const settings: FileSettings = await readConfigFile(fileSetting.value, fileSetting);
    file = {
      settings,
      top: normalizeLayer(settings.top).layer,
      clusters: settings.clusters?.map((entry) => ({ ...entry, layer: normalizeLayer(entry.layer).layer })),
    };
  }

  const { candidate, provenance } = mergeSources({
    defaults: defaultsLayer(),
    file,
    env: envLayer.layer,
    flags: flagLayer.layer,
  });
  const result = await configSchema.safeParseAsync(candidate);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const { inheritedBy, ...name } = nameIssue(provenance, issue.path);
        const context = inheritedBy === undefined ? '' : ` (in ${inheritedBy}, which inherits it)`;
        return { ...name, message: issue.message + context };
      }),
    );
  }
  const warnings = [
    ...flagLayer.warnings,
    ...envLayer.warnings,
    ...fromEnv.warnings,
    ...unusedSettingWarnings(provenance, result.data.clusters),
  ];
  return { ...result.data, warnings, configFile: file?.settings.path };
}
