/**
 * The jars of a real Apache Kafka broker, fetched once with Maven into a git-ignored cache.
 *
 * `test/support/kafka/pom.xml` pins Kafka and log4j2; `mvn package` copies the runtime dependencies into
 * `.cache/kafka-<version>/libs`. A marker file (holding a hash of the pom) is written after a successful
 * copy, so a half-done copy or an edited pom is fetched again. A lock directory keeps parallel test runs in
 * the same tree from fetching at the same time.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The Kafka release the test broker runs (must match `kafka.version` in the pom). */
export const KAFKA_VERSION = '4.3.1';

/** Absolute path of the repository root (ends without a separator). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Directory with the pom and the log4j2 configuration of the test broker. */
export const KAFKA_SUPPORT_DIR = join(REPO_ROOT, 'test', 'support', 'kafka');

const POM = join(KAFKA_SUPPORT_DIR, 'pom.xml');
const CACHE_DIR = join(REPO_ROOT, '.cache', `kafka-${KAFKA_VERSION}`);
const LIBS_DIR = join(CACHE_DIR, 'libs');
const MARKER = join(CACHE_DIR, 'libs.complete');
const LOCK_DIR = join(CACHE_DIR, 'lock');
/** Upper bound for a whole Maven download (slow mirrors), in ms. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const LOCK_POLL_MS = 500;

/**
 * Makes sure the Kafka broker jars are present and returns the directory holding them.
 *
 * The first call in a fresh checkout runs `mvn -B -q -f test/support/kafka/pom.xml package` (about 40 s with
 * an empty `~/.m2`) and prints progress to stderr; later calls only read the marker file.
 *
 * @returns absolute path of the libs directory, for a Java classpath `<dir>/*`.
 * @throws Error when Maven is missing or fails (the error carries Maven's output), when the copy is empty,
 *   or when another process holds the download lock for longer than 10 minutes.
 */
export async function ensureKafkaJars(): Promise<string> {
  const pomHash = await hashPom();
  if (await isComplete(pomHash)) return LIBS_DIR;
  await mkdir(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + DOWNLOAD_TIMEOUT_MS;
  for (;;) {
    if (await tryLock()) break;
    if (await isComplete(pomHash)) return LIBS_DIR;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for the Kafka jar download lock ${LOCK_DIR}`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    // Another process may have finished between our check and taking the lock.
    if (await isComplete(pomHash)) return LIBS_DIR;
    await download(pomHash);
    return LIBS_DIR;
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

async function hashPom(): Promise<string> {
  return createHash('sha256')
    .update(await readFile(POM))
    .digest('hex');
}

async function isComplete(pomHash: string): Promise<boolean> {
  try {
    return (await readFile(MARKER, 'utf8')).trim() === pomHash;
  } catch {
    return false;
  }
}

/** Takes the download lock (an atomic mkdir holding the owner pid); breaks a lock whose owner is dead. */
async function tryLock(): Promise<boolean> {
  try {
    await mkdir(LOCK_DIR);
    await writeFile(join(LOCK_DIR, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number(await readFile(join(LOCK_DIR, 'pid'), 'utf8').catch(() => ''));
  const lockAgeMs = await stat(LOCK_DIR).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  // No pid yet: the owner is between mkdir and writeFile, unless that was long ago.
  const ownerDead = owner > 0 ? !isAlive(owner) : lockAgeMs > 10_000;
  if (ownerDead) await rm(LOCK_DIR, { recursive: true, force: true });
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function download(pomHash: string): Promise<void> {
  const started = Date.now();
  const staging = `${LIBS_DIR}.tmp-${process.pid}`;
  await rm(MARKER, { force: true });
  await rm(staging, { recursive: true, force: true });
  process.stderr.write(
    `lagwatch: fetching Kafka ${KAFKA_VERSION} jars with Maven into ${relative(REPO_ROOT, LIBS_DIR)} ` +
      `(first run only; ~45 MB)...\n`,
  );
  try {
    await execFileAsync('mvn', ['-B', '-q', '-f', POM, 'package', `-DkafkaLibs=${staging}`], {
      timeout: DOWNLOAD_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `fetching the Kafka jars failed (is Maven installed and Maven Central reachable?): ${message}\n` +
        `${stdout ?? ''}${stderr ?? ''}`,
      { cause: error },
    );
  }
  const jars = (await readdir(staging)).filter((name) => name.endsWith('.jar'));
  if (!jars.some((name) => name.startsWith('kafka_2.13-'))) {
    throw new Error(`Maven finished but ${staging} holds no kafka_2.13 jar (${jars.length} jars)`);
  }
  await rm(LIBS_DIR, { recursive: true, force: true });
  await rename(staging, LIBS_DIR);
  await writeFile(MARKER, `${pomHash}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`lagwatch: ${jars.length} Kafka jars ready in ${seconds} s\n`);
}
