/**
 * The demo's consumer groups, one per lag story:
 * - `demo-fast` (KIP-848 `consumer` group) reads every topic and keeps up (lag near 0), committing every second;
 * - `demo-slow` (classic group) reads `orders` slower than it is produced, committing each message (lag grows);
 * - `demo-stopped` (classic group) read part of the `clicks` backlog, committed, and left (lag grows, no members).
 */
import { Consumer, stringDeserializers, type MessagesStream } from '@platformatic/kafka';

/** A consumer group member that runs until {@link DemoGroup.stop}; `consumed` counts messages. */
export interface DemoGroup {
  readonly groupId: string;
  readonly consumed: () => number;
  /** Closes the stream and leaves the group. */
  stop(): Promise<void>;
}

type StringConsumer = Consumer<string, string, string, string>;
type StringStream = MessagesStream<string, string, string, string>;

/** How long `demo-slow` works on one message, in ms (2.5 messages/s against 6/s produced to `orders`). */
const SLOW_MS_PER_MESSAGE = 400;

/** A member of a classic group (JoinGroup/SyncGroup, client-side assignment). */
function newClassicConsumer(bootstrap: string, groupId: string): StringConsumer {
  return new Consumer({
    clientId: `lagwatch-${groupId}`,
    groupId,
    bootstrapBrokers: [bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
}

/** A member of a KIP-848 `consumer` group (ConsumerGroupHeartbeat, server-side assignment). */
function newKip848Consumer(bootstrap: string, groupId: string): StringConsumer {
  return new Consumer({
    clientId: `lagwatch-${groupId}`,
    groupId,
    groupProtocol: 'consumer',
    bootstrapBrokers: [bootstrap],
    deserializers: stringDeserializers,
  });
}

async function close(consumer: StringConsumer, stream: StringStream): Promise<void> {
  await stream.close();
  await consumer.close(true);
}

/**
 * Starts `demo-fast` on `topics` as a KIP-848 `consumer` group (the other two are classic groups): reads
 * everything and commits the consumed offsets every second.
 */
export async function startFastGroup(
  bootstrap: string,
  topics: string[],
  onError: (error: Error) => void,
): Promise<DemoGroup> {
  const consumer = newKip848Consumer(bootstrap, 'demo-fast');
  const stream = await consumer.consume({
    topics,
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: 1_000,
  });
  let consumed = 0;
  stream.on('data', () => consumed++);
  stream.on('error', onError);
  return { groupId: 'demo-fast', consumed: () => consumed, stop: () => close(consumer, stream) };
}

/**
 * Starts `demo-slow` on `topic` from its end: works {@link SLOW_MS_PER_MESSAGE} ms per message and commits each one,
 * with small fetches from every partition, so its lag keeps growing while the producer runs.
 */
export async function startSlowGroup(
  bootstrap: string,
  topic: string,
  onError: (error: Error) => void,
): Promise<DemoGroup> {
  const consumer = newClassicConsumer(bootstrap, 'demo-slow');
  // It starts at the end of the log: a backlog would arrive partition by partition, and the partitions at
  // the back of the first fetch would go without a committed offset (and so without lag) for a minute.
  const stream = await consumer.consume({
    topics: [topic],
    mode: 'committed',
    fallbackMode: 'latest',
    autocommit: false,
    // Small per-partition fetches keep every partition moving (a small total maxBytes would starve all but
    // the first partitions, leaving them without a committed offset).
    maxBytesPerPartition: 1_024,
    highWaterMark: 16,
  });
  stream.on('error', onError);
  let consumed = 0;
  let stopping = false;
  const loop = (async () => {
    for await (const message of stream) {
      await new Promise((resolve) => setTimeout(resolve, SLOW_MS_PER_MESSAGE));
      if (stopping) break;
      await message.commit();
      consumed++;
    }
  })().catch((error: unknown) => {
    if (!stopping) onError(error as Error);
  });
  return {
    groupId: 'demo-slow',
    consumed: () => consumed,
    async stop() {
      stopping = true;
      await close(consumer, stream);
      await loop;
    },
  };
}

/**
 * Runs `demo-stopped` to completion: joins, reads and commits the first `perPartition` messages of each of
 * the `partitions` partitions of `topic`, then leaves the group for good. Its committed offsets stay, so
 * its lag is the rest of the backlog plus everything produced afterwards, on every partition.
 * @returns the number of messages it committed (`perPartition * partitions`).
 */
export async function runStoppedGroup(
  bootstrap: string,
  topic: string,
  partitions: number,
  perPartition: number,
): Promise<number> {
  const consumer = newClassicConsumer(bootstrap, 'demo-stopped');
  const stream = await consumer.consume({
    topics: [topic],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  });
  // Messages arrive partition by partition; counting per partition leaves a committed offset on each.
  const committed = new Map<number, number>();
  let done = 0;
  try {
    for await (const message of stream) {
      const count = committed.get(message.partition) ?? 0;
      if (count >= perPartition) continue;
      await message.commit();
      committed.set(message.partition, count + 1);
      if (count + 1 === perPartition && ++done === partitions) break;
    }
  } finally {
    await close(consumer, stream);
  }
  return [...committed.values()].reduce((a, b) => a + b, 0);
}
