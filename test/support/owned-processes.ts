/**
 * Bookkeeping of the long-lived child processes the tests start (Kafka JVMs in jvm-process.ts, Prometheus
 * and Alertmanager in prometheus.ts, Java client fixtures in java-clients.ts), so that none outlives the test
 * run:
 *
 * - {@link killOnExit}: a process 'exit' hook SIGKILLs own children still running and removes their run
 *   directories (a test process that ends without stopping them).
 * - {@link createOwnedProcessRegistry}: a directory with one `<pid>.json` ({@link OwnedProcess}) per running
 *   child; its `reapOrphans()` stops the children of a test process that died before its exit hook could
 *   run (SIGKILL, crash), e.g. from vitest's globalSetup.
 * - {@link spawnLogged}, {@link terminate}, {@link waitForExit}: start with output in a log file; stop with
 *   SIGTERM, a grace period, then SIGKILL.
 *
 * Safety: a pid that is not our own child is only ever signalled when its owner process is gone and its
 * command line still names the run directory it was registered with (pids get reused).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A process to wait for or stop: its pid, and the ChildProcess when this process spawned it. */
export interface ProcessRef {
  readonly pid: number;
  /** Present for an own child: its exit is then observed exactly (no zombie confusion, no polling). */
  readonly child?: ChildProcess;
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

/** True while the process runs. For an own child this is exact (no zombie confusion); else `kill(pid, 0)`. */
export function isRunning(ref: ProcessRef): boolean {
  if (ref.child) return ref.child.exitCode === null && ref.child.signalCode === null;
  return isPidAlive(ref.pid);
}

/**
 * The command line of a running process, arguments joined by spaces, or undefined when it cannot be read.
 * Used to check that a pid from a registry or state file is still ours (pids get reused) before signalling.
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

/** Sends a signal to the pid (only ever one this harness spawned); ignores an already-gone process. */
export function signalPid(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGKILLs the pid, ignoring every error (already gone). @returns true when the signal was delivered. */
export function killNow(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** Waits until the process exited or `timeoutMs` passed. @returns true when it exited. */
export async function waitForExit(ref: ProcessRef, timeoutMs: number): Promise<boolean> {
  const child = ref.child;
  if (child) {
    if (!isRunning(ref)) return true;
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
  while (isPidAlive(ref.pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/**
 * Stops a process: SIGTERM, waits up to `graceMs`, then SIGKILL and waits (5 s) for the exit. Resolves at
 * once when it already exited. Only the pid is signalled, not its process group.
 * @param label names the process in the error, e.g. `JVM`.
 * @throws Error `<label> <pid> survived SIGKILL` when it is still alive 5 s after SIGKILL.
 */
export async function terminate(ref: ProcessRef, graceMs: number, label: string): Promise<void> {
  if (!isRunning(ref)) return;
  signalPid(ref.pid, 'SIGTERM');
  if (!(await waitForExit(ref, graceMs))) {
    signalPid(ref.pid, 'SIGKILL');
    if (!(await waitForExit(ref, 5_000))) throw new Error(`${label} ${ref.pid} survived SIGKILL`);
  }
}

/** What {@link spawnLogged} starts. */
export interface SpawnLoggedOptions {
  /** Working directory of the process. */
  cwd: string;
  /** Log file (created or appended) receiving stdout and stderr. */
  logFile: string;
  /** Own process group (a Ctrl-C in the terminal then reaches only the Node process). Default false. */
  detached?: boolean;
}

/**
 * Spawns `command args` with stdin ignored and stdout and stderr appended to `logFile`, and resolves once
 * the process runs. The Node event loop is not held open by the child. Nothing is registered: see
 * {@link killOnExit} and {@link OwnedProcessRegistry.register}.
 * @throws Error when the process cannot be spawned (e.g. the binary is missing).
 */
export async function spawnLogged(
  command: string,
  args: readonly string[],
  options: SpawnLoggedOptions,
): Promise<{ child: ChildProcess; pid: number }> {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ['ignore', fd, fd],
      detached: options.detached ?? false,
    });
  } finally {
    closeSync(fd);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve(child.pid ?? -1));
  });
  child.unref();
  return { child, pid };
}

/** Own children still running, and the run directory (if any) to remove with each, for the exit hook. */
const liveChildren = new Map<ChildProcess, string | undefined>();
let exitHookInstalled = false;

/**
 * Makes sure the child does not outlive this process: when this process exits while the child still runs,
 * a process 'exit' hook SIGKILLs it and removes `runDir` (when given). The child is forgotten once it exits.
 * Registry entries are not touched by the hook (only synchronous work is possible there): they are left to
 * {@link OwnedProcessRegistry.reapOrphans}.
 */
export function killOnExit(child: ChildProcess, runDir?: string): void {
  liveChildren.set(child, runDir);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [liveChild, dir] of liveChildren) {
      killNow(liveChild.pid);
      if (dir === undefined) continue;
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // the dying process may still create a file; reapOrphans removes the rest later
      }
    }
  });
}

