/**
 * A real Apache Kafka broker (KRaft, jars from Maven Central, no Docker) for integration tests,
 * `npm run kafka` and `npm run demo`.
 *
 * ```ts
 * const kafka = await startKafka({ nodes: 3 });
 * // ... kafka.brokers is ['127.0.0.1:41234', ...]
 * await kafka.stopNode(2); // under-replicated partitions, moved leaders
 * await kafka.stop();      // JVMs gone, data removed
 * ```
 *
 * Each node is a combined broker+controller on free loopback ports; three nodes form a static quorum.
 * Non-detached clusters live in a temp dir and are SIGKILLed when the Node process exits. A detached
 * cluster (for people) lives in `.cache/kafka-run/` with its state in `.cache/kafka-run/state.json`.
 */
import { Admin } from '@platformatic/kafka';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BROKER_HOST,
  pickFreePorts,
  randomClusterId,
  renderServerProperties,
  type NodeLayout,
} from './broker-config.js';
import { logTail, readLogSince, runJavaTool, spawnJvm, stopJvm, type JvmHandle } from './jvm-process.js';
import { ensureKafkaJars, REPO_ROOT } from './kafka-jars.js';
import { commandLine, isRunning } from './owned-processes.js';

export { ensureKafkaJars } from './kafka-jars.js';

/** A running test cluster. All addresses are `host:port` strings on 127.0.0.1. */
export interface KafkaTestCluster {
  /** Bootstrap address (`host:port`) of node 1. */
  bootstrap: string;
  /** Client listener (`host:port`) of every node, node 1 first; use all of them when stopping nodes. */
  brokers: string[];
  /** Number of nodes (1 or 3); node ids are 1..nodes. */
  nodes: number;
  /** The Kafka cluster id (22-character base64url). */
  clusterId: string;
  /** Run directory: per node `node-<id>/` with server.properties, server.log and data/. Removed by stop(). */
  dataDir: string;
  /**
   * Stops every node (SIGTERM, SIGKILL after 15 s), waits for the exits and removes {@link dataDir}
   * (and, when detached, the state file). Idempotent.
   */
  stop(): Promise<void>;
  /**
   * Stops one node (SIGTERM, SIGKILL after 15 s). When the remaining nodes still form a quorum majority,
   * also waits (up to 30 s) until their Metadata no longer lists the node.
   * @throws Error for an unknown node id, or when Metadata still lists the node after 30 s.
   */
  stopNode(nodeId: number): Promise<void>;
  /**
   * Starts a stopped node again (same ports and data) and waits until it logged `Kafka Server started` and
   * Metadata lists it. No-op when it runs.
   * @throws Error for an unknown node id, or when the node is not ready within 90 s (with its log tail).
   */
  startNode(nodeId: number): Promise<void>;
  /** Pid of the node's JVM, or undefined while the node is stopped. */
  pidOf(nodeId: number): number | undefined;
  /** Path of the node's log file (stdout and stderr of its JVM). */
  logFile(nodeId: number): string;
}

/** Options of {@link startKafka}. */
export interface StartKafkaOptions {
  /** 1 (default): a single combined node, RF 1. 3: a three-node quorum, RF 3, min ISR 2. */
  nodes?: 1 | 3;
  /** Extra `server.properties` entries for every node; they override the harness defaults. */
  extraProperties?: Record<string, string>;
  /**
   * false (default): JVMs belong to this process (killed on exit), run dir in the OS temp dir.
   * true: JVMs outlive this process, run dir `.cache/kafka-run/`, state in `.cache/kafka-run/state.json`.
   */
  detached?: boolean;
  /** Start-up deadline in ms; default 90 000. */
  readyTimeoutMs?: number;
}

/** What Metadata (API 3) says about the cluster. */
export interface ClusterSummary {
  clusterId: string;
  /** Controller id as Metadata reports it (KRaft reports a live broker id); -1 when none. */
  controllerId: number;
  /** Ids of the registered, unfenced brokers, ascending. */
  brokerIds: number[];
}

/** `.cache/kafka-run/state.json`: the detached cluster started by `npm run kafka -- start`. */
export interface DetachedKafkaState {
  version: 1;
  clusterId: string;
  bootstrap: string;
  brokers: string[];
  runDir: string;
  /** ISO 8601 time the cluster became ready. */
  startedAt: string;
  nodes: {
    nodeId: number;
    pid: number | null;
    brokerPort: number;
    controllerPort: number;
    nodeDir: string;
  }[];
}

