import { describe, expect, it } from 'vitest';
import { clientItemError, itemError, kafkaErrorMessage, kafkaErrorName } from '../../../src/kafka/errors.js';

describe('kafkaErrorName', () => {
  it("uses Kafka's names", () => {
    expect(kafkaErrorName(0)).toBe('NONE');
    expect(kafkaErrorName(-1)).toBe('UNKNOWN_SERVER_ERROR');
    expect(kafkaErrorName(3)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(kafkaErrorName(30)).toBe('GROUP_AUTHORIZATION_FAILED');
    expect(kafkaErrorName(69)).toBe('GROUP_ID_NOT_FOUND');
    expect(kafkaErrorName(133)).toBe('SHARE_SESSION_LIMIT_REACHED');
  });

  it('names codes newer than the table', () => {
    expect(kafkaErrorName(999)).toBe('UNKNOWN_ERROR_CODE_999');
    expect(kafkaErrorMessage(999)).toBe('Kafka error code 999.');
  });
});

describe('itemError', () => {
  it("prefers the broker's message and falls back to Kafka's description", () => {
    expect(itemError(15, 'coordinator moving')).toEqual({
      code: 15,
      name: 'COORDINATOR_NOT_AVAILABLE',
      message: 'coordinator moving',
    });
    expect(itemError(15, null)).toEqual({
      code: 15,
      name: 'COORDINATOR_NOT_AVAILABLE',
      message: 'The coordinator is not available.',
    });
    expect(itemError(15, '').message).toBe('The coordinator is not available.');
  });

  it('gives client-side failures code -1 and a client name', () => {
    expect(clientItemError('TIMEOUT', 'Request timed out')).toEqual({
      code: -1,
      name: 'TIMEOUT',
      message: 'Request timed out',
    });
  });
});
