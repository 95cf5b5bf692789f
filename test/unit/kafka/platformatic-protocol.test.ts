import { Reader, Writer } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import {
  decodeConsumerProtocolAssignment,
  parseConsumerGroupDescribeV0,
} from '../../../src/kafka/platformatic-protocol.js';

const TOPIC_ID = '6f1c2a5e-0d3b-4c8e-9a7f-1b2c3d4e5f60';

/** A tagged-field section with one field (tag 7, 2 bytes), as a newer broker might send. */
function appendOneTaggedField(w: Writer): Writer {
  return w
    .appendUnsignedVarInt(1)
    .appendUnsignedVarInt(7)
    .appendUnsignedVarInt(2)
    .append(Buffer.from([0xaa, 0xbb]));
}

function appendAssignment(
  w: Writer,
  topics: { name: string; partitions: number[] }[],
  tagged = false,
): Writer {
  w.appendArray(topics, (tw, t) => {
    tw.appendUUID(TOPIC_ID)
      .appendString(t.name)
      .appendArray(t.partitions, (pw, p) => pw.appendInt32(p), true, false);
  });
  return tagged ? appendOneTaggedField(w) : w.appendTaggedFields();
}

/**
 * ConsumerGroupDescribeResponse v0 bytes after the response header: one described group with two members,
 * one GROUP_ID_NOT_FOUND group. Tagged-field sections are empty except after the first group and after
 * member a's current assignment.
 */
function consumerGroupDescribeV0Bytes(): Buffer {
  const described = Writer.create()
    .appendInt16(0)
    .appendString(null)
    .appendString('orders-app')
    .appendString('Stable')
    .appendInt32(5)
    .appendInt32(5)
    .appendString('uniform')
    .appendArray(['a', 'b'], (mw, member) => {
      mw.appendString(`member-${member}`)
        .appendString(member === 'a' ? 'instance-a' : null)
        .appendString(null)
        .appendInt32(5)
        .appendString(`client-${member}`)
        .appendString('/10.0.0.1')
        .appendArray(['orders', 'payments'], (sw, s) => sw.appendString(s), true, false)
        .appendString(null);
      appendAssignment(mw, member === 'a' ? [{ name: 'orders', partitions: [0, 2] }] : [], member === 'a');
      appendAssignment(mw, [{ name: 'orders', partitions: [0, 1, 2] }]);
    })
    .appendInt32(-2147483648);
  appendOneTaggedField(described);
  const missing = Writer.create()
    .appendInt16(69)
    .appendString('Group missing not found.')
    .appendString('missing')
    .appendString('Dead')
    .appendInt32(-1)
    .appendInt32(-1)
    .appendString('')
    .appendArray([], () => undefined)
    .appendInt32(-2147483648)
    .appendTaggedFields();
  return Writer.create()
    .appendInt32(0) // ThrottleTimeMs
    .appendUnsignedVarInt(3) // two groups
    .appendFrom(described)
    .appendFrom(missing)
    .appendTaggedFields().buffer;
}

describe('parseConsumerGroupDescribeV0', () => {
  it('reads SubscribedTopicNames as a string array, assignments as topic-partitions, per-group errors', () => {
    const response = parseConsumerGroupDescribeV0(0, 69, 0, Reader.from(consumerGroupDescribeV0Bytes()));

    expect(response.groups).toHaveLength(2);
    const [group, missing] = response.groups;
    expect(group).toMatchObject({
      errorCode: 0,
      errorMessage: null,
      groupId: 'orders-app',
      groupState: 'Stable',
      groupEpoch: 5,
      assignmentEpoch: 5,
      assignorName: 'uniform',
    });
    const target = [0, 1, 2].map((partition) => ({ topic: 'orders', partition }));
    expect(group?.members).toEqual([
      {
        memberId: 'member-a',
        instanceId: 'instance-a',
        rackId: null,
        memberEpoch: 5,
        clientId: 'client-a',
        clientHost: '/10.0.0.1',
        subscribedTopicNames: ['orders', 'payments'],
        subscribedTopicRegex: null,
        assignment: [
          { topic: 'orders', partition: 0 },
          { topic: 'orders', partition: 2 },
        ],
        targetAssignment: target,
      },
      {
        memberId: 'member-b',
        instanceId: null,
        rackId: null,
        memberEpoch: 5,
        clientId: 'client-b',
        clientHost: '/10.0.0.1',
        subscribedTopicNames: ['orders', 'payments'],
        subscribedTopicRegex: null,
        assignment: [],
        targetAssignment: target,
      },
    ]);
    expect(missing).toMatchObject({
      errorCode: 69,
      errorMessage: 'Group missing not found.',
      groupId: 'missing',
      members: [],
    });
  });
});

/** ConsumerProtocolAssignment v0 bytes: version, [topic, [partition]], user data. */
function assignmentBytes(topics: [string, number[]][], userData: Buffer | null = null): Buffer {
  const w = Writer.create().appendInt16(0);
  w.appendArray(
    topics,
    (tw, [name, partitions]) => {
      tw.appendString(name, false).appendArray(partitions, (pw, p) => pw.appendInt32(p), false, false);
    },
    false,
    false,
  );
  w.appendBytes(userData, false);
  return w.buffer;
}

describe('decodeConsumerProtocolAssignment', () => {
  it('decodes topics and partitions', () => {
    const bytes = assignmentBytes([
      ['orders', [0, 2]],
      ['payments', [1]],
    ]);
    expect(decodeConsumerProtocolAssignment(bytes)).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 2 },
      { topic: 'payments', partition: 1 },
    ]);
  });

  it('gives an empty assignment for no bytes, no topics or truncated bytes', () => {
    expect(decodeConsumerProtocolAssignment(undefined)).toEqual([]);
    expect(decodeConsumerProtocolAssignment(Buffer.alloc(0))).toEqual([]);
    expect(decodeConsumerProtocolAssignment(assignmentBytes([]))).toEqual([]);
    const full = assignmentBytes([['orders', [0, 1, 2]]]);
    expect(decodeConsumerProtocolAssignment(full.subarray(0, full.length - 8))).toEqual([]);
  });
});
