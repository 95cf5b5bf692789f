/**
 * Running Kafka's Java main classes: one-shot tools (StorageTool) and long-lived JVMs (kafka.Kafka), with
 * their output in a log file, graceful stop (SIGTERM, then SIGKILL), and the safety nets that keep tests
 * from leaking JVMs (from owned-processes.ts): a process 'exit' hook, and a registry of owned JVMs that
 * {@link reapOrphanedJvms} cleans up when the owning process died without stopping them.
 *
 * Every JVM runs in its own process group, so a Ctrl-C in the terminal reaches only the Node process,
 * which then stops the JVMs in order. JVMs are only ever signalled by the pid this module spawned.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_SUPPORT_DIR } from './kafka-jars.js';
import { createOwnedProcessRegistry, spawnLogged, terminate } from './owned-processes.js';

const execFileAsync = promisify(execFile);

/** What {@link testJvmOpts} varies per kind of test JVM. */
export interface TestJvmOptions {
  /** `-Xms` and `-Xmx` values, e.g. `256m`. */
  minHeap: string;
  maxHeap: string;
  /** Garbage collector, as in `-XX:+Use<gc>`: `G1GC`, `SerialGC`. */
  gc: 'G1GC' | 'SerialGC';
  /** The log4j2 configuration file. */
  log4jConfig: string;
}

/**
 * Heap and start-up flags of a test JVM (broker or Java client): the given heap and GC, C1 only, CDS on,
 * headless, and a log4j2 configuration file.
 */
export function testJvmOpts(options: TestJvmOptions): string[] {
  return [
    `-Xms${options.minHeap}`,
    `-Xmx${options.maxHeap}`,
    `-XX:+Use${options.gc}`,
    '-XX:TieredStopAtLevel=1',
    '-Xshare:auto',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${options.log4jConfig}`,
  ];
}

/** Heap and start-up flags of every broker JVM: small heap, G1, C1 only, CDS on, headless. */
export const JVM_OPTS: readonly string[] = testJvmOpts({
  minHeap: '256m',
  maxHeap: '512m',
  gc: 'G1GC',
  log4jConfig: join(KAFKA_SUPPORT_DIR, 'log4j2.properties'),
});

/** How long a JVM gets to exit after SIGTERM before it is killed, in ms. */
export const STOP_GRACE_MS = 15_000;

/**
 * The owned-JVM registry: one `<pid>.json` per running non-detached test JVM. Its reaper stops an orphan
 * like {@link stopJvm} with no grace period (SIGTERM, then SIGKILL).
 */
const registry = createOwnedProcessRegistry(join(tmpdir(), 'lagwatch-kafka-owned'), async (pid) => {
  await stopJvm({ pid, logFile: '', logOffset: 0 }, 0);
  return true;
});

/** A JVM started by {@link spawnJvm}. */
export interface JvmHandle {
  pid: number;
  /** The ChildProcess when this process spawned it; absent for a JVM adopted from a state file. */
  child?: ChildProcess;
  /** File receiving the JVM's stdout and stderr (appended). */
  logFile: string;
  /** Size of the log file when this JVM was spawned, in bytes: its own output starts there. */
  logOffset: number;
}

/** The java executable: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH. */
export function javaBinary(): string {
  const home = process.env['JAVA_HOME'];
  return home ? join(home, 'bin', 'java') : 'java';
}

/**
 * Runs a Java main class to completion (e.g. `kafka.tools.StorageTool format ...`).
 * @param libsDir directory of jars (classpath `<libsDir>/*`).
 * @returns the tool's stdout.
 * @throws Error with the tool's stdout and stderr when it exits non-zero or runs longer than 60 s.
 */
export async function runJavaTool(
  libsDir: string,
  mainClass: string,
  args: readonly string[],
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(
      javaBinary(),
      [...JVM_OPTS, '-cp', join(libsDir, '*'), mainClass, ...args],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${mainClass} ${args.join(' ')} failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: error,
    });
  }
}

/** What {@link spawnJvm} starts. */
export interface SpawnJvmOptions {
  libsDir: string;
  mainClass: string;
  args: readonly string[];
  /** Working directory of the JVM. */
  cwd: string;
  /** Log file (created or appended) for stdout and stderr. */
  logFile: string;
  /**
   * false: the JVM belongs to this process: it is SIGKILLed when this process exits and registered for
   * {@link reapOrphanedJvms}. true: the JVM outlives this process (for `npm run kafka -- start`).
   */
  detached: boolean;
  /** Directory removed together with the JVM should the owner die (non-detached only). */
  runDir: string;
}

/**
 * Spawns a long-lived JVM in its own process group, with stdout and stderr appended to `logFile`.
 * The Node event loop is not held open by the child.
 * @throws Error when the process cannot be spawned (e.g. no java on PATH).
 */
export async function spawnJvm(options: SpawnJvmOptions): Promise<JvmHandle> {
  const logOffset = fileSize(options.logFile);
  const { child, pid } = await spawnLogged(
    javaBinary(),
    [
      ...JVM_OPTS,
      `-Dkafka.logs.dir=${options.cwd}`,
      '-cp',
      join(options.libsDir, '*'),
      options.mainClass,
      ...options.args,
    ],
    { cwd: options.cwd, logFile: options.logFile, detached: true },
  );
  if (!options.detached) await registry.register(child, pid, options.runDir);
  return { pid, child, logFile: options.logFile, logOffset };
}

/**
 * Stops a JVM: SIGTERM (Kafka's shutdown hook runs a controlled shutdown), waits up to `graceMs`, then
 * SIGKILL and waits for the exit. Resolves at once when the JVM already exited.
 * @param graceMs ms between SIGTERM and SIGKILL; default {@link STOP_GRACE_MS}.
 * @throws Error when the process is still alive 5 s after SIGKILL.
 */
export async function stopJvm(handle: JvmHandle, graceMs: number = STOP_GRACE_MS): Promise<void> {
  await terminate(handle, graceMs, 'JVM');
  await registry.unregister(handle.pid);
}

/**
 * The last `maxLines` lines a JVM wrote since it was spawned (empty when the log is missing).
 * Used in error messages.
 */
export function logTail(handle: JvmHandle, maxLines = 30): string {
  const lines = readLogSince(handle).trimEnd().split('\n');
  return lines.slice(-maxLines).join('\n');
}

/** Everything the JVM wrote since it was spawned. */
export function readLogSince(handle: JvmHandle): string {
  try {
    return readFileSync(handle.logFile).subarray(handle.logOffset).toString('utf8');
  } catch {
    return '';
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Kills test JVMs whose owning Node process is gone (a crashed or killed test worker) and removes their
 * run directories. JVMs of live owners (e.g. another test run in the same machine) are left alone, and a
 * pid is only signalled when its command line still names the registered run directory.
 * @returns the number of JVMs killed.
 */
export function reapOrphanedJvms(): Promise<number> {
  return registry.reapOrphans();
}
