import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { emptyExposition, gzipWithSuffix, prepareExposition } from '../../../src/http/exposition.js';

/** Decodes `gz` as exactly one gzip member (gunzipSync would also accept several) and checks its trailer. */
function gunzipSingleMember(gz: Buffer): Buffer {
  expect([...gz.subarray(0, 4)]).toEqual([0x1f, 0x8b, 0x08, 0x00]);
  // inflateRawSync fails unless the deflate data ends with a final block before the end of its input.
  const body = inflateRawSync(gz.subarray(10, gz.length - 8));
  expect(gz.readUInt32LE(gz.length - 8)).toBe(crc32(body) >>> 0);
  expect(gz.readUInt32LE(gz.length - 4)).toBe(body.length % 2 ** 32);
  return body;
}

describe('prepareExposition / gzipWithSuffix', () => {
  it('encodes the text and the suffix as one gzip member', () => {
    const text = '# HELP a b\n# TYPE a gauge\n' + 'a{x="é"} 1\n'.repeat(5000);
    const prepared = prepareExposition(text);
    expect(prepared.bytes.toString('utf8')).toBe(text);
    const suffix = Buffer.from('lagwatch_up{kafka_cluster="k"} 1\n');
    const gz = gzipWithSuffix(prepared, suffix);
    expect(gunzipSingleMember(gz).toString('utf8')).toBe(text + suffix.toString('utf8'));
    expect(gunzipSync(gz).toString('utf8')).toBe(text + suffix.toString('utf8'));
    expect(gz.length).toBeLessThan(prepared.bytes.length / 10);
  });

  it('handles an empty prefix and an empty suffix', () => {
    expect(gunzipSingleMember(gzipWithSuffix(emptyExposition, Buffer.from('x 1\n'))).toString()).toBe(
      'x 1\n',
    );
    expect(gunzipSingleMember(gzipWithSuffix(prepareExposition('y 2\n'), Buffer.alloc(0))).toString()).toBe(
      'y 2\n',
    );
    expect(gunzipSingleMember(gzipWithSuffix(emptyExposition, Buffer.alloc(0))).length).toBe(0);
  });

  it('reuses one prepared prefix for many suffixes', () => {
    const prepared = prepareExposition('k 1\n');
    for (const s of ['a 1\n', 'b 2\n', '']) {
      expect(gunzipSingleMember(gzipWithSuffix(prepared, Buffer.from(s))).toString()).toBe(`k 1\n${s}`);
    }
  });
});
