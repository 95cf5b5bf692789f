/**
 * Layers: the settings one source (defaults, config file, environment, flags) gives, each value with
 * the name the user gave it, so that an invalid value can be reported in the user's terms after the
 * sources are merged and validated.
 */
import type { OptionKey } from './options.js';

/** Where a value came from, lowest precedence first. */
export type Origin = 'default' | 'file' | 'env' | 'flag';

/** One value from one source. */
export interface Sourced {
  /** The raw value: text from flags and the environment, any YAML value from the config file. */
  readonly value: unknown;
  readonly origin: Origin;
  /** The setting as the user wrote it: `--poll.interval`, `LAGWATCH_POLL_INTERVAL`, `clusters[1].poll.interval`. */
  readonly field: string;
  /** Config-file values: `file.yaml:line:column` of the value. */
  readonly where?: string;
  /**
   * Names an element of a list or an entry of a mapping, e.g. `clusters[1].brokers[0]` for element 0;
   * flags and environment variables name the whole value (`--kafka.server`).
   */
  readonly element?: (key: string | number) => { field: string; where?: string };
}

/** The settings of one source. A key is absent when the source does not set it. */
export type Layer = Map<OptionKey, Sourced>;

/** A secret to be read from a file when the configuration is loaded (`sasl.password-file`). */
export class SecretFile {
  constructor(readonly path: string) {}
}

/** Names an element of a sourced value: its own name when it has one, else the value's name. */
export function elementOf(sourced: Sourced, key: string | number): { field: string; where?: string } {
  if (sourced.element !== undefined) return sourced.element(key);
  return sourced.where === undefined
    ? { field: sourced.field }
    : { field: sourced.field, where: sourced.where };
}
