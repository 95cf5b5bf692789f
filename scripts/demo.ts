/**
 * `npm run demo`: a local Kafka broker with topics, producers and three consumer groups telling different
 * lag stories, plus the exporter scraping it. Runs until Ctrl-C / SIGTERM, then stops everything and
 * removes the broker's data.
 *
 *   demo-fast     keeps up with orders, payments and clicks      → lag ≈ 0 (a KIP-848 `consumer` group)
 *   demo-slow     reads orders slower than they are produced     → lag grows
 *   demo-stopped  read part of the clicks backlog, then left     → lag grows, no members
 *
 * Flags: --web.listen-address=127.0.0.1:9308 (where the exporter listens).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startKafka, type KafkaTestCluster } from '../test/support/broker.js';
import { REPO_ROOT } from '../test/support/kafka-jars.js';
import { spawnExporter, type DemoExporter } from './demo/exporter.js';
import { runStoppedGroup, startFastGroup, startSlowGroup, type DemoGroup } from './demo/groups.js';
import { createDemoProducer, createDemoTopics, DEMO_TOPICS, type DemoProducer } from './demo/workload.js';

const BACKLOG = 200;
const STOPPED_GROUP_READS_PER_PARTITION = 25;
const STATUS_EVERY_MS = 15_000;

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};
const warn = (error: Error): void => {
  process.stderr.write(`demo: ${error.message}\n`);
};

/** Everything the demo started, stopped in reverse order by {@link shutdown}. */
interface Running {
  cluster?: KafkaTestCluster;
  producer?: DemoProducer;
  groups: DemoGroup[];
  exporter?: DemoExporter;
  statusTimer?: NodeJS.Timeout;
}

async function main(running: Running): Promise<void> {
  const { values } = parseArgs({
    options: { 'web.listen-address': { type: 'string', default: '127.0.0.1:9308' } },
  });
  const listenAddress = values['web.listen-address'];
  const stop = onceSignalled(() => shutdown(running));

  log('starting a single-node Kafka broker...');
  running.cluster = await startKafka();
  const bootstrap = running.cluster.bootstrap;
  log(`Kafka is ready at ${bootstrap}`);
  if (stop.requested) return;

  await createDemoTopics(bootstrap);
  log(`created topics ${DEMO_TOPICS.map((t) => `${t.name} (${t.partitions} partitions)`).join(', ')}`);

  running.producer = createDemoProducer(bootstrap, warn);
  for (const topic of DEMO_TOPICS) await running.producer.burst(topic.name, BACKLOG);
  log(`wrote a backlog of ${BACKLOG} messages per topic`);

  const clicks = DEMO_TOPICS.find((t) => t.name === 'clicks')?.partitions ?? 1;
  const read = await runStoppedGroup(bootstrap, 'clicks', clicks, STOPPED_GROUP_READS_PER_PARTITION);
  log(`demo-stopped read and committed ${read} of the ${BACKLOG} clicks, then left its group`);
  if (stop.requested) return;

  running.producer.start();
  log(`producing ${DEMO_TOPICS.map((t) => `${t.rate}/s to ${t.name}`).join(', ')}`);
  running.groups.push(
    await startFastGroup(
      bootstrap,
      DEMO_TOPICS.map((t) => t.name),
      warn,
    ),
  );
  running.groups.push(await startSlowGroup(bootstrap, 'orders', warn));
  log(
    'demo-fast (KIP-848 consumer group) reads orders, payments and clicks; demo-slow reads orders at 2.5/s',
  );
  if (stop.requested) return;

  running.exporter = await startExporter(bootstrap, listenAddress);
  running.statusTimer = setInterval(() => log(status(running)), STATUS_EVERY_MS);
  log('running; press Ctrl-C to stop everything');
}

async function startExporter(bootstrap: string, listenAddress: string): Promise<DemoExporter | undefined> {
  const logDir = join(REPO_ROOT, '.cache', 'demo');
  await mkdir(logDir, { recursive: true });
  const logFile = join(logDir, 'exporter.log');
  await rm(logFile, { force: true });
  let exporter: DemoExporter;
  try {
    exporter = await spawnExporter(REPO_ROOT, bootstrap, listenAddress, logFile);
  } catch (error) {
    log(`not starting the exporter: ${(error as Error).message}`);
    log(`point any exporter at --kafka.server=${bootstrap} to see the groups`);
    return undefined;
  }
  try {
    await exporter.waitReady();
  } catch (error) {
    log(`the exporter is not serving: ${(error as Error).message}\n${exporter.tail()}`);
    log('if the port is taken, try: npm run demo -- --web.listen-address=127.0.0.1:9309');
    return exporter;
  }
  void exporter.exited.then((code) => {
    if (!shuttingDown) log(`the exporter exited (${code}); last lines of ${logFile}:\n${exporter.tail()}`);
  });
  process.stdout.write(
    `\nThe exporter is serving ${exporter.url}/metrics (log: ${logFile}). Try:\n\n` +
      `  curl -s ${exporter.url}/metrics | grep kafka_consumergroup_lag\n\n` +
      `demo-fast should stay near 0; demo-slow and demo-stopped grow with every poll (5 s).\n\n`,
  );
  return exporter;
}

function status(running: Running): string {
  const produced = [...(running.producer?.produced ?? new Map<string, number>())]
    .map(([topic, n]) => `${topic} ${n}`)
    .join(', ');
  const consumed = running.groups.map((g) => `${g.groupId} ${g.consumed()}`).join(', ');
  return `produced: ${produced} | consumed: ${consumed}`;
}

let shuttingDown = false;

/** Stops consumers, producer, exporter and broker (in that order), each step best effort. */
async function shutdown(running: Running): Promise<void> {
  shuttingDown = true;
  log('stopping...');
  clearInterval(running.statusTimer);
  const step = async (what: string, action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      warn(new Error(`stopping ${what} failed: ${(error as Error).message}`));
    }
  };
  for (const group of running.groups) await step(group.groupId, () => group.stop());
  if (running.producer) await step('the producer', () => running.producer?.stop() ?? Promise.resolve());
  if (running.exporter) await step('the exporter', () => running.exporter?.stop() ?? Promise.resolve());
  if (running.cluster) await step('Kafka', () => running.cluster?.stop() ?? Promise.resolve());
  log('stopped; the broker data is removed');
}

/** Signals within this many ms of the first count as the same Ctrl-C (npm and tsx relay it again). */
const SAME_SIGNAL_MS = 2_000;

/**
 * Runs `onStop` on the first SIGINT/SIGTERM and exits when it is done. A signal arriving later than
 * {@link SAME_SIGNAL_MS} after the first exits at once (the harness's exit hook still kills the broker JVM).
 */
function onceSignalled(onStop: () => Promise<void>): { readonly requested: boolean } {
  const state = { requested: false };
  let firstAt = 0;
  const handler = (): void => {
    if (state.requested) {
      if (Date.now() - firstAt > SAME_SIGNAL_MS) process.exit(130);
      return;
    }
    state.requested = true;
    firstAt = Date.now();
    onStop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return state;
}

const running: Running = { groups: [] };
main(running).catch(async (error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  if (!shuttingDown) await shutdown(running);
  process.exit(1);
});
