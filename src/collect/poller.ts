/**
 * The poller loop of one cluster: polls on its own interval with a deadline per poll, and reports each
 * outcome. One ClusterPoller per cluster; its failures never reach another cluster or the process.
 */
import type { KafkaAdminPort } from '../kafka/port.js';
import type { ExportFilter } from './filter.js';
import { pollCluster, PollStepError } from './poll.js';
import type { ClusterSnapshot } from './snapshot.js';
import { RecordTimestampCache } from './timestamp-cache.js';

/** What one poll produced. */
export interface PollOutcome {
  /** The `kafka_cluster` label value this poll was reported under. */
  readonly cluster: string;
  /** The snapshot, or null when the poll failed (then `error` says why). */
  readonly snapshot: ClusterSnapshot | null;
  readonly error: PollStepError | null;
  /** Wall-clock duration of the poll, seconds. */
  readonly durationSeconds: number;
  /** When the poll ended, milliseconds since the Unix epoch. */
  readonly finishedAt: number;
  /** Kafka requests sent during this poll, by Kafka API name. */
  readonly requests: ReadonlyMap<string, number>;
}

export interface PollerOptions {
  admin: KafkaAdminPort;
  filter: ExportFilter;
  /** Configured `kafka_cluster` label value; when absent the cluster id is used once known. */
  name: string | undefined;
  /** Bootstrap brokers; the label value until the cluster id is known, when no name is configured. */
  brokers: string[];
  /** Time between poll starts, milliseconds. */
  intervalMs: number;
  /** Deadline of one poll, milliseconds. */
  timeoutMs: number;
  /** `exact`: fetch the timestamps of records at lagging committed offsets; `estimate`: fetch none. */
  timeLagMode: 'exact' | 'estimate';
  /** Milliseconds since the Unix epoch. */
  now: () => number;
  onPoll: (outcome: PollOutcome) => void;
}

export class ClusterPoller {
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<PollOutcome> | undefined;
  #stopped = false;
  #clusterId: string | undefined;
  readonly #timestamps = new RecordTimestampCache();

  constructor(private readonly options: PollerOptions) {}

  /** The `kafka_cluster` label value: the configured name, else the cluster id, else the bootstrap list. */
  get cluster(): string {
    return this.options.name ?? this.#clusterId ?? this.options.brokers.join(',');
  }

  /** Starts polling now and then every interval (measured from poll start; an overrunning poll delays the next). */
  start(): void {
    const loop = async (): Promise<void> => {
      const started = this.options.now();
      await this.pollOnce();
      if (this.#stopped) return;
      const wait = Math.max(0, this.options.intervalMs - (this.options.now() - started));
      this.#timer = setTimeout(() => void loop(), wait);
    };
    void loop();
  }

  /** Runs one poll with the deadline and reports its outcome through `onPoll`. Never throws. */
  pollOnce(): Promise<PollOutcome> {
    this.#inFlight ??= this.#poll().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  /** Stops the loop, waits for a poll in flight, and closes the Kafka client. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
    await this.options.admin.close();
  }

  async #poll(): Promise<PollOutcome> {
    const { admin, filter, name, timeoutMs, timeLagMode, now } = this.options;
    const before = new Map(admin.requestCounts());
    const started = now();
    let snapshot: ClusterSnapshot | null = null;
    let error: PollStepError | null = null;
    let deadline: NodeJS.Timeout | undefined;
    try {
      snapshot = await Promise.race([
        pollCluster({
          admin,
          filter,
          clusterName: name,
          observedAt: started,
          timeLagMode,
          timestamps: this.#timestamps,
        }),
        new Promise<never>((_, reject) => {
          deadline = setTimeout(
            () => reject(new PollStepError('timeout', new Error(`poll exceeded ${timeoutMs} ms`))),
            timeoutMs,
          );
        }),
      ]);
      this.#clusterId = snapshot.clusterId;
    } catch (e) {
      error = e instanceof PollStepError ? e : new PollStepError('metadata', e);
    } finally {
      clearTimeout(deadline);
    }
    const finishedAt = now();
    const outcome: PollOutcome = {
      cluster: snapshot?.cluster ?? this.cluster,
      snapshot,
      error,
      durationSeconds: (finishedAt - started) / 1000,
      finishedAt,
      requests: countDelta(before, admin.requestCounts()),
    };
    this.options.onPoll(outcome);
    return outcome;
  }
}

function countDelta(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [api, count] of after) {
    const d = count - (before.get(api) ?? 0);
    if (d > 0) delta.set(api, d);
  }
  return delta;
}
