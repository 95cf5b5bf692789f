/**
 * vitest globalSetup: fetches the Kafka broker jars once before any test file runs (so no test times out
 * on the first Maven download), and kills test JVMs and monitoring servers (Prometheus, Alertmanager) left
 * behind by crashed runs before and after the run.
 */
import { reapOrphanedJvms } from './jvm-process.js';
import { ensureKafkaJars } from './kafka-jars.js';
import { reapOrphanedMonitoring } from './prometheus.js';

/** Kills the orphaned child processes of crashed test processes (see owned-processes.ts). */
async function reapOrphans(): Promise<void> {
  await reapOrphanedJvms();
  await reapOrphanedMonitoring();
}

/** Runs once in the vitest main process before the test files. Throws when the jars cannot be fetched. */
export default async function setup(): Promise<() => Promise<void>> {
  await reapOrphans();
  await ensureKafkaJars();
  return reapOrphans;
}
