/**
 * The exporter as a child process of the demo: `node --import tsx src/cli.ts ...`, output to a log file,
 * readiness by polling its /metrics endpoint, stop by SIGTERM (SIGKILL after 10 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A running exporter child. */
export interface DemoExporter {
  /** Base URL of the web endpoint, e.g. `http://127.0.0.1:9308`. */
  readonly url: string;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the child exits. */
  readonly exited: Promise<number | string>;
  /**
   * Resolves once GET /metrics answers 200.
   * @throws Error when the exporter exits first, or after `timeoutMs` (default 30 000 ms).
   */
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the child exited. */
  stop(): Promise<void>;
  /** The last `lines` lines of the exporter's log. */
  tail(lines?: number): string;
}

/** Path of the exporter entry point, relative to the repository root. */
export const EXPORTER_ENTRY = 'src/cli.ts';

/**
 * Spawns the exporter against `bootstrap`, listening on `listenAddress` (`host:port`), polling every 5 s.
 * @param repoRoot repository root (the child's working directory).
 * @param logFile file receiving the exporter's stdout and stderr.
 * @throws Error when src/cli.ts does not exist or node cannot be spawned.
 */
export async function spawnExporter(
  repoRoot: string,
  bootstrap: string,
  listenAddress: string,
  logFile: string,
): Promise<DemoExporter> {
  if (!existsSync(join(repoRoot, EXPORTER_ENTRY))) throw new Error(`${EXPORTER_ENTRY} does not exist yet`);
  const args = [
    '--import',
    'tsx',
    EXPORTER_ENTRY,
    `--kafka.server=${bootstrap}`,
    `--web.listen-address=${listenAddress}`,
    '--poll.interval=5s',
  ];
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // Own process group: Ctrl-C reaches the demo only, which then stops the exporter in order.
    child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', resolve);
  });
  // Dies with the demo even when the demo itself dies abruptly (best effort: 'exit' runs on most exits).
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  let running = true;
  void exited.then(() => (running = false));
  const url = `http://${listenAddress}`;

  return {
    url,
    logFile,
    exited,
    async waitReady(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!running) throw new Error(`the exporter exited (${await exited}) before serving ${url}/metrics`);
        const ok = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) }).then(
          (response) => response.ok,
          () => false,
        );
        if (ok) return;
        if (Date.now() > deadline)
          throw new Error(`the exporter did not serve ${url}/metrics within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    tail(lines = 20) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}
