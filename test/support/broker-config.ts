/**
 * Configuration of the test broker: free loopback ports, cluster ids and the `server.properties` text of
 * each KRaft node (combined broker+controller, static quorum). Pure apart from the port probe.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

/** Loopback host every test broker listens on and advertises. */
export const BROKER_HOST = '127.0.0.1';

/** Ports and directories of one KRaft node. */
export interface NodeLayout {
  /** `node.id`, 1-based. */
  nodeId: number;
  /** Port of the PLAINTEXT (client and inter-broker) listener. */
  brokerPort: number;
  /** Port of the CONTROLLER (KRaft quorum) listener. */
  controllerPort: number;
  /** Directory of this node: `server.properties`, `server.log` and the `data/` log dir. */
  nodeDir: string;
}

/**
 * Returns `count` distinct TCP ports that were free on 127.0.0.1 a moment ago (bound with port 0, then
 * released). Another process may take one before Kafka binds it; callers retry on a bind failure.
 * @throws Error when no port can be bound at all.
 */
export async function pickFreePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, BROKER_HOST, () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected server address');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * A new random Kafka cluster id: 16 random bytes in unpadded base64url (22 characters), like
 * `kafka-storage random-uuid`. Ids starting with `-` are avoided, as Kafka does, so they never look like
 * a command-line flag.
 */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Renders `server.properties` for node `node` of a cluster made of `all` (each node is broker and
 * controller; static quorum through `controller.quorum.voters`). Replication settings follow the cluster
 * size: 1 node → everything RF 1; 3 nodes → RF 3, min ISR 2, 3 offsets partitions. Internal topics get few
 * partitions so the first group or transaction call is fast. `extra` entries are appended last and win.
 */
export function renderServerProperties(
  node: NodeLayout,
  all: readonly NodeLayout[],
  extra: Readonly<Record<string, string>> = {},
): string {
  const size = all.length;
  const rf = String(size === 1 ? 1 : 3);
  const minIsr = String(size === 1 ? 1 : 2);
  const internalPartitions = String(size === 1 ? 1 : 3);
  const listeners = `PLAINTEXT://${BROKER_HOST}:${node.brokerPort},CONTROLLER://${BROKER_HOST}:${node.controllerPort}`;
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': String(node.nodeId),
    'controller.quorum.voters': all.map((n) => `${n.nodeId}@${BROKER_HOST}:${n.controllerPort}`).join(','),
    listeners,
    'advertised.listeners': listeners,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': `${node.nodeDir}/data`,
    'num.partitions': '1',
    'auto.create.topics.enable': 'false',
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': internalPartitions,
    'group.initial.rebalance.delay.ms': '0',
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': internalPartitions,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'share.coordinator.state.topic.num.partitions': internalPartitions,
    ...extra,
  };
  // Java .properties: one `key=value` per line; values here never hold newlines or trailing comments.
  return `${Object.entries(props)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
