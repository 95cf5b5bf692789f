/**
 * Lag intelligence end to end on a real Kafka 4.x broker: lag in seconds and Burrow status as /metrics
 * reports them, against what the broker was made to hold (docs/lag-seconds.md).
 *
 * - Exact time lag: records with CreateTime timestamps chosen by the test (600, 300 and 60 s old; Kafka
 *   accepts any past CreateTime by default, `log.message.timestamp.before.max.ms` = Long.MAX_VALUE, and
 *   rejects more than 1 h in the future) and a LogAppendTime topic (the broker's clock during the produce
 *   call). The exported value is the record's age at the poll, so at a scrape it is behind the truth by
 *   less than one poll interval.
 * - Estimated time lag (`--lag.time.mode=estimate`, a second exporter on the same broker): records produced
 *   between polls; the estimate is within the bracketing polls' interval of the true age.
 * - Status (`--status.window=3`, manual polls): a group committing progress is OK; when it stops committing
 *   while records keep arriving, its partition turns STOP (no member) or STALL (a live member holds it) and
 *   the group ERR exactly when Burrow's time rule says so; after it catches up, OK again.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollOutcome } from '../../src/collect/poller.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startExporter, type Exporter } from '../../src/exporter.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import { filter, find, parseExposition, type Sample } from '../support/exposition.js';
import { createRecordWriter, type RecordWriter } from '../support/records.js';
import { createWorkload, waitFor, type Workload } from '../support/workload.js';

let kafka: KafkaTestCluster;
let workload: Workload;
let records: RecordWriter;

beforeAll(async () => {
  kafka = await startKafka();
  workload = createWorkload(kafka.bootstrap);
  records = createRecordWriter(kafka.bootstrap, workload.admin);
});

afterAll(async () => {
  await records?.close();
  await workload?.close();
  await kafka?.stop();
});

async function startOn(flags: string[]): Promise<Exporter> {
  const config = (await loadConfig(
    ['--kafka.server', kafka.bootstrap, '--web.listen-address=127.0.0.1:0', ...flags],
    {},
  )) as Config;
  return startExporter(config, pino({ level: 'silent' }));
}

/** One scrape of /metrics: its samples and the wall-clock time it was sent, ms. */
async function scrape(exporter: Exporter): Promise<{ samples: Sample[]; at: number }> {
  const at = Date.now();
  const response = await fetch(`http://127.0.0.1:${exporter.address.port}/metrics`);
  expect(response.status).toBe(200);
  return { samples: parseExposition(await response.text()), at };
}

/** Runs one poll now (or joins the one in flight) and requires it to succeed. */
async function poll(
  exporter: Exporter,
): Promise<PollOutcome & { snapshot: NonNullable<PollOutcome['snapshot']> }> {
  const outcome = await exporter.pollers[0]!.pollOnce();
  expect(outcome.error).toBeNull();
  expect(outcome.snapshot).not.toBeNull();
  return outcome as PollOutcome & { snapshot: NonNullable<PollOutcome['snapshot']> };
}