/** A registry entry: a running child, the Node process that owns it and the run directory to remove with it. */
export interface OwnedProcess {
  pid: number;
  ownerPid: number;
  runDir: string;
}

/**
 * Stops an orphaned process of one kind, given a pid that was checked to still be ours (its command line
 * names its run directory). @returns true when it was stopped or signalled (it counts as killed).
 */
export type StopOrphan = (pid: number) => Promise<boolean> | boolean;

/** The owned processes of one kind (say, Kafka JVMs): one `<pid>.json` ({@link OwnedProcess}) each. */
export interface OwnedProcessRegistry {
  /** The registry directory. */
  readonly dir: string;
  /**
   * Takes ownership of a running child: {@link killOnExit} with `runDir`, and an entry with this process as
   * the owner, for {@link reapOrphans} should this process die without stopping it.
   */
  register(child: ChildProcess, pid: number, runDir: string): Promise<void>;
  /** Removes the entry of `pid` (call after the process was stopped). No-op when there is none. */
  unregister(pid: number): Promise<void>;
  /**
   * Stops the registered processes whose owning Node process is gone (a crashed or killed test worker) and
   * removes their run directories and entries. Processes of live owners (e.g. another test run on the same
   * machine) are left alone, and a pid is only stopped when its command line still names the registered
   * run directory. Unreadable entries are skipped.
   * @returns the number of processes stopped (for which the stop function returned true).
   */
  reapOrphans(): Promise<number>;
}

/**
 * A registry of owned processes in directory `dir` (e.g. `join(tmpdir(), 'lagwatch-kafka-owned')`, shared
 * by every test process on the machine); `stopOrphan` is how its reaper stops an orphan.
 */
export function createOwnedProcessRegistry(dir: string, stopOrphan: StopOrphan): OwnedProcessRegistry {
  const entryFile = (pid: number): string => join(dir, `${pid}.json`);
  return {
    dir,
    async register(child, pid, runDir) {
      killOnExit(child, runDir);
      await mkdir(dir, { recursive: true });
      const entry: OwnedProcess = { pid, ownerPid: process.pid, runDir };
      await writeFile(entryFile(pid), JSON.stringify(entry));
    },
    async unregister(pid) {
      await rm(entryFile(pid), { force: true });
    },
    async reapOrphans() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return 0;
      }
      let killed = 0;
      for (const name of names.filter((n) => n.endsWith('.json'))) {
        const file = join(dir, name);
        let entry: OwnedProcess;
        try {
          entry = JSON.parse(await readFile(file, 'utf8')) as OwnedProcess;
        } catch {
          continue;
        }
        if (isPidAlive(entry.ownerPid)) continue;
        if (isPidAlive(entry.pid) && commandLine(entry.pid)?.includes(entry.runDir)) {
          if (await stopOrphan(entry.pid)) killed++;
        }
        rmSync(entry.runDir, { recursive: true, force: true });
        await rm(file, { force: true });
      }
      return killed;
    },
  };
}
