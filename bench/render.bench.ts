/**
 * Benchmark of the Kafka metrics renderer and the /metrics encoding at scale. Prints figures; asserts nothing.
 *
 *   node --expose-gc --import tsx bench/render.bench.ts [partitions] [groups] [topicsPerGroup]
 *
 * Defaults: 2,000 partitions (100 topics × 20), 200 groups, each committed on 13 topics (260 partitions),
 * ≈ 125k series. Compares the direct text writer (src/metrics/render.ts) with the same samples pushed
 * through fresh prom-client gauges and `Registry.metrics()`, and per-scrape gzip of the whole body with
 * the cached-prefix splice of src/http/exposition.ts.
 */
import { gzipSync } from 'node:zlib';
import { Gauge, Registry } from 'prom-client';
import { analyzeCluster } from '../src/analyze/analyze.js';
import { History } from '../src/analyze/history.js';
import type { ClusterSnapshot, GroupSnapshot, TopicSnapshot } from '../src/collect/snapshot.js';
import { DEFAULT_RENDER_OPTIONS } from '../src/metrics/options.js';
import { CLUSTER_LABEL, catalog, expositionType, type KafkaMetricName } from '../src/metrics/catalog.js';
import { renderKafkaMetrics, visitKafkaSamples, type ClusterRender } from '../src/metrics/render.js';
import { SelfMetrics } from '../src/metrics/self.js';
import { gzipWithSuffix, prepareExposition } from '../src/http/exposition.js';

const PARTITIONS_PER_TOPIC = 20;
const partitionsTotal = Number(process.argv[2] ?? 2000);
const groupCount = Number(process.argv[3] ?? 200);
const topicsPerGroup = Number(process.argv[4] ?? 13);
const topicCount = Math.ceil(partitionsTotal / PARTITIONS_PER_TOPIC);

/** A synthetic snapshot: 6 brokers, `topicCount` topics, `groupCount` groups committed on `topicsPerGroup` topics each. */
function syntheticSnapshot(): ClusterSnapshot {
  const topics: TopicSnapshot[] = [];
  for (let t = 0; t < topicCount; t++) {
    topics.push({
      name: `orders.events.v${String(t).padStart(3, '0')}`,
      partitions: Array.from({ length: PARTITIONS_PER_TOPIC }, (_, p) => ({
        partition: p,
        leader: (t + p) % 6,
        replicas: [(t + p) % 6, (t + p + 1) % 6, (t + p + 2) % 6],
        isr: [(t + p) % 6, (t + p + 1) % 6, (t + p + 2) % 6],
        offlineReplicas: [],
        logStartOffset: BigInt(1_000_000 + t * 1000 + p),
        highWatermark: BigInt(90_000_000 + t * 1000 + p * 7),
      })),
    });
  }
  const groups: GroupSnapshot[] = [];
  for (let g = 0; g < groupCount; g++) {
    const offsets = [];
    for (let k = 0; k < topicsPerGroup; k++) {
      const topic = topics[(g * 7 + k) % topicCount] as TopicSnapshot;
      for (const p of topic.partitions) {
        offsets.push({
          topic: topic.name,
          partition: p.partition,
          offset: (p.highWatermark as bigint) - BigInt(g * 13 + k),
        });
      }
    }
    groups.push({
      groupId: `service-${String(g).padStart(4, '0')}-consumer`,
      type: 'classic',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: Array.from({ length: 3 }, (_, m) => ({
        memberId: `member-${g}-${m}`,
        groupInstanceId: null,
        clientId: `client-${g}`,
        clientHost: `/10.0.0.${m}`,
        assignment: [],
      })),
      offsets,
    });
  }
  return {
    cluster: 'bench',
    clusterId: 'bench-cluster-id',
    observedAt: Date.now(),
    controllerId: 1,
    brokers: Array.from({ length: 6 }, (_, id) => ({
      id,
      host: `broker-${id}.kafka`,
      port: 9092,
      rack: null,
    })),
    topics,
    groups,
    recordTimestamps: [],
    errors: [],
  };
}

