/**
 * Command-line flags, parsed with commander in kingpin's style so that kafka_exporter command lines
 * work unchanged: dotted long flags, `--flag=value` and `--flag value`, repeatable list flags, and
 * booleans as `--flag`, `--no-flag` or `--flag=true|false`. Values are returned as given (text);
 * validation happens once, on the merged settings (schema.ts).
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { parseBoolean } from './boolean.js';
import { ConfigError } from './errors.js';
import type { Layer } from './layer.js';
import { ALL_OPTIONS, envName, flagName, type OptionKey, type OptionSpec } from './options.js';

/** What the command line asked for: help text, the version, or settings. */
export type FlagsResult =
  { kind: 'help'; text: string } | { kind: 'version' } | { kind: 'settings'; layer: Layer };

const HELP_EPILOG = `
Every flag can also be given as an environment variable: LAGWATCH_ + the flag name upper-cased with
dots and dashes as underscores (--poll.interval → LAGWATCH_POLL_INTERVAL; lists comma-separated).
Precedence: flags, then environment variables, then the --config.file YAML file, then defaults.
Durations use Go's syntax: 500ms, 30s, 1m30s, 2h. Regexes are JavaScript regexes, unanchored.
See docs/configuration.md for the config file and kafka_exporter compatibility.`;

/** `(default: 30s; env: LAGWATCH_POLL_INTERVAL)` for the help text. */
function helpSuffix(spec: OptionSpec): string {
  const parts: string[] = [];
  if (spec.defaultText !== undefined) parts.push(`default: ${spec.defaultText}`);
  else if (Array.isArray(spec.default)) parts.push(`default: ${spec.default.join(',')}`);
  else if (spec.default !== undefined) parts.push(`default: ${String(spec.default)}`);
  if (spec.key !== 'version') parts.push(`env: ${envName(spec.key)}`);
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

/** The commander options of one table entry: the flag, and for booleans the hidden `--no-` form. */
function commanderOptions(spec: OptionSpec): Option[] {
  const flag = flagName(spec.key);
  const description = spec.help + helpSuffix(spec);
  if (spec.key === 'version') return [new Option(flag, description).helpGroup(spec.group)];
  if (spec.kind === 'boolean') {
    // `[value]` lets kingpin-style `--flag` stand alone while also accepting `--flag=false`.
    return [
      new Option(`${flag} [bool]`, description).helpGroup(spec.group),
      new Option(`--no-${spec.key}`).hideHelp(),
    ];
  }
  const option = new Option(`${flag} ${spec.valueName ?? '<value>'}`, description).helpGroup(spec.group);
  if (spec.kind === 'list') {
    option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  }
  return [option];
}

/** kingpin shows booleans as `--[no-]flag`; commander would show `--flag [bool]`. */
function optionTerm(this: Help, option: Option): string {
  if (option.optional && option.flags.endsWith(' [bool]')) return `--[no-]${option.long?.slice(2) ?? ''}`;
  return Help.prototype.optionTerm.call(this, option);
}

/** Builds a fresh commander program (commander keeps parse state, so one per parse). */
function buildProgram(output: { out: string }): { program: Command; attributes: Map<OptionKey, string> } {
  const program = new Command('lagwatch');
  program
    .description('Kafka consumer-lag exporter for Prometheus (a drop-in replacement for kafka_exporter)')
    .addHelpOption(new Option('-h, --help', 'Show this help and exit').helpGroup('General:'))
    .allowExcessArguments(true)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => (output.out += text),
      writeErr: () => undefined,
      outputError: () => undefined,
    })
    .addHelpText('after', HELP_EPILOG);
  program.configureHelp({ optionTerm, sortOptions: false, helpWidth: 120 });
  const attributes = new Map<OptionKey, string>();
  for (const spec of ALL_OPTIONS) {
    const options = commanderOptions(spec);
    for (const option of options) program.addOption(option);
    const first = options[0];
    if (first !== undefined) attributes.set(spec.key as OptionKey, first.attributeName());
  }
  return { program, attributes };
}

/** commander's "(Did you mean --x?)" for an unknown flag name, or undefined. */
function suggestionFor(error: CommanderError): string | undefined {
  return /Did you mean (\S+?)\?/.exec(error.message)?.[1];
}

/** Turns commander's parse errors into ConfigErrors that name the flag. */
function toConfigError(error: CommanderError): ConfigError {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  if (error.code === 'commander.unknownOption') {
    const field = quoted.split('=')[0] ?? quoted;
    let suggestion = suggestionFor(error);
    if (suggestion === undefined && field !== quoted) {
      // commander compares `--name=value` as a whole; ask again with the name alone.
      const retry = catchCommanderError(() =>
        buildProgram({ out: '' }).program.parse([field], { from: 'user' }),
      );
      if (retry !== undefined) suggestion = suggestionFor(retry);
    }
    return new ConfigError({
      field,
      message: `unknown flag${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`,
    });
  }
  if (error.code === 'commander.optionMissingArgument') {
    return new ConfigError({
      field: quoted.split(' ')[0] ?? quoted,
      message: 'expected a value after the flag',
    });
  }
  return new ConfigError({ field: 'command line', message: error.message.replace(/^error: /, '') });
}

function catchCommanderError(run: () => unknown): CommanderError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
}

/**
 * Parses the command line. `argv` is the arguments after the program name (`process.argv.slice(2)`).
 * Returns the help text for `-h`/`--help`, `{ kind: 'version' }` for `--version`, or else a layer with
 * one entry per flag given: text for value flags, a list of texts for repeatable flags, `true`/`false`
 * (or the text after `=`) for booleans.
 * Throws ConfigError for an unknown flag, a missing value or a positional argument, naming it.
 */
export function parseFlags(argv: readonly string[]): FlagsResult {
  const output = { out: '' };
  const { program, attributes } = buildProgram(output);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
        return { kind: 'help', text: output.out };
      }
      throw toConfigError(error);
    }
    throw error;
  }
  const extra = program.args[0];
  if (extra !== undefined) {
    throw new ConfigError({
      field: extra,
      message: 'unexpected argument: lagwatch takes flags only (--name=value or --name value)',
    });
  }
  const layer: Layer = new Map();
  for (const [key, attribute] of attributes) {
    if (program.getOptionValueSource(attribute) !== 'cli') continue;
    const value: unknown = program.getOptionValue(attribute);
    layer.set(key, { value, origin: 'flag', field: flagName(key) });
  }
  const version = layer.get('version');
  if (version !== undefined && parseBoolean(version.value) === true) return { kind: 'version' };
  layer.delete('version');
  return { kind: 'settings', layer };
}