/** Resolves `ms` after `since` (pacing polls so that time between them is real, not a wait for a condition). */
async function until(since: number, ms: number): Promise<void> {
  const wait = since + ms - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** The one state of a state set that is 1; fails unless exactly one series of the set is 1 and the rest 0. */
function currentState(
  samples: Sample[],
  name: string,
  labels: Record<string, string>,
  label: string,
): string {
  const series = filter(samples, name, labels);
  expect(series.length, `${name} ${JSON.stringify(labels)} has series`).toBeGreaterThan(0);
  const on = series.filter((s) => s.value === 1);
  expect(
    series.every((s) => s.value === 0 || s.value === 1),
    `${name} values are 0 or 1`,
  ).toBe(true);
  expect(
    on.map((s) => s.labels[label]),
    `exactly one ${name} is 1`,
  ).toHaveLength(1);
  return on[0]!.labels[label]!;
}

describe('lag in seconds on a real broker', () => {
  const POLL_INTERVAL_S = 5;
  const CREATED = 'created-times';
  const APPENDED = 'append-times';
  const ESTIMATED = 'estimated-times';
  let exact: Exporter;
  let estimate: Exporter | undefined;
  /** CreateTime of the records at offsets 0, 1, 2 of every partition of CREATED. */
  let createTimes: number[];
  /** Wall clock just before and just after the produce call to the LogAppendTime topic. */
  let appendWindow: { from: number; to: number };
  /** The poll time the first test's values were computed at. */
  let lastEvaluatedAt = 0;

  /**
   * The poll time (ms) the exposition's time lags were computed at: aging/1's value plus its record's
   * CreateTime (the exporter evaluates every partition at one instant, the end of the poll).
   */
  function evaluationTime(samples: Sample[]): number {
    const labels = { consumergroup: 'aging', topic: CREATED, partition: '1' };
    return find(samples, 'kafka_consumergroup_lag_seconds', labels)!.value * 1000 + createTimes[0]!;
  }

  beforeAll(async () => {
    const now = Date.now();
    createTimes = [now - 600_000, now - 300_000, now - 60_000];
    await records.createTopic(CREATED, 3);
    for (const partition of [0, 1, 2]) {
      expect(await records.produceBatch(CREATED, partition, createTimes)).toBe(0n);
    }
    await records.createTopic(APPENDED, 1, { 'message.timestamp.type': 'LogAppendTime' });
    // The CreateTime the producer sets (30 min back) must be replaced by the broker's append time.
    const from = Date.now();
    expect(await records.produceBatch(APPENDED, 0, [now - 1_800_000, now - 1_800_000])).toBe(0n);
    appendWindow = { from, to: Date.now() };

    // `aging`: 300 s behind on 0, 600 s on 1, caught up on 2. `recent`: 60 s behind. `appender`: LogAppendTime.
    await workload.commit('aging', [
      { topic: CREATED, partition: 0, offset: 1n },
      { topic: CREATED, partition: 1, offset: 0n },
      { topic: CREATED, partition: 2, offset: 3n },
    ]);
    await workload.commit('recent', [{ topic: CREATED, partition: 0, offset: 2n }]);
    await workload.commit('appender', [{ topic: APPENDED, partition: 0, offset: 1n }]);
    // Started after the fixtures: every poll of its own loop (every 5 s) sees them.
    exact = await startOn([`--poll.interval=${POLL_INTERVAL_S}s`]);
  });

  afterAll(async () => {
    await exact?.stop();
    await estimate?.stop();
  });

  it('exact: the age of the record at the committed offset, from its CreateTime, within one poll interval of the scrape', async () => {
    const started = (await poll(exact)).snapshot.observedAt;
    const { samples, at } = await scrape(exact);
    const cluster = { kafka_cluster: kafka.clusterId };
    // The instant each value is the record's age at: one per poll (its end), between our poll and the scrape.
    const evaluatedAt = evaluationTime(samples);
    expect(evaluatedAt).toBeGreaterThanOrEqual(started - 2);
    expect(evaluatedAt).toBeLessThanOrEqual(at + 2);
    lastEvaluatedAt = evaluatedAt;

    const cases = [
      { consumergroup: 'aging', partition: '0', createTime: createTimes[1]! },
      { consumergroup: 'aging', partition: '1', createTime: createTimes[0]! },
      { consumergroup: 'recent', partition: '0', createTime: createTimes[2]! },
    ];
    for (const { consumergroup, partition, createTime } of cases) {
      const labels = { consumergroup, topic: CREATED, partition };
      const seconds = find(samples, 'kafka_consumergroup_lag_seconds', labels)?.value;
      expect(seconds, `lag_seconds ${JSON.stringify(labels)}`).toBeDefined();
      // Exact: the poll's time minus the record's timestamp, to the millisecond, for every partition.
      expect(Math.abs(seconds! - (evaluatedAt - createTime) / 1000)).toBeLessThan(0.002);
      expect(currentState(samples, 'kafka_consumergroup_time_lag_method', labels, 'method')).toBe('exact');
    }
    const lagOf = (consumergroup: string, partition: string): number =>
      find(samples, 'kafka_consumergroup_lag_seconds', { consumergroup, topic: CREATED, partition })!.value;
    // Orders of magnitude the fixtures set: nothing mixed up between partitions or groups.
    expect(lagOf('aging', '0')).toBeGreaterThan(300);
    expect(lagOf('aging', '0')).toBeLessThan(300 + 30);
    expect(lagOf('aging', '1')).toBeGreaterThan(600);
    expect(lagOf('recent', '0')).toBeLessThan(60 + 30);

    // A caught-up partition is 0 s, method exact.
    const caughtUp = { consumergroup: 'aging', topic: CREATED, partition: '2' };
    expect(find(samples, 'kafka_consumergroup_lag', caughtUp)?.value).toBe(0);
    expect(find(samples, 'kafka_consumergroup_lag_seconds', caughtUp)?.value).toBe(0);
    expect(currentState(samples, 'kafka_consumergroup_time_lag_method', caughtUp, 'method')).toBe('exact');

    // The per-topic maximum is the largest partition value: partition 1's 600 s.
    expect(
      find(samples, 'kafka_consumergroup_max_lag_seconds', { consumergroup: 'aging', topic: CREATED })?.value,
    ).toBe(Math.max(lagOf('aging', '0'), lagOf('aging', '1'), 0));
    expect(
      find(samples, 'kafka_consumergroup_max_lag_seconds', { consumergroup: 'aging', topic: CREATED })?.value,
    ).toBe(lagOf('aging', '1'));
    expect(
      find(samples, 'kafka_consumergroup_max_lag_seconds', { consumergroup: 'recent', topic: CREATED })
        ?.value,
    ).toBe(lagOf('recent', '0'));
    expect(
      find(samples, 'kafka_consumergroup_time_lag_estimated_partitions', {
        consumergroup: 'aging',
        topic: CREATED,
      })?.value,
    ).toBe(0);
    expect(
      find(samples, 'lagwatch_kafka_requests_total', { ...cluster, api: 'Fetch' })?.value,
    ).toBeGreaterThan(0);
  });

  it('exact on a LogAppendTime topic: the age since the produce call, not the CreateTime; a scrape between polls trails by < one poll interval', async () => {
    // No manual poll: a scrape served from a later poll of the exporter’s own 5 s loop.
    const { samples, at, evaluatedAt } = await waitFor(
      'a poll of the exporter’s own loop',
      async () => {
        const scraped = await scrape(exact);
        const time = evaluationTime(scraped.samples);
        return time > lastEvaluatedAt + 2 ? { ...scraped, evaluatedAt: time } : undefined;
      },
      { timeoutMs: 3 * POLL_INTERVAL_S * 1000, intervalMs: 200 },
    );
    // Between polls the exported age trails the true age by the time since the last poll: less than one
    // poll interval (plus the jitter of a poll's duration, which delays its end).
    expect((at - evaluatedAt) / 1000).toBeGreaterThanOrEqual(-0.002);
    expect((at - evaluatedAt) / 1000).toBeLessThan(POLL_INTERVAL_S + 1);
    const labels = { consumergroup: 'appender', topic: APPENDED, partition: '0' };
    const seconds = find(samples, 'kafka_consumergroup_lag_seconds', labels)?.value;
    expect(seconds).toBeDefined();
    // The broker stamped the batch while the produce call ran (same host, same clock).
    expect(seconds!).toBeGreaterThanOrEqual((evaluatedAt - appendWindow.to) / 1000 - 0.002);
    expect(seconds!).toBeLessThanOrEqual((evaluatedAt - appendWindow.from) / 1000 + 0.002);
    expect(seconds!).toBeLessThan(1_800 - 60);
    expect(currentState(samples, 'kafka_consumergroup_time_lag_method', labels, 'method')).toBe('exact');
  });

  it('estimate: interpolated from earlier polls, within the bracketing polls’ interval of the true age, no Fetch', async () => {
    const PACE_MS = 500;
    await records.createTopic(ESTIMATED, 2);
    estimate = await startOn(['--lag.time.mode=estimate', '--poll.interval=1h']);
    // Polls of the estimate exporter: start time (the table's point time) and high watermarks.
    const points: { at: number; hwm: bigint[] }[] = [];
    let last = await poll(estimate);
    points.push({ at: last.snapshot.observedAt, hwm: [0n, 0n] });
    /** CreateTime (the produce call's start) of every record, by partition, in offset order. */
    const produced: number[][] = [[], []];
    const counts = [
      [3, 2],
      [5, 4],
      [2, 3],
      [4, 5],
    ];
    for (const [n0, n1] of counts) {
      await until(last.snapshot.observedAt, PACE_MS);
      const t = Date.now();
      await records.produceBatch(
        ESTIMATED,
        0,
        Array.from({ length: n0! }, () => t),
      );
      await records.produceBatch(
        ESTIMATED,
        1,
        Array.from({ length: n1! }, () => t),
      );
      produced[0]!.push(...Array.from({ length: n0! }, () => t));
      produced[1]!.push(...Array.from({ length: n1! }, () => t));
      last = await poll(estimate);
      points.push({
        at: last.snapshot.observedAt,
        hwm: [BigInt(produced[0]!.length), BigInt(produced[1]!.length)],
      });
    }
    // Committed inside the last round's records (offsets 10–13 of partition 0, 9–13 of partition 1).
    const committed = [11n, 12n];
    await workload.commit('estimator', [
      { topic: ESTIMATED, partition: 0, offset: committed[0]! },
      { topic: ESTIMATED, partition: 1, offset: committed[1]! },
    ]);
    await until(last.snapshot.observedAt, PACE_MS);
    last = await poll(estimate);
    const { samples } = await scrape(estimate);

    for (const partition of [0, 1]) {
      const labels = { consumergroup: 'estimator', topic: ESTIMATED, partition: String(partition) };
      expect(
        find(samples, 'kafka_topic_partition_current_offset', {
          topic: ESTIMATED,
          partition: String(partition),
        })?.value,
      ).toBe(produced[partition]!.length);
      const seconds = find(samples, 'kafka_consumergroup_lag_seconds', labels)?.value;
      expect(seconds, `lag_seconds ${JSON.stringify(labels)}`).toBeDefined();
      expect(Number.isFinite(seconds)).toBe(true);
      expect(seconds!).toBeGreaterThanOrEqual(0);
      expect(currentState(samples, 'kafka_consumergroup_time_lag_method', labels, 'method')).toBe('estimate');

      // The record at the committed offset was produced between two polls l and r: the estimate is within
      // r.time − l.time of its true age (docs/lag-seconds.md, "Accuracy of estimate").
      const c = committed[partition]!;
      const r = points.findIndex((p) => p.hwm[partition]! > c);
      const l = points[r - 1]!;
      const bracket = (points[r]!.at - l.at) / 1000;
      const trueAge = (last.finishedAt - produced[partition]![Number(c)]!) / 1000;
      expect(Math.abs(seconds! - trueAge)).toBeLessThan(bracket);
      // Not the lower bound (age of the oldest point), which would be off by at least two rounds here.
      expect((last.finishedAt - points[0]!.at) / 1000 - seconds!).toBeGreaterThan(bracket);
    }
    expect(
      find(samples, 'kafka_consumergroup_time_lag_estimated_partitions', {
        consumergroup: 'estimator',
        topic: ESTIMATED,
      })?.value,
    ).toBe(2);
    expect(
      find(samples, 'lagwatch_kafka_requests_total', { kafka_cluster: kafka.clusterId, api: 'Fetch' })
        ?.value ?? 0,
    ).toBe(0);
  });
});

describe('consumer status through a real group', () => {
  const WINDOW = 3;
  const PACE_MS = 400;
  /** Records produced per round: the producer never stops. */
  const PER_ROUND = 5;
  /**
   * Lag the committing group keeps at each commit, alternating so that the lag decreases within every
   * window (else Burrow's WARN rule fires). Both exceed two rounds of records, so no high watermark of the
   * last `WINDOW` polls is ever at or below the committed offset: the broker-ring exemption never applies
   * and STOP/STALL depend on time alone.
   */
  const LAGS = [12, 11];
  const TOPICS = ['stop-topic', 'stall-topic'];
  let exporter: Exporter;

  beforeAll(async () => {
    // Both topics exist (and are polled) from the start: each group first commits on a topic the exporter
    // has watched for more than `WINDOW` polls, as a newly deployed consumer would.
    for (const topic of TOPICS) {
      await workload.createTopic(topic, 1);
      await workload.produce(topic, [15]);
    }
    exporter = await startOn(['--poll.interval=1h', `--status.window=${WINDOW}`]);
    for (let i = 0; i < WINDOW + 1; i++) await poll(exporter);
  });

  afterAll(async () => {
    await exporter?.stop();
  });

  interface RoundResult {
    /** The current state of kafka_consumergroup_partition_status and of kafka_consumergroup_status. */
    partition: string;
    group: string;
    /** Offset lag the exporter reported (checked against the test's own count). */
    lag: number;
    /**
     * Burrow's STOP predicate on the window the exporter must hold: the time since the newest commit change
     * was first seen exceeds the span of the last WINDOW changes (times: poll starts; now: the poll's end).
     */
    silent: boolean;
  }

  /** A group on a 1-partition topic holding 15 records, driven round by round; tracks its commit window. */
  function scenario(groupId: string, topic: string) {
    let hwm = 15;
    let committed = 0;
    let lastStart = 0;
    /** Start times of the polls that saw a new committed offset: the window entries' times. */
    const entries: number[] = [];
    const labels = { consumergroup: groupId, topic, partition: '0' };
    const commit = async (offset: number): Promise<void> => {
      await workload.commit(groupId, [{ topic, partition: 0, offset: BigInt(offset) }]);
      committed = offset;
    };

    return {
      commit,
      get hwm(): number {
        return hwm;
      },
      /** One round, at least PACE_MS after the last poll: records arrive, the group commits or not, poll, scrape. */
      async round(action: 'progress' | 'none' | 'catch-up', index = 0): Promise<RoundResult> {
        await until(lastStart, PACE_MS);
        await workload.produce(topic, [PER_ROUND]);
        hwm += PER_ROUND;
        const before = entries.length === 0 ? undefined : committed;
        if (action === 'progress') await commit(hwm - LAGS[index % LAGS.length]!);
        if (action === 'catch-up') await commit(hwm);
        const outcome = await poll(exporter);
        lastStart = outcome.snapshot.observedAt;
        if (committed !== before) entries.push(outcome.snapshot.observedAt);
        const { samples } = await scrape(exporter);
        const window = entries.slice(-WINDOW);
        const newest = window.at(-1)!;
        return {
          partition: currentState(samples, 'kafka_consumergroup_partition_status', labels, 'status'),
          group: currentState(samples, 'kafka_consumergroup_status', { consumergroup: groupId }, 'status'),
          lag: find(samples, 'kafka_consumergroup_lag', labels)!.value,
          silent: outcome.finishedAt - newest > newest - window[0]!,
        };
      },
      /** The lag the exporter must report after the last round. */
      expectedLag: () => hwm - committed,
    };
  }

  it('OK while committing; STOP and ERR once silent longer than the window spans (no member); OK after catching up', async () => {
    const g = scenario('stopper', 'stop-topic');
    // Commits progress every round while records keep arriving: OK, with a lag that is never 0. The first
    // rounds see an incomplete window (OK whatever Burrow's predicate says of a one-entry window).
    for (let i = 0; i < 4; i++) {
      const s = await g.round('progress', i);
      expect(s.lag).toBe(g.expectedLag());
      expect(s.lag).toBeGreaterThan(0);
      expect([s.partition, s.group]).toEqual(['OK', 'OK']);
    }
    // It stops committing; records keep arriving. STOP exactly when Burrow's time rule holds, and then ERR.
    const seen: string[] = [];
    for (let i = 0; i < WINDOW + 1; i++) {
      const s = await g.round('none');
      expect(s.lag).toBe(g.expectedLag());
      expect([s.partition, s.group]).toEqual(s.silent ? ['STOP', 'ERR'] : ['OK', 'OK']);
      seen.push(s.partition);
    }
    // At a steady pace the window spans WINDOW − 1 rounds: STOP within WINDOW rounds, and it stays.
    expect(seen.slice(0, WINDOW)).toContain('STOP');
    expect(seen.at(-1)).toBe('STOP');
    // It resumes and catches up: OK at once; and still OK when new records arrive before its next commit.
    let s = await g.round('catch-up');
    expect([s.lag, s.partition, s.group]).toEqual([0, 'OK', 'OK']);
    s = await g.round('none');
    expect([s.lag, s.partition, s.group]).toEqual([PER_ROUND, 'OK', 'OK']);
  });

  it('STALL and ERR when a live member holds the partition and the offset does not move; OK after catching up', async () => {
    const g = scenario('staller', 'stall-topic');
    for (let i = 0; i < 4; i++) {
      const s = await g.round('progress', i);
      expect(s.lag).toBeGreaterThan(0);
      expect([s.partition, s.group]).toEqual(['OK', 'OK']);
    }
    // A member joins and consumes without committing (a member-less commit is refused from now on).
    const member = await workload.startMember({ groupId: 'staller', topics: ['stall-topic'] });
    expect(member.assignment).toEqual([{ topic: 'stall-topic', partition: 0 }]);
    const seen: string[] = [];
    for (let i = 0; i < WINDOW + 1; i++) {
      const s = await g.round('none');
      expect(s.lag).toBe(g.expectedLag());
      expect([s.partition, s.group]).toEqual(s.silent ? ['STALL', 'ERR'] : ['OK', 'OK']);
      seen.push(s.partition);
    }
    expect(seen.slice(0, WINDOW)).toContain('STALL');
    expect(seen.at(-1)).toBe('STALL');
    // The member leaves; once the group is empty again it commits the high watermark: OK.
    await member.stop();
    await waitFor('a commit to the emptied staller group', async () => {
      await g.commit(g.hwm);
      return true;
    });
    const s = await g.round('catch-up');
    expect([s.lag, s.partition, s.group]).toEqual([0, 'OK', 'OK']);
  });
});
