/**
 * The running exporter: one poller per cluster, the cached exposition re-rendered after every poll,
 * the self metrics, and the HTTP server. src/cli.ts starts it; integration tests start it in-process.
 */
import type { AddressInfo } from 'node:net';
import { analyzeCluster } from './analyze/analyze.js';
import { expiredEmptyGroups, trackEmptyGroups, type EmptySince } from './analyze/empty-groups.js';
import { History } from './analyze/history.js';
import type { ClusterAnalysis } from './analyze/types.js';
import { ClusterPoller, type PollOutcome } from './collect/poller.js';
import type { ClusterSnapshot } from './collect/snapshot.js';
import type { ClusterConfig, Config } from './config/index.js';
import { lagwatchVersion } from './config/index.js';
import { emptyExposition, prepareExposition, type PreparedExposition } from './http/exposition.js';
import { createServer, type MetricsServer } from './http/server.js';
import { createKafkaAdmin } from './kafka/index.js';
import type { Logger } from './log.js';
import { renderKafkaMetrics } from './metrics/render.js';
import { SelfMetrics } from './metrics/self.js';

export interface Exporter {
  /** The address the HTTP server listens on. */
  readonly address: AddressInfo;
  /** One poller per configured cluster, in configuration order. */
  readonly pollers: readonly ClusterPoller[];
  /** Stops the pollers and the HTTP server; resolves when everything is closed. */
  stop(): Promise<void>;
}

interface ClusterState {
  readonly config: ClusterConfig;
  readonly poller: ClusterPoller;
  /** Past observations for time-lag estimates and status; only successful polls are recorded. */
  readonly history: History;
  /** The last successful snapshot and its analysis; kept and served when later polls fail. */
  snapshot: ClusterSnapshot | null;
  analysis: ClusterAnalysis | null;
  emptySince: EmptySince;
  /** The `kafka_cluster` value the self metrics currently use for this cluster. */
  label: string;
}

/**
 * Starts polling every cluster of `config` and serving /metrics.
 * @throws the listen error (e.g. EADDRINUSE) when the HTTP server cannot bind; pollers are stopped then.
 */
export async function startExporter(config: Config, logger: Logger): Promise<Exporter> {
  // No revision is known at run time from an npm install; `unknown` rather than a guess.
  const self = new SelfMetrics({ version: lagwatchVersion(), revision: 'unknown' });
  const states: ClusterState[] = [];
  let exposition: PreparedExposition = emptyExposition;

  const onPoll = (state: ClusterState, outcome: PollOutcome): void => {
    if (outcome.cluster !== state.label) {
      self.removeCluster(state.label);
      state.label = outcome.cluster;
    }
    const errors = outcome.snapshot?.errors ?? [];
    self.recordPoll(outcome.cluster, {
      ok: outcome.snapshot !== null,
      durationSeconds: outcome.durationSeconds,
      finishedAt: outcome.finishedAt,
      errors: outcome.error ? [...errors, outcome.error] : errors,
      requestDeltas: outcome.requests,
    });
    const log = logger.child({ kafka_cluster: outcome.cluster });
    const snapshot = outcome.snapshot;
    if (outcome.error || !snapshot) {
      log.warn(
        { err: outcome.error?.message, kind: outcome.error?.kind },
        'poll failed; serving the last snapshot',
      );
      return;
    }
    state.history.record(snapshot);
    state.snapshot = snapshot;
    state.analysis = analyzeCluster(snapshot, state.history, {
      now: outcome.finishedAt,
      timeLagMode: state.config.timeLagMode,
      allowedLag: state.config.statusAllowedLag,
    });
    state.emptySince = trackEmptyGroups(state.emptySince, snapshot);
    for (const e of errors)
      log.debug({ kind: e.kind, subject: e.subject, error: e.error.name }, e.error.message);
    log.debug(
      {
        seconds: outcome.durationSeconds,
        requests: Object.fromEntries(outcome.requests),
        item_errors: errors.length,
      },
      'poll done',
    );
    exposition = render(states, outcome.finishedAt, logger) ?? exposition;
  };

  for (const cluster of config.clusters) {
    const admin = createKafkaAdmin(cluster.client, {
      brokers: cluster.brokers,
      clientId: 'lagwatch',
      requestTimeoutMs: cluster.requestTimeoutMs,
      ...(cluster.tls ? { tls: cluster.tls } : {}),
      ...(cluster.sasl ? { sasl: cluster.sasl } : {}),
    });
    const state: ClusterState = {
      config: cluster,
      history: new History({
        windowSize: cluster.statusWindow,
        tableCapacity: cluster.lagHistorySize,
        minDistanceMs: cluster.statusMinDistanceMs,
      }),
      snapshot: null,
      analysis: null,
      emptySince: new Map(),
      label: '',
      poller: new ClusterPoller({
        admin,
        filter: cluster,
        name: cluster.name,
        brokers: cluster.brokers,
        intervalMs: cluster.pollIntervalMs,
        timeoutMs: cluster.pollTimeoutMs,
        timeLagMode: cluster.timeLagMode,
        now: Date.now,
        onPoll: (outcome) => onPoll(state, outcome),
      }),
    };
    state.label = state.poller.cluster;
    self.addCluster(state.label);
    states.push(state);
  }

  const server: MetricsServer = createServer({
    telemetryPath: config.web.telemetryPath,
    metrics: () => exposition,
    selfRegistry: self.registry,
    readiness: () => {
      const pending = states.filter((s) => s.snapshot === null).map((s) => s.label);
      return { ready: pending.length === 0, pending };
    },
    logger,
  });
  let address: AddressInfo;
  try {
    address = await server.listen(config.web.host ?? '::', config.web.port);
  } catch (error) {
    await Promise.all(states.map((s) => s.poller.stop()));
    throw error;
  }
  for (const s of states) s.poller.start();
  logger.info(
    { address: `${address.address}:${address.port}`, clusters: states.map((s) => s.label) },
    'lagwatch started',
  );

  return {
    address,
    pollers: states.map((s) => s.poller),
    async stop() {
      await Promise.all([server.close(), ...states.map((s) => s.poller.stop())]);
    },
  };
}

/**
 * Renders the last good snapshot of every cluster into one exposition. Returns null, keeping the previous
 * exposition, if rendering throws (e.g. two clusters resolve to the same `kafka_cluster` value).
 */
function render(states: readonly ClusterState[], now: number, logger: Logger): PreparedExposition | null {
  try {
    return prepareExposition(
      renderKafkaMetrics(
        states.flatMap(({ snapshot, analysis, config, emptySince }) =>
          snapshot && analysis
            ? [
                {
                  snapshot,
                  analysis,
                  constLabels: config.labels,
                  options: {
                    groupMetricsGranularity: config.groupMetricsGranularity,
                    disabledMetrics: config.disabledMetrics,
                    excludedGroups: expiredEmptyGroups(emptySince, now, config.groupEmptyMaxAgeMs),
                  },
                },
              ]
            : [],
        ),
      ),
    );
  } catch (error) {
    logger.error({ err: error instanceof Error ? error.message : String(error) }, 'rendering metrics failed');
    return null;
  }
}
