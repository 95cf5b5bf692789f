/**
 * Readers for flexible-version Kafka protocol structures (KIP-482) on @platformatic/kafka's `Reader`:
 * tagged-field sections, compact arrays and structs. Shared by the hand-written response parsers
 * (ConsumerGroupDescribe, Share/StreamsGroupDescribe, DescribeShareGroupOffsets, Fetch) that platformatic
 * 1.35.0 lacks or gets wrong.
 */
import type { Reader } from '@platformatic/kafka';

/** Skips a tagged-field section: count, then (tag, size, bytes) per field. */
export function skipTaggedFields(reader: Reader): void {
  const count = reader.readUnsignedVarInt();
  for (let i = 0; i < count; i++) {
    reader.readUnsignedVarInt();
    reader.skip(reader.readUnsignedVarInt());
  }
}

/**
 * Reads a compact array (null when the encoded length is 0). `struct`: each element is a struct and ends
 * with its tagged-field section.
 */
export function readCompactNullableArray<T>(
  reader: Reader,
  readItem: (reader: Reader) => T,
  struct: boolean,
): T[] | null {
  const length = reader.readUnsignedVarInt() - 1;
  if (length < 0) return null;
  const items: T[] = [];
  for (let i = 0; i < length; i++) {
    items.push(readItem(reader));
    if (struct) skipTaggedFields(reader);
  }
  return items;
}

/** A non-nullable compact array; a null on the wire reads as []. */
export function readCompactArray<T>(reader: Reader, readItem: (reader: Reader) => T, struct: boolean): T[] {
  return readCompactNullableArray(reader, readItem, struct) ?? [];
}

/** A nullable struct: int8 -1 = null, 1 = present, then the struct and its tagged fields. */
export function readNullableStruct<T>(reader: Reader, readStruct: (reader: Reader) => T): T | null {
  if (reader.readInt8() < 0) return null;
  const value = readStruct(reader);
  skipTaggedFields(reader);
  return value;
}

/** A non-nullable struct field: the struct, then its tagged fields. */
export function readStruct<T>(reader: Reader, readFields: (reader: Reader) => T): T {
  const value = readFields(reader);
  skipTaggedFields(reader);
  return value;
}
