/**
 * Demo workload: the topics and a steady producer writing a few messages per second to each of them.
 */
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';

/** A demo topic and how many messages per second the producer writes to it. */
export interface DemoTopic {
  name: string;
  partitions: number;
  /** Messages per second. */
  rate: number;
}

/** The demo's topics: `orders` is busiest; `clicks` is the one `demo-stopped` left behind on. */
export const DEMO_TOPICS: readonly DemoTopic[] = [
  { name: 'orders', partitions: 6, rate: 6 },
  { name: 'payments', partitions: 3, rate: 3 },
  { name: 'clicks', partitions: 3, rate: 4 },
];

/**
 * Creates the demo topics (replication factor 1).
 * @throws Error when Kafka refuses (e.g. a topic already exists).
 */
export async function createDemoTopics(bootstrap: string): Promise<void> {
  const admin = new Admin({ clientId: 'lagwatch-demo-admin', bootstrapBrokers: [bootstrap] });
  try {
    for (const topic of DEMO_TOPICS) {
      await admin.createTopics({ topics: [topic.name], partitions: topic.partitions, replicas: 1 });
    }
  } finally {
    await admin.close();
  }
}

/** A running producer; `produced` counts acknowledged messages per topic. */
export interface DemoProducer {
  readonly produced: Map<string, number>;
  /**
   * Writes `count` messages to `topic` at once (acks from all in-sync replicas) and waits for them.
   * @throws Error when Kafka rejects the batch.
   */
  burst(topic: string, count: number): Promise<void>;
  /** Starts writing every topic at its rate (a batch every 200 ms). */
  start(): void;
  /** Stops the timer, waits for the batch in flight and closes the client. */
  stop(): Promise<void>;
}

const TICK_MS = 200;

/** Creates the demo producer (not yet producing on a timer; see {@link DemoProducer.start}). */
export function createDemoProducer(bootstrap: string, onError: (error: Error) => void): DemoProducer {
  const producer = new Producer({
    clientId: 'lagwatch-demo-producer',
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
  });
  const produced = new Map(DEMO_TOPICS.map((topic) => [topic.name, 0]));
  const owed = new Map(DEMO_TOPICS.map((topic) => [topic.name, 0]));
  const partitions = new Map(DEMO_TOPICS.map((topic) => [topic.name, topic.partitions]));
  const sequences = new Map(DEMO_TOPICS.map((topic) => [topic.name, 0]));
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const send = async (batch: { topic: string; count: number }[]): Promise<void> => {
    const messages = batch.flatMap(({ topic, count }) =>
      Array.from({ length: count }, () => {
        const sequence = (sequences.get(topic) ?? 0) + 1;
        sequences.set(topic, sequence);
        // Round-robin over the partitions: every partition gets the same share, so lag shows on all of them.
        const partition = sequence % (partitions.get(topic) ?? 1);
        return {
          topic,
          partition,
          key: `${topic}-${sequence}`,
          value: JSON.stringify({ sequence, at: Date.now() }),
        };
      }),
    );
    if (messages.length === 0) return;
    await producer.send({ messages, acks: -1 });
    for (const { topic, count } of batch) produced.set(topic, (produced.get(topic) ?? 0) + count);
  };

  let busy = false;
  const tick = (): void => {
    for (const topic of DEMO_TOPICS)
      owed.set(topic.name, (owed.get(topic.name) ?? 0) + (topic.rate * TICK_MS) / 1000);
    // One batch at a time: while Kafka is slow the messages owed add up here instead of queued requests.
    if (busy) return;
    const batch = DEMO_TOPICS.map((topic) => {
      const count = Math.floor(owed.get(topic.name) ?? 0);
      owed.set(topic.name, (owed.get(topic.name) ?? 0) - count);
      return { topic: topic.name, count };
    });
    busy = true;
    inFlight = send(batch)
      .catch(onError)
      .finally(() => {
        busy = false;
      });
  };

  return {
    produced,
    burst: (topic, count) => send([{ topic, count }]),
    start() {
      timer ??= setInterval(tick, TICK_MS);
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
      await producer.close();
    },
  };
}