/** Thrown by {@link startKafka} with `detached: true` when `.cache/kafka-run` holds a live cluster. */
export class KafkaAlreadyRunningError extends Error {
  constructor(readonly state: DetachedKafkaState | undefined) {
    super(
      state
        ? `a Kafka cluster is already running at ${state.bootstrap} (pids ${state.nodes.map((n) => n.pid).join(', ')})`
        : 'a Kafka cluster is being started in .cache/kafka-run by another process',
    );
  }
}

/** Run directory of the detached cluster. */
export const DETACHED_RUN_DIR = join(REPO_ROOT, '.cache', 'kafka-run');
const STATE_FILE = join(DETACHED_RUN_DIR, 'state.json');
const READY_LINE = 'Kafka Server started';
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const POLL_MS = 100;
const START_ATTEMPTS = 3;

interface NodeState {
  layout: NodeLayout;
  handle: JvmHandle | undefined;
}

/** A start-up failure; `bindFailure` marks a lost race for a pre-picked port (worth a retry). */
class StartupError extends Error {
  constructor(
    message: string,
    readonly bindFailure: boolean,
  ) {
    super(message);
  }
}

/**
 * Starts a KRaft cluster of 1 or 3 nodes and resolves when every node logged `Kafka Server started` and
 * Metadata lists all brokers and a controller. Fetches the jars first when needed (see ensureKafkaJars).
 * Retries up to 3 times when a pre-picked port was taken meanwhile.
 * @throws KafkaAlreadyRunningError (detached only) when a detached cluster is already running.
 * @throws Error when formatting fails or the cluster is not ready within `readyTimeoutMs` (message holds
 *   the last log lines of every node); everything started is stopped and removed first.
 */
export async function startKafka(opts: StartKafkaOptions = {}): Promise<KafkaTestCluster> {
  const nodeCount = opts.nodes ?? 1;
  const detached = opts.detached ?? false;
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const libsDir = await ensureKafkaJars();
  const runDir = detached ? await claimDetachedRunDir() : await mkdtemp(join(tmpdir(), 'lagwatch-kafka-'));
  const clusterId = randomClusterId();
  const nodes = new Map<number, NodeState>();

  for (let attempt = 1; ; attempt++) {
    try {
      const ports = await pickFreePorts(2 * nodeCount);
      const layouts = Array.from({ length: nodeCount }, (_, i) => ({
        nodeId: i + 1,
        brokerPort: ports[2 * i] ?? 0,
        controllerPort: ports[2 * i + 1] ?? 0,
        nodeDir: join(runDir, `node-${i + 1}`),
      }));
      await Promise.all(
        layouts.map((layout) => formatNode(libsDir, clusterId, layout, layouts, opts.extraProperties ?? {})),
      );
      for (const layout of layouts) nodes.set(layout.nodeId, { layout, handle: undefined });
      for (const node of nodes.values())
        node.handle = await spawnNode(libsDir, node.layout, runDir, detached);
      if (detached) await writeState(clusterId, runDir, nodes, '');
      await waitReady([...nodes.values()], Date.now() + readyTimeoutMs);
      break;
    } catch (error) {
      await Promise.all(
        [...nodes.values()].map((node) => (node.handle ? stopJvm(node.handle, 0) : undefined)),
      );
      nodes.clear();
      if (error instanceof StartupError && error.bindFailure && attempt < START_ATTEMPTS) continue;
      await rm(runDir, { recursive: true, force: true });
      throw error;
    }
  }
  if (detached) await writeState(clusterId, runDir, nodes, new Date().toISOString());
  return makeCluster({ clusterId, runDir, nodes, libsDir, detached });
}

/**
 * Reads `.cache/kafka-run/state.json`.
 * @returns the state, or undefined when there is no state file.
 * @throws Error when the file exists but is not valid JSON.
 */
