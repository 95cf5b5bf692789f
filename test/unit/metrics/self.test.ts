import { describe, expect, it } from 'vitest';
import { POLL_ERROR_KINDS } from '../../../src/metrics/catalog.js';
import { SelfMetrics, type PollRecord } from '../../../src/metrics/self.js';
import { filter, find, parseExposition, type Sample } from '../../support/exposition.js';

const build = { version: '1.2.3', revision: 'abc123' };

function poll(over: Partial<PollRecord> = {}): PollRecord {
  return {
    ok: true,
    durationSeconds: 0.25,
    finishedAt: 1_700_000_000_500,
    errors: [],
    requestDeltas: new Map(),
    ...over,
  };
}

async function scrape(self: SelfMetrics): Promise<Sample[]> {
  return parseExposition(await self.registry.metrics());
}

describe('SelfMetrics', () => {
  it('exports build info with the Node.js version', async () => {
    const samples = await scrape(new SelfMetrics({ ...build, defaultMetrics: false }));
    expect(find(samples, 'lagwatch_build_info')).toEqual({
      name: 'lagwatch_build_info',
      labels: { version: '1.2.3', revision: 'abc123', nodejs_version: process.version },
      value: 1,
    });
  });

  it("includes prom-client's default process and Node.js metrics unless disabled", async () => {
    const withDefaults = await scrape(new SelfMetrics(build));
    expect(find(withDefaults, 'process_cpu_user_seconds_total')).toBeDefined();
    expect(filter(withDefaults, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    const without = await scrape(new SelfMetrics({ ...build, defaultMetrics: false }));
    expect(without.filter((s) => !s.name.startsWith('lagwatch_'))).toEqual([]);
  });

  it('pre-initialises known clusters: up 0, every error kind 0, no timestamp yet', async () => {
    const samples = await scrape(new SelfMetrics({ ...build, defaultMetrics: false, clusters: ['a', 'b'] }));
    for (const cluster of ['a', 'b']) {
      expect(find(samples, 'lagwatch_up', { kafka_cluster: cluster })?.value).toBe(0);
      const errors = filter(samples, 'lagwatch_poll_errors_total', { kafka_cluster: cluster });
      expect(errors.map((s) => s.labels.kind)).toEqual([...POLL_ERROR_KINDS]);
      expect(errors.every((s) => s.value === 0)).toBe(true);
    }
    expect(filter(samples, 'lagwatch_last_successful_poll_timestamp_seconds')).toEqual([]);
    expect(filter(samples, 'lagwatch_poll_duration_seconds')).toEqual([]);
  });

  it('records a successful poll: up 1, duration, last success time in seconds, errors and requests', async () => {
    const self = new SelfMetrics({ ...build, defaultMetrics: false });
    self.recordPoll(
      'a',
      poll({
        errors: [{ kind: 'offset_fetch' }, { kind: 'offset_fetch' }, { kind: 'list_offsets' }],
        requestDeltas: new Map([
          ['Metadata', 1],
          ['OffsetFetch', 3],
          ['ListGroups', 0],
        ]),
      }),
    );
    const samples = await scrape(self);
    const a = { kafka_cluster: 'a' };
    expect(find(samples, 'lagwatch_up', a)?.value).toBe(1);
    expect(find(samples, 'lagwatch_poll_duration_seconds', a)?.value).toBe(0.25);
    expect(find(samples, 'lagwatch_last_successful_poll_timestamp_seconds', a)?.value).toBe(1_700_000_000.5);
    expect(find(samples, 'lagwatch_poll_errors_total', { ...a, kind: 'offset_fetch' })?.value).toBe(2);
    expect(find(samples, 'lagwatch_poll_errors_total', { ...a, kind: 'list_offsets' })?.value).toBe(1);
    expect(find(samples, 'lagwatch_poll_errors_total', { ...a, kind: 'metadata' })?.value).toBe(0);
    expect(find(samples, 'lagwatch_kafka_requests_total', { ...a, api: 'Metadata' })?.value).toBe(1);
    expect(find(samples, 'lagwatch_kafka_requests_total', { ...a, api: 'OffsetFetch' })?.value).toBe(3);
    expect(find(samples, 'lagwatch_kafka_requests_total', { ...a, api: 'ListGroups' })).toBeUndefined();
  });

  it('records a failed poll: up 0, duration, last success time unchanged; counters accumulate', async () => {
    const self = new SelfMetrics({ ...build, defaultMetrics: false });
    self.recordPoll('a', poll({ requestDeltas: new Map([['Metadata', 2]]) }));
    self.recordPoll(
      'a',
      poll({
        ok: false,
        durationSeconds: 30,
        finishedAt: 1_700_000_060_000,
        errors: [{ kind: 'timeout' }],
        requestDeltas: new Map([['Metadata', 1]]),
      }),
    );
    const samples = await scrape(self);
    const a = { kafka_cluster: 'a' };
    expect(find(samples, 'lagwatch_up', a)?.value).toBe(0);
    expect(find(samples, 'lagwatch_poll_duration_seconds', a)?.value).toBe(30);
    expect(find(samples, 'lagwatch_last_successful_poll_timestamp_seconds', a)?.value).toBe(1_700_000_000.5);
    expect(find(samples, 'lagwatch_poll_errors_total', { ...a, kind: 'timeout' })?.value).toBe(1);
    expect(find(samples, 'lagwatch_kafka_requests_total', { ...a, api: 'Metadata' })?.value).toBe(3);
  });

  it('keeps clusters apart', async () => {
    const self = new SelfMetrics({ ...build, defaultMetrics: false, clusters: ['a'] });
    self.recordPoll('b', poll({ errors: [{ kind: 'metadata' }] }));
    const samples = await scrape(self);
    expect(find(samples, 'lagwatch_up', { kafka_cluster: 'a' })?.value).toBe(0);
    expect(find(samples, 'lagwatch_up', { kafka_cluster: 'b' })?.value).toBe(1);
    expect(find(samples, 'lagwatch_poll_errors_total', { kafka_cluster: 'a', kind: 'metadata' })?.value).toBe(
      0,
    );
    expect(find(samples, 'lagwatch_poll_errors_total', { kafka_cluster: 'b', kind: 'metadata' })?.value).toBe(
      1,
    );
  });

  it.each([
    ['a negative duration', poll({ durationSeconds: -1 })],
    ['a NaN duration', poll({ durationSeconds: NaN })],
    ['a non-finite time', poll({ finishedAt: Infinity })],
    [
      'a negative request count',
      poll({
        requestDeltas: new Map([
          ['Metadata', 2],
          ['Fetch', -1],
        ]),
      }),
    ],
  ])('rejects %s and records nothing', async (_what, record) => {
    const self = new SelfMetrics({ ...build, defaultMetrics: false });
    expect(() => self.recordPoll('a', record)).toThrow(RangeError);
    const samples = await scrape(self);
    expect(filter(samples, 'lagwatch_up')).toEqual([]);
    expect(filter(samples, 'lagwatch_kafka_requests_total')).toEqual([]);
  });
});

describe('SelfMetrics.removeCluster', () => {
  it('removes every series of the cluster and keeps the others', async () => {
    const self = new SelfMetrics({ ...build, defaultMetrics: false, clusters: ['kafka-1:9092'] });
    self.recordPoll(
      'kafka-1:9092',
      poll({ ok: false, errors: [{ kind: 'metadata' }], requestDeltas: new Map([['Metadata', 1]]) }),
    );
    self.recordPoll('abc-cluster-id', poll({ requestDeltas: new Map([['Metadata', 1]]) }));
    self.removeCluster('kafka-1:9092');
    self.removeCluster('never-seen');
    const samples = await scrape(self);
    expect(samples.filter((s) => s.labels.kafka_cluster === 'kafka-1:9092')).toEqual([]);
    expect(find(samples, 'lagwatch_up', { kafka_cluster: 'abc-cluster-id' })?.value).toBe(1);
    expect(filter(samples, 'lagwatch_poll_errors_total', { kafka_cluster: 'abc-cluster-id' })).toHaveLength(
      POLL_ERROR_KINDS.length,
    );
  });

  it('starts a removed cluster afresh when it reports again', async () => {
    const self = new SelfMetrics({ ...build, defaultMetrics: false });
    self.recordPoll('a', poll({ errors: [{ kind: 'timeout' }] }));
    self.removeCluster('a');
    self.recordPoll('a', poll());
    const samples = await scrape(self);
    expect(find(samples, 'lagwatch_poll_errors_total', { kafka_cluster: 'a', kind: 'timeout' })?.value).toBe(
      0,
    );
  });
});
