/**
 * vitest globalSetup: fetches the Kafka broker jars once before any test file runs (so no test times out
 * on the first Maven download), and kills test JVMs left behind by crashed runs before and after the run.
 */
import { reapOrphanedJvms } from './jvm-process.js';
import { ensureKafkaJars } from './kafka-jars.js';

/** Runs once in the vitest main process before the test files. Throws when the jars cannot be fetched. */
export default async function setup(): Promise<() => Promise<void>> {
  await reapOrphanedJvms();
  await ensureKafkaJars();
  return async () => {
    await reapOrphanedJvms();
  };
}
