/**
 * Entry point of the Kafka layer: picks the adapter named by `--kafka.client`.
 */
import { createKafkajsAdmin } from './kafkajs.js';
import { createPlatformaticAdmin } from './platformatic.js';
import type { KafkaAdminPort, KafkaClientName, KafkaClientOptions } from './port.js';

export type * from './port.js';

/**
 * Creates the Kafka admin adapter of `client` (`platformatic`, the default, or `kafkajs`).
 * No connection is opened until the first call. Throws only for an unknown client name.
 */
export function createKafkaAdmin(client: KafkaClientName, options: KafkaClientOptions): KafkaAdminPort {
  switch (client) {
    case 'platformatic':
      return createPlatformaticAdmin(options);
    case 'kafkajs':
      return createKafkajsAdmin(options);
    default: {
      const unknown: never = client;
      throw new Error(`unknown Kafka client: ${String(unknown)}`);
    }
  }
}
