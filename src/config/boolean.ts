/**
 * Boolean text as kingpin reads it (Go's `strconv.ParseBool`): `1`, `t`, `true` and `0`, `f`, `false`,
 * in any case. Used for `--flag=value` forms, environment variables and YAML strings.
 */

/** `true`/`false` for a boolean or a ParseBool spelling (surrounding blanks ignored); undefined otherwise. */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (/^(1|t|true)$/i.test(value.trim())) return true;
  if (/^(0|f|false)$/i.test(value.trim())) return false;
  return undefined;
}
