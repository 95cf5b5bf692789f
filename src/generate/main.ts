/**
 * Entry point of `npm run generate` (`tsx src/generate/main.ts --out .`): regenerates the committed
 * dashboards/ and alerts/ without going through the exporter's CLI. Same flags as `lagwatch generate`.
 */
import { runGenerate } from './command.js';

runGenerate(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `lagwatch generate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
