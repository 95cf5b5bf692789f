import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('parseDuration (Go time.ParseDuration syntax)', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1h2m3s', 3_723_000],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['100us', 0.1],
    ['100µs', 0.1],
    ['250000ns', 0.25],
    ['+5s', 5000],
    ['0', 0],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['30', 'missing unit'],
    ['1.5', 'missing unit'],
    ['-5s', 'must not be negative'],
    ['', 'empty'],
    ['5d', "unknown unit 'd'"],
    ['1x', "unknown unit 'x'"],
    ['abc', 'not a duration'],
    ['1 m', 'not a duration'],
    ['s', 'not a duration'],
    ['.s', 'not a duration'],
    ['5s ago', 'not a duration'],
  ])('%j is rejected: %s', (text, reason) => {
    expect(parseDuration(text)).toEqual({ ok: false, reason });
  });

  it('is reusable: the sticky regex state does not leak between calls', () => {
    expect(parseDuration('1m30x')).toEqual({ ok: false, reason: "unknown unit 'x'" });
    expect(parseDuration('1m')).toEqual({ ok: true, ms: 60_000 });
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [7_200_000, '2h'],
    [3_723_500, '1h2m3.5s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
