/**
 * Real Java Kafka clients as test fixtures, for the group types no Node client speaks: a share-group member
 * (KafkaShareConsumer, KIP-932) and a Kafka Streams application in a `streams` group (KIP-1071).
 *
 * ```ts
 * const share = await startShareConsumer({ bootstrap, groupId: 'g', topic: 't', clientId: 'c', acceptRecords: 30 });
 * const app = await startStreamsApp({ bootstrap, applicationId: 'a', sourceTopic: 't', clientId: 'c', processRecords: 30 });
 * await share.stop(); await app.stop();
 * ```
 *
 * The sources are test/support/java/*.java (one main class each; see their headers for the stdout lines
 * they print). They are compiled with `javac --release 17` against the Kafka jars of kafka-jars.ts the first
 * time they are needed and cached under `.cache/kafka-<version>/java-clients/<hash>/`, where the hash covers
 * the sources and the jar set (the pom hash), so an edited source or pom recompiles.
 *
 * Each client is a child JVM with stdin, stdout and stderr piped: stdout carries the protocol lines,
 * stderr Kafka's WARN+ logging (kept for error messages). Closing stdin asks the client to leave its group
 * and exit; a client whose parent dies sees end-of-file on stdin and exits too. Clients still running when
 * this process exits are SIGKILLed ({@link killOnExit}). Every wait has a deadline; nothing sleeps for a
 * fixed time.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { javaBinary, testJvmOpts } from './jvm-process.js';
import { ensureKafkaJars, KAFKA_VERSION, REPO_ROOT } from './kafka-jars.js';
import { killNow, killOnExit } from './owned-processes.js';

const execFileAsync = promisify(execFile);

/** Directory of the Java sources and their log4j2 configuration. */
export const JAVA_SOURCES_DIR = join(REPO_ROOT, 'test', 'support', 'java');
const CLASSES_ROOT = join(REPO_ROOT, '.cache', `kafka-${KAFKA_VERSION}`, 'java-clients');
const PARENT_JAR_MARKER = join(REPO_ROOT, '.cache', `kafka-${KAFKA_VERSION}`, 'libs.complete');
const COMPLETE = '.complete';

/** Heap and start-up flags of a client JVM: small heap, serial GC, C1 only, CDS on, headless. */
const CLIENT_JVM_OPTS: readonly string[] = testJvmOpts({
  minHeap: '64m',
  maxHeap: '256m',
  gc: 'SerialGC',
  log4jConfig: join(JAVA_SOURCES_DIR, 'log4j2.properties'),
});

/** Default deadline for a client to print its ready line, ms (JVM start, group join, first records). */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
/** How long a client gets to leave its group and exit after stdin closes, before SIGKILL, ms. */
const STOP_GRACE_MS = 20_000;
/** stderr lines kept per client for error messages. */
const STDERR_LINES = 200;

/** Compiled classes of the Java clients, ready for a classpath. */
export interface JavaClasspath {
  /** The Kafka jars directory (classpath entry `<libsDir>/*`). */
  libsDir: string;
  /** Directory of the compiled test clients. */
  classesDir: string;
}

/**
 * Compiles test/support/java/*.java against the Kafka jars unless the cache already holds them.
 * Parallel callers (several test files, several processes) are safe: each compiles into its own temporary
 * directory and the first rename wins.
 * @throws Error with javac's output when compilation fails, or when `javac` is missing.
 */
