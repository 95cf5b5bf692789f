/**
 * Cached exposition bytes for /metrics, and their gzip encoding.
 *
 * The Kafka part of /metrics changes once per poll; the self part (process and poll metrics) is rendered
 * at every scrape. Compressing the whole body at every scrape would redo the expensive part (the Kafka
 * text, megabytes at scale) each time. Instead the Kafka text is deflated once per poll, ending with a
 * sync flush (a byte-aligned, non-final deflate block), and each scrape appends the small, freshly
 * deflated self part as the final block. The result is ONE ordinary gzip member (RFC 1952): header,
 * one deflate stream (RFC 1951), CRC-32 and size of the whole body. The CRC is continued from the cached
 * part's CRC with zlib.crc32(data, previous). No multi-member gzip is needed, so every client decodes it
 * (Go's compress/gzip as used by Prometheus, curl --compressed, browsers).
 *
 * Why splicing is valid: a deflate stream is a sequence of blocks; the self part's blocks come from a new
 * compressor, so they never refer back into the Kafka part's data, and the sync flush leaves the Kafka
 * part's blocks complete and byte-aligned without setting BFINAL.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * An exposition text prepared once (per poll) for serving many times. The text itself is not kept: at scale
 * it would double the memory held (bench/render.bench.ts); `bytes.toString()` gives it back.
 */
export interface PreparedExposition {
  /** The exposition text (Prometheus text format 0.0.4) as UTF-8. */
  readonly bytes: Buffer;
  /** Raw deflate of `bytes` ending with a sync flush: complete blocks, none final, byte-aligned. */
  readonly deflated: Buffer;
  /** CRC-32 (gzip's) of `bytes`. */
  readonly crc32: number;
}

/**
 * Compression level: 1 (fastest). Exposition text is so repetitive that level 1 already compresses it
 * ~26× (18 MiB → 0.7 MiB in bench/render.bench.ts) in a fifth of level 6's time.
 */
const LEVEL = constants.Z_BEST_SPEED;

/** Prepares an exposition text for serving: UTF-8 bytes, their deflate prefix and CRC-32. Cost: one deflate of the text. */
export function prepareExposition(text: string): PreparedExposition {
  const bytes = Buffer.from(text, 'utf8');
  return {
    bytes,
    deflated: deflateRawSync(bytes, { level: LEVEL, finishFlush: constants.Z_SYNC_FLUSH }),
    crc32: bytes.length === 0 ? 0 : crc32(bytes),
  };
}

/** An empty exposition (nothing polled yet). */
export const emptyExposition: PreparedExposition = prepareExposition('');

/** Fixed gzip member header: magic, CM=8 (deflate), no flags, MTIME 0, XFL 0, OS 255 (unknown). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/**
 * The uncompressed body `prefix.bytes + suffix`, gzip-encoded as a single member: the cached deflate of
 * `prefix` followed by a fresh deflate of `suffix`. Cost: deflating `suffix` only.
 */
export function gzipWithSuffix(prefix: PreparedExposition, suffix: Buffer): Buffer {
  const tail = deflateRawSync(suffix, { level: LEVEL }); // ends with the final block
  const trailer = Buffer.alloc(8);
  // An empty buffer may have a null data pointer, for which zlib's crc32() returns its initial value 0
  // instead of the CRC passed in; the CRC of nothing appended is the prefix's CRC.
  const crc = suffix.length === 0 ? prefix.crc32 : crc32(suffix, prefix.crc32);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((prefix.bytes.length + suffix.length) % 2 ** 32, 4); // ISIZE: size modulo 2^32
  return Buffer.concat([GZIP_HEADER, prefix.deflated, tail, trailer]);
}
