/**
 * Counts the Kafka requests one @platformatic/kafka client writes to the wire, by Kafka API name.
 *
 * @platformatic/kafka publishes every request on the process-wide tracing channel
 * `plt:kafka:connections:api` (`connectionsApiChannel`): `start` fires in `Connection#sendRequest`, right
 * before the socket write, with `{ connection, apiKey, apiVersion, correlationId }`. Every client in the
 * process publishes there, so an event is attributed to a client only when its connection belongs to that
 * client's connection pool. A connection joins its pool before its socket opens and leaves it when it
 * closes, so connection set-up requests (SASL handshake and authentication) are counted too.
 */
import {
  connectionsApiChannel,
  protocolAPIsById,
  type Connection,
  type ConnectionPool,
} from '@platformatic/kafka';

/** A running count; {@link RequestCounter.stop} unsubscribes from the channel. */
export interface RequestCounter {
  /** A snapshot: Kafka API name (e.g. `Metadata`, `ListOffsets`) → requests sent since the counter started. */
  counts(): ReadonlyMap<string, number>;
  /** Stops counting. Idempotent. */
  stop(): void;
}

/** Connection states in which `Connection#sendRequest` really writes the request (see dist/network/connection.js). */
const WRITING_STATES: ReadonlySet<string> = new Set(['connected', 'authenticating', 'reauthenticating']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function belongsTo(pool: ConnectionPool, connection: unknown): boolean {
  for (const [, member] of pool) {
    if (member === connection) return true;
  }
  return false;
}

/**
 * Starts counting the requests written by the connections of `pool` (a client's `connections`).
 * The check is by connection identity, so clients that share a clientId are still told apart.
 */
export function countRequests(pool: ConnectionPool): RequestCounter {
  const counts = new Map<string, number>();
  let stopped = false;

  const onStart = (message: unknown): void => {
    if (!isRecord(message)) return;
    const { connection, apiKey } = message;
    if (typeof apiKey !== 'number' || !isRecord(connection)) return;
    if (!WRITING_STATES.has(String((connection as unknown as Connection).status))) return;
    if (!belongsTo(pool, connection)) return;
    const name = protocolAPIsById[apiKey] ?? `ApiKey${apiKey}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  connectionsApiChannel.start.subscribe(onStart);

  return {
    counts: () => new Map(counts),
    stop: () => {
      if (stopped) return;
      stopped = true;
      connectionsApiChannel.start.unsubscribe(onStart);
    },
  };
}
