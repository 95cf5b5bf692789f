/**
 * Cache of record timestamps by (topic, partition, offset). Records never change once written, so an entry
 * stays valid as long as the partition's log holds the record; a stuck consumer costs no Fetch after the
 * first. Entries no group referenced in the last poll are evicted, which also drops entries of deleted or
 * re-created topics.
 */
import type { RecordTimestamp, RecordTimestampQuery } from '../kafka/port.js';

function key(q: RecordTimestampQuery): string {
  return `${q.topic}\u0000${q.partition}\u0000${q.offset}`;
}

export class RecordTimestampCache {
  readonly #entries = new Map<string, RecordTimestamp>();

  /** @param maxEntries bound on the number of cached records (default 100,000); the oldest are evicted first. */
  constructor(private readonly maxEntries = 100_000) {}

  /** Number of cached records. */
  get size(): number {
    return this.#entries.size;
  }

  get(query: RecordTimestampQuery): RecordTimestamp | undefined {
    return this.#entries.get(key(query));
  }

  /**
   * Caches the timestamps of records found. `none` answers (nothing after the offset yet) and errors are
   * not cached: the next poll may find a record there, or succeed.
   */
  store(results: readonly RecordTimestamp[]): void {
    for (const r of results) {
      if (!('timestampMs' in r)) continue;
      this.#entries.delete(key(r));
      this.#entries.set(key(r), r);
    }
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  /** Evicts every entry not among `queries` (the offsets the last poll asked about). */
  retain(queries: readonly RecordTimestampQuery[]): void {
    const keep = new Set(queries.map(key));
    for (const k of this.#entries.keys()) if (!keep.has(k)) this.#entries.delete(k);
  }
}
