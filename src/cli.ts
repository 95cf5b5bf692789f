#!/usr/bin/env node
/**
 * lagwatch entry point: load the configuration, start the exporter, stop cleanly on SIGINT/SIGTERM.
 * `lagwatch generate …` writes the dashboards and alert rules instead (src/generate/command.ts).
 * Exit codes: 0 after a clean stop (or --help/--version), 2 for a configuration error, 1 for any other
 * start-up failure (e.g. the listen address is in use).
 */
import { ConfigError, loadConfig } from './config/index.js';
import { startExporter } from './exporter.js';
import { runGenerate } from './generate/command.js';
import { createLogger } from './log.js';

async function main(): Promise<number> {
  if (process.argv[2] === 'generate') return runGenerate(process.argv.slice(3));
  let loaded: Awaited<ReturnType<typeof loadConfig>>;
  try {
    loaded = await loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`lagwatch: invalid configuration: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if ('help' in loaded) {
    process.stdout.write(loaded.help);
    return 0;
  }
  if ('version' in loaded) {
    process.stdout.write(`${loaded.version}\n`);
    return 0;
  }

  const logger = createLogger(loaded.log);
  for (const warning of loaded.warnings) logger.warn(warning);
  const exporter = await startExporter(loaded, logger);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await exporter.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lagwatch: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
