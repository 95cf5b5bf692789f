/**
 * The process logger: pino, to standard error, as logfmt (the Prometheus exporters' default) or JSON.
 */
import { pino, type Logger } from 'pino';
import type { LogConfig } from './config/index.js';

export type { Logger };

/** Creates the logger for `--log.level` and `--log.format`. */
export function createLogger({ level, format }: LogConfig): Logger {
  if (format === 'json')
    return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
  return pino({
    level,
    base: undefined,
    transport: {
      target: 'pino-logfmt',
      options: {
        destination: 2,
        includeLevelLabel: true,
        levelLabelKey: 'level',
        formatTime: true,
        flattenNestedObjects: true,
        escapeMultilineStrings: true,
      },
    },
  });
}
