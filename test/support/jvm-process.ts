/**
 * Running Kafka's Java main classes: one-shot tools (StorageTool) and long-lived JVMs (kafka.Kafka), with
 * their output in a log file, graceful stop (SIGTERM, then SIGKILL), and the safety nets that keep tests
 * from leaking JVMs: a process 'exit' hook, and a registry of owned JVMs that {@link reapOrphanedJvms}
 * cleans up when the owning process died without stopping them.
 *
 * Every JVM runs in its own process group, so a Ctrl-C in the terminal reaches only the Node process,
 * which then stops the JVMs in order. JVMs are only ever signalled by the pid this module spawned.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_SUPPORT_DIR } from './kafka-jars.js';

const execFileAsync = promisify(execFile);

/** Heap and start-up flags of every broker JVM: small heap, C1 only, CDS on, headless. */
export const JVM_OPTS: readonly string[] = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-Djava.awt.headless=true',
  `-Dlog4j2.configurationFile=${join(KAFKA_SUPPORT_DIR, 'log4j2.properties')}`,
];

/** How long a JVM gets to exit after SIGTERM before it is killed, in ms. */
export const STOP_GRACE_MS = 15_000;

/** Directory of the owned-JVM registry: one `<pid>.json` ({@link OwnedJvm}) per running test JVM. */
const REGISTRY_DIR = join(tmpdir(), 'lagwatch-kafka-owned');

/** A registry entry: a JVM, the Node process that owns it and the run directory to remove with it. */
interface OwnedJvm {
  pid: number;
  ownerPid: number;
  runDir: string;
}

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

/** Own non-detached JVMs and the run directory each one belongs to. */
const liveChildren = new Map<ChildProcess, string>();
let exitHookInstalled = false;

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
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      javaBinary(),
      [
        ...JVM_OPTS,
        `-Dkafka.logs.dir=${options.cwd}`,
        '-cp',
        join(options.libsDir, '*'),
        options.mainClass,
        ...options.args,
      ],
      { cwd: options.cwd, stdio: ['ignore', fd, fd], detached: true },
    );
  } finally {
    closeSync(fd);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve(child.pid ?? -1));
  });
  child.unref();
  if (!options.detached) {
    liveChildren.set(child, options.runDir);
    child.once('exit', () => liveChildren.delete(child));
    installExitHook();
    await registerOwned({ pid, ownerPid: process.pid, runDir: options.runDir });
  }
  return { pid, child, logFile: options.logFile, logOffset };
}

/** True while the JVM runs. For an own child this is exact (no zombie confusion); else `kill(pid, 0)`. */
export function isRunning(handle: JvmHandle): boolean {
  if (handle.child) return handle.child.exitCode === null && handle.child.signalCode === null;
  return isPidAlive(handle.pid);
}

/** True when a process with this pid exists (owned by anyone). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops a JVM: SIGTERM (Kafka's shutdown hook runs a controlled shutdown), waits up to `graceMs`, then
 * SIGKILL and waits for the exit. Resolves at once when the JVM already exited.
 * @param graceMs ms between SIGTERM and SIGKILL; default {@link STOP_GRACE_MS}.
 * @throws Error when the process is still alive 5 s after SIGKILL.
 */
export async function stopJvm(handle: JvmHandle, graceMs: number = STOP_GRACE_MS): Promise<void> {
  if (!isRunning(handle)) return unregisterOwned(handle.pid);
  signal(handle.pid, 'SIGTERM');
  if (!(await waitForExit(handle, graceMs))) {
    signal(handle.pid, 'SIGKILL');
    if (!(await waitForExit(handle, 5_000))) throw new Error(`JVM ${handle.pid} survived SIGKILL`);
  }
  await unregisterOwned(handle.pid);
}

/** Sends a signal to the pid (only ever a pid this harness spawned); ignores an already-gone process. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Waits until the JVM exited or `timeoutMs` passed; true when it exited. */
async function waitForExit(handle: JvmHandle, timeoutMs: number): Promise<boolean> {
  const child = handle.child;
  if (child) {
    if (!isRunning(handle)) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        resolve(false);
      }, timeoutMs);
      const onExit = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      child.once('exit', onExit);
    });
  }
  const deadline = Date.now() + timeoutMs;
  while (isPidAlive(handle.pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
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
 * The command line of a running process, arguments joined by spaces, or undefined when it cannot be read.
 * Used to check that a pid from a state file is still our JVM (pids get reused) before signalling it.
 */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return (
        execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' }).trim() || undefined
      );
    } catch {
      return undefined;
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    // Only synchronous work is possible here. Registry entries are left to reapOrphanedJvms.
    for (const [child, runDir] of liveChildren) {
      try {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      try {
        rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // the dying JVM may still create a file; reapOrphanedJvms removes the rest later
      }
    }
  });
}

async function registerOwned(entry: OwnedJvm): Promise<void> {
  await mkdir(REGISTRY_DIR, { recursive: true });
  await writeFile(join(REGISTRY_DIR, `${entry.pid}.json`), JSON.stringify(entry));
}

async function unregisterOwned(pid: number): Promise<void> {
  await rm(join(REGISTRY_DIR, `${pid}.json`), { force: true });
}

/**
 * Kills test JVMs whose owning Node process is gone (a crashed or killed test worker) and removes their
 * run directories. JVMs of live owners (e.g. another test run in the same machine) are left alone, and a
 * pid is only signalled when its command line still names the registered run directory.
 * @returns the number of JVMs killed.
 */
export async function reapOrphanedJvms(): Promise<number> {
  let names: string[];
  try {
    names = await readdir(REGISTRY_DIR);
  } catch {
    return 0;
  }
  let killed = 0;
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = join(REGISTRY_DIR, name);
    let entry: OwnedJvm;
    try {
      entry = JSON.parse(await readFile(file, 'utf8')) as OwnedJvm;
    } catch {
      continue;
    }
    if (isPidAlive(entry.ownerPid)) continue;
    if (isPidAlive(entry.pid) && commandLine(entry.pid)?.includes(entry.runDir)) {
      await stopJvm({ pid: entry.pid, logFile: '', logOffset: 0 }, 0);
      killed++;
    }
    rmSync(entry.runDir, { recursive: true, force: true });
    await rm(file, { force: true });
  }
  return killed;
}