/** The same samples through fresh prom-client gauges (the alternative DESIGN.md asks to measure). */
async function renderWithPromClient(clusters: readonly ClusterRender[]): Promise<string> {
  const registry = new Registry();
  const gauges = new Map<KafkaMetricName, { gauge: Gauge; own: readonly string[] }>();
  const constNames = [...new Set(clusters.flatMap((c) => Object.keys(c.constLabels)))];
  for (const m of Object.values(catalog)) {
    if (m.scope !== 'kafka') continue;
    const gauge = new Gauge({
      name: m.name,
      help: m.help,
      labelNames: [...m.labelNames, ...constNames],
      registers: [registry],
    });
    if (expositionType(m.type) !== 'gauge') throw new Error('unexpected type');
    gauges.set(m.name as KafkaMetricName, { gauge, own: m.labelNames.slice(1) });
  }
  for (const { snapshot, analysis, options, constLabels } of clusters) {
    visitKafkaSamples(
      { snapshot, analysis, options },
      {
        sample(metric, labelValues, value) {
          const entry = gauges.get(metric);
          if (!entry) throw new Error(metric);
          const labels: Record<string, string> = { [CLUSTER_LABEL]: snapshot.cluster };
          entry.own.forEach((name, i) => (labels[name] = labelValues[i] as string));
          Object.assign(labels, constLabels);
          entry.gauge.set(labels, value);
        },
      },
    );
  }
  return registry.metrics();
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.warn('run with node --expose-gc for meaningful heap figures');
/** JS heap plus Buffer memory (outside the heap), MiB. */
function heapMiB(): number {
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

/** Runs `fn` `runs` times after a warm-up; returns median ms, heap growth of one run before GC (MiB), and the result. */
async function measure<T>(
  runs: number,
  fn: () => T | Promise<T>,
): Promise<{ ms: number; allocMiB: number; result: T }> {
  let result = await fn();
  const times: number[] = [];
  let allocMiB = 0;
  for (let i = 0; i < runs; i++) {
    gc?.();
    const before = heapMiB();
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
    allocMiB = Math.max(allocMiB, heapMiB() - before);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] as number, allocMiB, result };
}

const snapshot = syntheticSnapshot();
const history = new History();
history.record(snapshot);
const analysis = analyzeCluster(snapshot, history, {
  now: snapshot.observedAt,
  timeLagMode: 'estimate',
  allowedLag: 0n,
});
const clusters: ClusterRender[] = [
  { snapshot, analysis, options: DEFAULT_RENDER_OPTIONS, constLabels: { env: 'bench' } },
];
const fmt = (n: number): string => n.toFixed(1);

gc?.();
const direct = await measure(7, () => renderKafkaMetrics(clusters));
const text = direct.result;
const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
const keep = prepareExposition(text);
const retainedMiB = (keep.bytes.length + keep.deflated.length) / 2 ** 20;
const prom = await measure(3, () => renderWithPromClient(clusters));
if (prom.result.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length !== series) {
  throw new Error('prom-client variant rendered a different number of series');
}

const prepare = await measure(5, () => prepareExposition(text));
const self = new SelfMetrics({ version: 'bench', revision: 'bench' });
self.recordPoll('bench', {
  ok: true,
  durationSeconds: 1,
  finishedAt: Date.now(),
  errors: [],
  requestDeltas: new Map(),
});
const selfText = await self.registry.metrics();
const selfRender = await measure(21, () => self.registry.metrics());
const splice = await measure(21, () => gzipWithSuffix(keep, Buffer.from(selfText)));
const whole = await measure(5, () => gzipSync(Buffer.from(text + selfText)));
const wholeFast = await measure(5, () => gzipSync(Buffer.from(text + selfText), { level: 1 }));

console.log(
  `input: ${partitionsTotal} partitions (${topicCount} topics), ${groupCount} groups × ${topicsPerGroup} topics`,
);
console.log(
  `series: ${series}; text ${fmt(keep.bytes.length / 2 ** 20)} MiB, deflated ${fmt(keep.deflated.length / 2 ** 10)} KiB`,
);
console.log(
  `render, direct text writer:       ${fmt(direct.ms)} ms, heap +${fmt(direct.allocMiB)} MiB before GC`,
);
console.log(
  `render, prom-client gauges:       ${fmt(prom.ms)} ms, heap +${fmt(prom.allocMiB)} MiB before GC`,
);
console.log(`cached exposition retained:       ${fmt(retainedMiB)} MiB (UTF-8 bytes + deflate prefix)`);
console.log(`per poll: prepareExposition:      ${fmt(prepare.ms)} ms (UTF-8, deflate, CRC-32)`);
console.log(`per scrape: self registry render: ${fmt(selfRender.ms)} ms (${selfText.length} bytes)`);
console.log(`per scrape: gzip, cached splice:  ${fmt(splice.ms)} ms`);
console.log(
  `per scrape: gzip, whole body:     ${fmt(whole.ms)} ms (level 6), ${fmt(wholeFast.ms)} ms (level 1)`,
);
