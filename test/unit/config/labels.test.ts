import { describe, expect, it } from 'vitest';
import { labelNameProblem, parseLabelPairs } from '../../../src/config/labels.js';

describe('parseLabelPairs (--kafka.labels text)', () => {
  it('parses comma-separated name=value pairs', () => {
    expect(parseLabelPairs('env=prod,dc=eu1')).toEqual({ ok: true, labels: { env: 'prod', dc: 'eu1' } });
  });

  it('splits at the first = only, trims blanks and skips empty pairs', () => {
    expect(parseLabelPairs(' env = prod , query=a=b ,')).toEqual({
      ok: true,
      labels: { env: 'prod', query: 'a=b' },
    });
    expect(parseLabelPairs('')).toEqual({ ok: true, labels: {} });
  });

  it('rejects a pair without = instead of dropping it as kafka_exporter does', () => {
    expect(parseLabelPairs('env=prod,eu1')).toEqual({
      ok: false,
      reason: "expected name=value pairs separated by commas, got 'eu1'",
    });
  });

  it('rejects a repeated name', () => {
    expect(parseLabelPairs('env=a,env=b')).toEqual({ ok: false, reason: "label 'env' is given twice" });
  });
});

describe('labelNameProblem', () => {
  it.each(['env', '_x', 'dc_1', 'A'])('accepts %s', (name) => {
    expect(labelNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['1dc', 'not a valid label name'],
    ['my-label', 'not a valid label name'],
    ['', 'not a valid label name'],
    ['__name', "starts with '__'"],
    ['kafka_cluster', 'already sets'],
    ['topic', 'already sets'],
    ['partition', 'already sets'],
    ['consumergroup', 'already sets'],
  ])('rejects %j (%s)', (name, problem) => {
    expect(labelNameProblem(name)).toContain(problem);
  });
});
