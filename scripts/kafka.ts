/**
 * `npm run kafka -- start [--nodes 3]` / `npm run kafka -- stop` / `npm run kafka -- status`:
 * a local Apache Kafka cluster for people (same harness as the integration tests), left running in the
 * background. Run dir, logs and state: `.cache/kafka-run/`.
 */
import { parseArgs } from 'node:util';
import {
  KafkaAlreadyRunningError,
  readDetachedState,
  runningDetachedPids,
  startKafka,
  stopDetachedKafka,
  type DetachedKafkaState,
} from '../test/support/broker.js';
import { KAFKA_VERSION } from '../test/support/kafka-jars.js';

const USAGE = `usage: npm run kafka -- <command>

commands:
  start [--nodes 1|3]   start a local Kafka ${KAFKA_VERSION} cluster in the background (default 1 node)
  stop                  stop it and remove its data
  status                show whether it runs and where
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { nodes: { type: 'string', default: '1' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'start':
      return start(values.nodes);
    case 'stop':
      return stop();
    case 'status':
      return status();
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

async function start(nodesFlag: string): Promise<number> {
  if (nodesFlag !== '1' && nodesFlag !== '3') {
    process.stderr.write(`--nodes must be 1 or 3 (got ${nodesFlag})\n`);
    return 2;
  }
  const nodes = nodesFlag === '3' ? 3 : 1;
  const existing = await readDetachedState();
  if (existing && runningDetachedPids(existing).length > 0)
    return refuse(new KafkaAlreadyRunningError(existing));
  process.stderr.write(`starting a ${nodes}-node Kafka cluster...\n`);
  const started = Date.now();
  try {
    const cluster = await startKafka({ nodes, detached: true });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `Kafka is running (${nodes} node${nodes === 1 ? '' : 's'}, ready in ${seconds} s).\n\n` +
        `  bootstrap servers: ${cluster.brokers.join(',')}\n` +
        `  cluster id:        ${cluster.clusterId}\n` +
        `  logs:              ${cluster.dataDir}/node-*/server.log\n\n` +
        `Stop it with: npm run kafka -- stop\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof KafkaAlreadyRunningError) return refuse(error);
    throw error;
  }
}

function refuse(error: KafkaAlreadyRunningError): number {
  process.stderr.write(`${error.message}.\nUse it as it is, or stop it first with: npm run kafka -- stop\n`);
  return 1;
}

async function stop(): Promise<number> {
  const state = await stopDetachedKafka();
  process.stdout.write(
    state
      ? `stopped the Kafka cluster at ${state.brokers.join(',')} and removed its data\n`
      : 'no Kafka cluster was running\n',
  );
  return 0;
}

async function status(): Promise<number> {
  const state = await readDetachedState();
  const live = state ? runningDetachedPids(state) : [];
  if (!state || live.length === 0) {
    process.stdout.write('no Kafka cluster is running\n');
    return 1;
  }
  process.stdout.write(describe(state, live));
  return 0;
}

function describe(state: DetachedKafkaState, live: number[]): string {
  const lines = state.nodes.map(
    (node) =>
      `  node ${node.nodeId}: 127.0.0.1:${node.brokerPort} ` +
      (node.pid !== null && live.includes(node.pid) ? `(pid ${node.pid})` : '(stopped)'),
  );
  return `Kafka is running since ${state.startedAt}\n  bootstrap servers: ${state.brokers.join(',')}\n${lines.join('\n')}\n`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
