import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../../src/config/regex.js';

function compiled(pattern: string): RegExp {
  const result = compilePattern(pattern);
  if (!result.ok) throw new Error(result.reason);
  return result.regex;
}

describe('compilePattern', () => {
  it('tests unanchored, like Go regexp.MatchString', () => {
    expect(compiled('orders').test('eu.orders.v1')).toBe(true);
    expect(compiled('^orders$').test('eu.orders.v1')).toBe(false);
    expect(compiled('^$').test('')).toBe(true);
    expect(compiled('^$').test('orders')).toBe(false);
  });

  it("translates Go's leading inline flags into JavaScript flags", () => {
    const regex = compiled('(?i)^ORDERS');
    expect(regex.flags).toBe('i');
    expect(regex.test('orders-eu')).toBe(true);
    expect(compiled('(?is)a.b').test('A\nB')).toBe(true);
  });

  it('rejects inline flags JavaScript cannot express', () => {
    expect(compilePattern('(?U)a+')).toEqual({
      ok: false,
      reason: "inline flag 'U' of (?U) has no JavaScript equivalent",
    });
  });

  it("reports the engine's reason for an invalid pattern", () => {
    expect(compilePattern('(')).toEqual({ ok: false, reason: 'Unterminated group' });
  });

  it.each([
    ['^orders\\z', "Go's \\z has no JavaScript equivalent (use $ for the end of the name)"],
    ['\\Aorders', "Go's \\A has no JavaScript equivalent (use ^ for the start of the name)"],
    ['\\pL+', "Go's \\p has no JavaScript equivalent (Unicode classes are not supported)"],
    [
      '\\Qa.b\\E',
      "Go's \\Q has no JavaScript equivalent (escape each special character with a backslash instead)",
    ],
  ])('rejects the RE2 escape in %s instead of reading it as a letter', (pattern, reason) => {
    expect(compilePattern(pattern)).toEqual({ ok: false, reason });
  });

  it('keeps an escaped backslash followed by one of those letters', () => {
    expect(compiled('a\\\\z').test('a\\z')).toBe(true);
  });

  it('rejects Go named groups, which JavaScript spells (?<name>…)', () => {
    expect(compilePattern('(?P<x>a)').ok).toBe(false);
  });

  it('accepts look-ahead, which RE2 does not have', () => {
    expect(compiled('^(?!_).*').test('_internal')).toBe(false);
    expect(compiled('^(?!_).*').test('orders')).toBe(true);
  });

  it('never sets g or y, so repeated tests give the same answer', () => {
    const regex = compiled('a');
    expect([regex.test('a'), regex.test('a')]).toEqual([true, true]);
  });
});
