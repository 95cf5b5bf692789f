/**
 * Brings one source's layer into the common form before layers are merged:
 * - kafka_exporter compatibility: ignored flags are dropped with a warning, `--verbosity` becomes
 *   `log.level`, unsupported flags set to true are errors;
 * - `sasl.password-file` becomes the `sasl.password` setting (a {@link SecretFile}), so that the two
 *   follow the same precedence;
 * - `k=v,k=v` label text becomes a mapping, so that cluster labels can be merged key by key.
 * Every step works within one layer: the precedence between sources is merge.ts's business.
 */
import { parseBoolean } from './boolean.js';
import { ConfigError, show } from './errors.js';
import { parseLabelPairs } from './labels.js';
import { SecretFile, type Layer } from './layer.js';
import { ALL_OPTIONS, type OptionKey } from './options.js';

export interface NormalizedLayer {
  layer: Layer;
  /** One line per ignored kafka_exporter flag found in the layer. */
  warnings: string[];
}

/**
 * Normalises a layer (see the module comment). Returns a new layer; the input is not modified.
 * Throws ConfigError naming the field for: an unsupported flag set to true (`--server.tls.enabled`),
 * a `--verbosity` that is not a whole number, both a password and a password file in the same source,
 * an empty password-file path, and malformed label text (`--kafka.labels env`).
 */
export function normalizeLayer(input: Layer): NormalizedLayer {
  const layer: Layer = new Map(input);
  const warnings: string[] = [];

  for (const spec of ALL_OPTIONS) {
    const key = spec.key as OptionKey;
    const sourced = layer.get(key);
    if (sourced === undefined) continue;
    if (spec.scope === 'ignored') {
      warnings.push(
        `${sourced.field} is accepted for compatibility with kafka_exporter and ignored: ${spec.reason ?? ''}`,
      );
      layer.delete(key);
    } else if (spec.scope === 'unsupported') {
      if (parseBoolean(sourced.value) !== false) {
        throw new ConfigError({ field: sourced.field, message: `not supported yet: ${spec.reason ?? ''}` });
      }
      layer.delete(key);
    }
  }

  const verbosity = layer.get('verbosity');
  if (verbosity !== undefined) {
    const text = String(verbosity.value).trim();
    if (!/^\d+$/.test(text)) {
      throw new ConfigError({
        field: verbosity.field,
        message: `expected a whole number (0 = info, 1 or more = debug), got ${show(verbosity.value)}`,
      });
    }
    if (!layer.has('log.level')) {
      layer.set('log.level', { ...verbosity, value: Number(text) >= 1 ? 'debug' : 'info' });
    }
    layer.delete('verbosity');
  }

  const passwordFile = layer.get('sasl.password-file');
  if (passwordFile !== undefined) {
    const password = layer.get('sasl.password');
    if (password !== undefined) {
      throw new ConfigError({
        field: passwordFile.field,
        message: `give either ${password.field} or ${passwordFile.field}, not both`,
        ...(passwordFile.where === undefined ? {} : { where: passwordFile.where }),
      });
    }
    if (typeof passwordFile.value !== 'string' || passwordFile.value.trim() === '') {
      throw new ConfigError({
        field: passwordFile.field,
        message: `expected the path of a file holding the password, got ${show(passwordFile.value)}`,
        ...(passwordFile.where === undefined ? {} : { where: passwordFile.where }),
      });
    }
    layer.set('sasl.password', { ...passwordFile, value: new SecretFile(passwordFile.value) });
    layer.delete('sasl.password-file');
  }

  const labels = layer.get('kafka.labels');
  // Text form from flags and the environment only; the config file writes labels as a mapping.
  if (labels !== undefined && labels.origin !== 'file' && typeof labels.value === 'string') {
    const parsed = parseLabelPairs(labels.value);
    if (!parsed.ok) throw new ConfigError({ field: labels.field, message: parsed.reason });
    layer.set('kafka.labels', { ...labels, value: parsed.labels });
  }

  return { layer, warnings };
}