export async function readDetachedState(): Promise<DetachedKafkaState | undefined> {
  let text: string;
  try {
    text = await readFile(STATE_FILE, 'utf8');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as DetachedKafkaState;
}

/**
 * Pids of the detached cluster's JVMs that still run (a pid counts only while its command line names the
 * node's directory, so a reused pid is never taken for ours).
 */
export function runningDetachedPids(state: DetachedKafkaState): number[] {
  return state.nodes.flatMap((node) =>
    node.pid !== null && commandLine(node.pid)?.includes(node.nodeDir) ? [node.pid] : [],
  );
}

/**
 * Stops the detached cluster recorded in `.cache/kafka-run/state.json` (from any process): SIGTERM to its
 * JVMs, SIGKILL after 15 s, then removes `.cache/kafka-run`.
 * @returns the state of the cluster that was stopped, or undefined when no state file existed (a stale
 *   run dir is removed all the same).
 */
export async function stopDetachedKafka(): Promise<DetachedKafkaState | undefined> {
  const state = await readDetachedState();
  if (state) {
    const live = runningDetachedPids(state);
    await Promise.all(live.map((pid) => stopJvm({ pid, logFile: '', logOffset: 0 })));
  }
  await rm(DETACHED_RUN_DIR, { recursive: true, force: true });
  return state;
}

/**
 * Asks the cluster for Metadata (no topics) through a short-lived admin client.
 * @param brokers bootstrap addresses (`host:port`); the first reachable one answers.
 * @param timeoutMs connect and request timeout in ms (no retries).
 * @throws Error when no broker answers.
 */
export async function describeCluster(
  brokers: readonly string[],
  timeoutMs = 2_000,
): Promise<ClusterSummary> {
  const admin = new Admin({
    clientId: 'lagwatch-test-harness',
    bootstrapBrokers: [...brokers],
    retries: 0,
    connectTimeout: timeoutMs,
    timeout: timeoutMs,
    requestTimeout: timeoutMs,
  });
  try {
    const metadata = await admin.metadata({ topics: [], forceUpdate: true });
    return {
      clusterId: metadata.id,
      controllerId: metadata.controllerId,
      brokerIds: [...metadata.brokers.keys()].sort((a, b) => a - b),
    };
  } finally {
    await admin.close().catch(() => undefined);
  }
}

async function formatNode(
  libsDir: string,
  clusterId: string,
  layout: NodeLayout,
  all: readonly NodeLayout[],
  extra: Readonly<Record<string, string>>,
): Promise<void> {
  await rm(layout.nodeDir, { recursive: true, force: true });
  await mkdir(join(layout.nodeDir, 'data'), { recursive: true });
  const propsFile = join(layout.nodeDir, 'server.properties');
  await writeFile(propsFile, renderServerProperties(layout, all, extra));
  // share.version=1 (KIP-932 share groups) is already the default on 4.3; stated so the fixture is explicit.
  await runJavaTool(libsDir, 'kafka.tools.StorageTool', [
    'format',
    '--cluster-id',
    clusterId,
    '--config',
    propsFile,
    '--ignore-formatted',
    '--feature',
    'share.version=1',
  ]);
}

function spawnNode(
  libsDir: string,
  layout: NodeLayout,
  runDir: string,
  detached: boolean,
): Promise<JvmHandle> {
  return spawnJvm({
    libsDir,
    mainClass: 'kafka.Kafka',
    args: [join(layout.nodeDir, 'server.properties')],
    cwd: layout.nodeDir,
    logFile: join(layout.nodeDir, 'server.log'),
    detached,
    runDir,
  });
}

const address = (layout: NodeLayout): string => `${BROKER_HOST}:${layout.brokerPort}`;

/**
 * Polls until every given node runs and logged the ready line since its spawn, and Metadata from the
 * running nodes lists exactly the running node ids and a controller.
 */
async function waitReady(all: readonly NodeState[], deadline: number): Promise<void> {
  let lastProblem = 'no node has logged "Kafka Server started" yet';
  for (;;) {
    const running = all.filter((node) => node.handle && isRunning(node.handle));
    for (const node of all) {
      if (node.handle && !isRunning(node.handle)) {
        const tail = logTail(node.handle);
        throw new StartupError(
          `Kafka node ${node.layout.nodeId} exited during start-up; last log lines:\n${tail}`,
          /BindException|Address already in use/.test(tail),
        );
      }
    }
    const started = running.every((node) => node.handle && readLogSince(node.handle).includes(READY_LINE));
    if (started) {
      try {
        const summary = await describeCluster(running.map((node) => address(node.layout)));
        const expected = running.map((node) => node.layout.nodeId).sort((a, b) => a - b);
        if (summary.controllerId >= 0 && summary.brokerIds.join(',') === expected.join(',')) return;
        lastProblem = `Metadata lists brokers [${summary.brokerIds.join(', ')}] (want [${expected.join(', ')}]), controller ${summary.controllerId}`;
      } catch (error) {
        lastProblem = `Metadata request failed: ${(error as Error).message}`;
      }
    }
    if (Date.now() > deadline) {
      const tails = all
        .map(
          (node) =>
            `--- node ${node.layout.nodeId} (${node.layout.nodeDir}):\n${node.handle ? logTail(node.handle) : ''}`,
        )
        .join('\n');
      throw new StartupError(`Kafka was not ready in time: ${lastProblem}\n${tails}`, false);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Creates `.cache/kafka-run` atomically, or throws KafkaAlreadyRunningError; removes a stale one. */
async function claimDetachedRunDir(): Promise<string> {
  await mkdir(join(REPO_ROOT, '.cache'), { recursive: true });
  for (;;) {
    try {
      await mkdir(DETACHED_RUN_DIR);
      return DETACHED_RUN_DIR;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const state = await readDetachedState().catch(() => undefined);
    if (state && runningDetachedPids(state).length > 0) throw new KafkaAlreadyRunningError(state);
    // No state yet: another process may be formatting right now (a few seconds); a stale dir is older.
    const ageMs = Date.now() - (await stat(DETACHED_RUN_DIR)).mtimeMs;
    if (!state && ageMs < DEFAULT_READY_TIMEOUT_MS + 30_000) throw new KafkaAlreadyRunningError(undefined);
    await rm(DETACHED_RUN_DIR, { recursive: true, force: true });
  }
}

async function writeState(
  clusterId: string,
  runDir: string,
  nodes: ReadonlyMap<number, NodeState>,
  startedAt: string,
): Promise<void> {
  const layouts = [...nodes.values()].map((node) => node.layout);
  const state: DetachedKafkaState = {
    version: 1,
    clusterId,
    bootstrap: layouts[0] ? address(layouts[0]) : '',
    brokers: layouts.map(address),
    runDir,
    startedAt,
    nodes: [...nodes.values()].map(({ layout, handle }) => ({
      nodeId: layout.nodeId,
      pid: handle && isRunning(handle) ? handle.pid : null,
      brokerPort: layout.brokerPort,
      controllerPort: layout.controllerPort,
      nodeDir: layout.nodeDir,
    })),
  };
  await writeFile(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

interface ClusterParts {
  clusterId: string;
  runDir: string;
  nodes: Map<number, NodeState>;
  libsDir: string;
  detached: boolean;
}

function makeCluster({ clusterId, runDir, nodes, libsDir, detached }: ClusterParts): KafkaTestCluster {
  const layouts = [...nodes.values()].map((node) => node.layout);
  const brokers = layouts.map(address);
  let stopped = false;
  const nodeOf = (nodeId: number): NodeState => {
    const node = nodes.get(nodeId);
    if (!node) throw new Error(`no Kafka node ${nodeId} (nodes are 1..${nodes.size})`);
    return node;
  };
  const runningNodes = (): NodeState[] => [...nodes.values()].filter((n) => n.handle && isRunning(n.handle));
  const saveState = async (): Promise<void> => {
    if (detached) await writeState(clusterId, runDir, nodes, new Date().toISOString());
  };

  return {
    bootstrap: brokers[0] ?? '',
    brokers,
    nodes: nodes.size,
    clusterId,
    dataDir: runDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([...nodes.values()].map((node) => (node.handle ? stopJvm(node.handle) : undefined)));
      await rm(runDir, { recursive: true, force: true });
    },
    async stopNode(nodeId) {
      const node = nodeOf(nodeId);
      if (node.handle) await stopJvm(node.handle);
      node.handle = undefined;
      await saveState();
      const rest = runningNodes();
      if (rest.length <= nodes.size / 2) return;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const listed = await describeCluster(rest.map((n) => address(n.layout))).then(
          (summary) => summary.brokerIds.includes(nodeId),
          () => true,
        );
        if (!listed) return;
        if (Date.now() > deadline) throw new Error(`Metadata still lists stopped node ${nodeId} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async startNode(nodeId) {
      const node = nodeOf(nodeId);
      if (stopped) throw new Error('the cluster was stopped');
      if (node.handle && isRunning(node.handle)) return;
      node.handle = await spawnNode(libsDir, node.layout, runDir, detached);
      await saveState();
      try {
        await waitReady(runningNodes(), Date.now() + DEFAULT_READY_TIMEOUT_MS);
      } catch (error) {
        await stopJvm(node.handle, 0);
        node.handle = undefined;
        throw error;
      }
    },
    pidOf(nodeId) {
      const handle = nodeOf(nodeId).handle;
      return handle && isRunning(handle) ? handle.pid : undefined;
    },
    logFile(nodeId) {
      return join(nodeOf(nodeId).layout.nodeDir, 'server.log');
    },
  };
}