export async function ensureJavaClients(): Promise<JavaClasspath> {
  const libsDir = await ensureKafkaJars();
  const sources = (await readdir(JAVA_SOURCES_DIR)).filter((name) => name.endsWith('.java')).sort();
  const hash = createHash('sha256');
  hash.update(await readFile(PARENT_JAR_MARKER, 'utf8').catch(() => ''));
  for (const name of sources)
    hash
      .update(name)
      .update('\0')
      .update(await readFile(join(JAVA_SOURCES_DIR, name)));
  const classesDir = join(CLASSES_ROOT, hash.digest('hex').slice(0, 16));
  if (await exists(join(classesDir, COMPLETE))) return { libsDir, classesDir };

  await mkdir(CLASSES_ROOT, { recursive: true });
  const staging = `${classesDir}.tmp-${process.pid}-${Date.now()}`;
  await rm(staging, { recursive: true, force: true });
  const javac = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'javac') : 'javac';
  try {
    await execFileAsync(
      javac,
      [
        '--release',
        '17',
        '-encoding',
        'UTF-8',
        '-d',
        staging,
        '-cp',
        join(libsDir, '*'),
        ...sources.map((name) => join(JAVA_SOURCES_DIR, name)),
      ],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    await writeFile(join(staging, COMPLETE), `${new Date().toISOString()}\n`);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`compiling the Java test clients failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: error,
    });
  }
  try {
    await rename(staging, classesDir);
  } catch (error) {
    // Another process won the race (ENOTEMPTY/EEXIST): its classes are the same.
    await rm(staging, { recursive: true, force: true });
    if (!(await exists(join(classesDir, COMPLETE)))) throw error;
  }
  // Classes of older sources or jars are of no further use (other processes of this tree use this hash).
  for (const name of await readdir(CLASSES_ROOT)) {
    if (join(CLASSES_ROOT, name) !== classesDir && !name.includes('.tmp-')) {
      await rm(join(CLASSES_ROOT, name), { recursive: true, force: true });
    }
  }
  return { libsDir, classesDir };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A running Java client. */
export interface JavaClient {
  readonly pid: number;
  /** The Kafka `client.id` it was given. */
  readonly clientId: string;
  /** Milliseconds from spawn until its ready line. */
  readonly readyAfterMs: number;
  /** Every stdout line so far (protocol lines only). */
  readonly lines: readonly string[];
  /**
   * Resolves with the first stdout line (earlier ones included) that `match` accepts (a RegExp, or a
   * predicate such as {@link countAtLeast}).
   * @throws Error when the client exits first or `timeoutMs` passes (message holds its stderr tail).
   */
  waitForLine(match: LineMatcher, timeoutMs?: number): Promise<string>;
  /**
   * Closes stdin (the client leaves its group, closes and exits), waits up to 20 s, then SIGKILLs.
   * Removes the client's temporary directory. Idempotent.
   */
  stop(): Promise<void>;
}

/** What {@link JavaClient.waitForLine} waits for: a pattern or a predicate on one stdout line. */
export type LineMatcher = RegExp | ((line: string) => boolean);

/** Matches `<word> <n>` lines with n ≥ `min`, e.g. `countAtLeast('ACKED', 24)` accepts `ACKED 24` and `ACKED 30`. */
export function countAtLeast(word: string, min: number): (line: string) => boolean {
  return (line) => {
    const [first, count, ...rest] = line.split(' ');
    return first === word && rest.length === 0 && /^\d+$/.test(count ?? '') && Number(count) >= min;
  };
}

interface StartOptions {
  mainClass: string;
  args: readonly string[];
  clientId: string;
  /** The line that means "ready"; the client is stopped when it does not come in time. */
  ready: LineMatcher;
  readyTimeoutMs: number;
  /** Removed when the client stops. */
  tempDir?: string;
}

async function startJavaClient(options: StartOptions): Promise<JavaClient> {
  const { libsDir, classesDir } = await ensureJavaClients();
  const started = Date.now();
  const child = spawn(
    javaBinary(),
    [...CLIENT_JVM_OPTS, '-cp', `${join(libsDir, '*')}:${classesDir}`, options.mainClass, ...options.args],
    { cwd: options.tempDir ?? tmpdir(), stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve());
  });
  killOnExit(child);

  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of waiters) waiter();
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    notify();
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > STDERR_LINES) stderr.shift();
  });
  child.stdin.on('error', () => undefined); // EPIPE when the JVM is already gone
  let exitCode: number | string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      notify();
      resolve();
    });
  });
  // The event loop is not held open by the client; waits hold it with their own timers.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as { unref?: () => void }).unref?.();

  const describe = (): string =>
    `${options.mainClass} (pid ${child.pid ?? '?'}, client.id ${options.clientId})\n` +
    `stdout:\n${lines.join('\n')}\nstderr (last lines):\n${stderr.slice(-40).join('\n')}`;

  const waitForLine = (match: LineMatcher, timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const test = typeof match === 'function' ? match : (line: string): boolean => match.test(line);
      const pattern = typeof match === 'function' ? 'the expected line' : String(match);
      const check = (): void => {
        const found = lines.find(test);
        if (found !== undefined) finish(() => resolve(found));
        else if (exitCode !== null)
          finish(() => reject(new Error(`${pattern} never came: exited with ${exitCode}: ${describe()}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${pattern} not printed within ${timeoutMs} ms: ${describe()}`))),
        timeoutMs,
      );
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitCode === null) {
        child.stdin.end();
        const timer = setTimeout(() => killNow(child.pid), STOP_GRACE_MS);
        timer.unref();
        await exited;
        clearTimeout(timer);
      }
      if (options.tempDir) await rm(options.tempDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await waitForLine(options.ready, options.readyTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid ?? -1,
    clientId: options.clientId,
    readyAfterMs: Date.now() - started,
    lines,
    waitForLine,
    stop,
  };
}

/** Options of {@link startShareConsumer}. */
export interface ShareConsumerOptions {
  /** `host:port` of a broker. */
  bootstrap: string;
  /** Share group id; its `share.auto.offset.reset` is set to `earliest` first. */
  groupId: string;
  topic: string;
  clientId: string;
  /** Resolves once at least this many records were accepted and the acknowledgements committed. */
  acceptRecords: number;
  /** Default {@link DEFAULT_READY_TIMEOUT_MS}. */
  readyTimeoutMs?: number;
}

/**
 * Starts a share-group member (test/support/java/ShareConsume.java): it sets the group's
 * `share.auto.offset.reset=earliest`, subscribes to `topic`, ACCEPTs every record it gets (explicit
 * acknowledgement, `commitSync` after each poll), and stays in the group until stopped.
 * @returns once it printed `ACKED <n>` with n ≥ `acceptRecords`. It prints `ACKED <total>` again after
 *   each later acknowledgement commit; wait for those with `waitForLine(countAtLeast('ACKED', n))`.
 * @throws Error (with the client's output) when it exits or is not ready in time; it is stopped first.
 */
export function startShareConsumer(options: ShareConsumerOptions): Promise<JavaClient> {
  return startJavaClient({
    mainClass: 'ShareConsume',
    args: [
      options.bootstrap,
      options.groupId,
      options.topic,
      options.clientId,
      String(options.acceptRecords),
    ],
    clientId: options.clientId,
    ready: countAtLeast('ACKED', options.acceptRecords),
    readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
  });
}

/** Options of {@link startStreamsApp}. */
export interface StreamsAppOptions {
  bootstrap: string;
  /** `application.id`: the streams group id. */
  applicationId: string;
  sourceTopic: string;
  /** Streams `client.id`; its members' client ids are `<clientId>-StreamThread-1-consumer`. */
  clientId: string;
  /** Resolves once at least this many records went through the topology. */
  processRecords: number;
  readyTimeoutMs?: number;
}

/**
 * Starts a Kafka Streams application (test/support/java/StreamsApp.java) with `group.protocol=streams`:
 * one stateless sub-topology reading `sourceTopic` from the earliest offset, one stream thread, commits
 * every 100 ms. Its state directory is a fresh temporary directory, removed by `stop()`.
 * @returns once it printed `PROCESSED <n>` with n ≥ `processRecords`.
 * @throws Error (with the client's output) when it exits or is not ready in time; it is stopped first.
 */
export async function startStreamsApp(options: StreamsAppOptions): Promise<JavaClient> {
  const stateDir = await mkdtemp(join(tmpdir(), 'lagwatch-streams-'));
  const starting = startJavaClient({
    mainClass: 'StreamsApp',
    args: [
      options.bootstrap,
      options.applicationId,
      options.sourceTopic,
      options.clientId,
      stateDir,
      String(options.processRecords),
    ],
    clientId: options.clientId,
    ready: countAtLeast('PROCESSED', options.processRecords),
    readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    tempDir: stateDir,
  });
  // A failed start removed the directory already, unless the JVM never spawned (e.g. javac failed).
  return starting.catch(async (error: unknown) => {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  });
}
