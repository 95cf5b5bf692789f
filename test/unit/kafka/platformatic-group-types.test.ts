/**
 * Codecs of src/kafka/platformatic-group-types.ts against bytes written by kafka-clients 4.3.1 itself
 * (`XxxData.write` through `MessageUtil.toByteBufferAccessor`, i.e. the broker's own serialisation), so a
 * misread field order, a nullable struct or a tagged-field section shows up here and not only on a live
 * broker. The Java that produced GOLDEN is described next to each value.
 */
import { Reader } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import {
  DESCRIBE_SHARE_GROUP_OFFSETS,
  SHARE_GROUP_DESCRIBE,
  STREAMS_GROUP_DESCRIBE,
  encodeDescribeShareGroupOffsetsRequest,
  encodeGroupDescribeRequest,
  negotiateVersion,
  parseDescribeShareGroupOffsets,
  parseShareGroupDescribeV1,
  parseStreamsGroupDescribeV0,
  shareGroupDescription,
  shareGroupOffsets,
  streamsActivePartitions,
  streamsGroupDescription,
} from '../../../src/kafka/platformatic-group-types.js';

/**
 * Hex of response and request bodies (no header), from kafka-clients 4.3.1:
 * - share77v1: ShareGroupDescribeResponseData v1, throttle 7; group `share-app` (Stable, epochs 3/3,
 *   assignor `simple`) with member m-1 (rack-a, client-1, /127.0.0.1, subscribed orders+payments, assigned
 *   payments [0] and orders [2, 0, 1]) and m-2 (no rack, client-2, /10.0.0.2, empty assignment); group `nope`
 *   with error 69 "Group nope not found.".
 * - streams89v0: StreamsGroupDescribeResponseData v0; group `streams-app` (Stable, 5/5) with topology epoch 0:
 *   sub-topology 0 (source orders, a repartition sink, a changelog with cleanup.policy=compact) and 1
 *   (repartition source `streams-app-KSTREAM-REPARTITION-0000000003-repartition`, 3 partitions, RF 1);
 *   member s-1 (instance-1, endpoint localhost:65001, tag zone=a, task offset (0, 1, 1234567890123), active
 *   tasks 0:[2, 0] and 1:[1], standby 0:[1]) and s-2 (classic, no endpoint, active task 9:[0] of an unknown
 *   sub-topology); group `not-ready` (NotReady, topology null); group `nope` (error 69).
 * - offsets90v0/v1: DescribeShareGroupOffsetsResponseData; group `share-app`, topic orders: partition 1
 *   (start 7, lag 3), 0 (start 4, lag -1), 2 (start -1), 3 (error 6 "not leader", lag left at its default -1); group `denied` (error 30).
 * - requests: ShareGroupDescribeRequestData v1 [share-app, nope]; StreamsGroupDescribeRequestData v0
 *   [streams-app]; DescribeShareGroupOffsetsRequestData v1 [share-app, other], topics null.
 */
const GOLDEN = {
  share77v1: [
    '00000007030000000a73686172652d61707007537461626c6500000003000000030773696d706c6503046d2d31077261',
    '636b2d610000000309636c69656e742d310b2f3132372e302e302e3103076f7264657273097061796d656e7473030000',
    '0000000000000000000000000001097061796d656e74730200000000006f1c2a5e0d3b4c8e9a7f1b2c3d4e5f60076f72',
    '6465727304000000020000000000000001000000046d2d32000000000209636c69656e742d320a2f31302e302e302e32',
    '02076f7264657273010000800000000000451647726f7570206e6f7065206e6f7420666f756e642e056e6f7065010000',
    '0000000000000101800000000000',
  ].join(''),
  streams89v0: [
    '00000000040000000c73747265616d732d61707007537461626c650000000500000005010000000003023002076f7264',
    '657273023773747265616d732d6170702d4b53545245414d2d5245504152544954494f4e2d303030303030303030332d',
    '7265706172746974696f6e021c73747265616d732d6170702d73746f72652d6368616e67656c6f67000000000000020f',
    '636c65616e75702e706f6c69637908636f6d70616374000001000231010101023773747265616d732d6170702d4b5354',
    '5245414d2d5245504152544954494f4e2d303030303030303030332d7265706172746974696f6e000000030001010000',
    '000304732d31000000050b696e7374616e63652d31001c6170702d53747265616d5468726561642d312d636f6e73756d',
    '65720b2f3132372e302e302e31000000002564326135633662342d303030302d343030302d383030302d303030303030',
    '303030303031010a6c6f63616c686f7374fde90002057a6f6e65026100020230000000010000011f71fb04cb00010302',
    '30030000000200000000000231020000000100020230020000000100010001010100000004732d320000000400000661',
    '70702d320b2f3132372e302e302e320000000004702d32ff010101020239020000000000010100010101000100800000',
    '00000000000a6e6f742d7265616479094e6f7452656164790000000100000000ff01800000000000451647726f757020',
    '6e6f7065206e6f7420666f756e642e056e6f7065010000000000000000ff01800000000000',
  ].join(''),
  share77v1Request: ['030a73686172652d617070056e6f70650000'].join(''),
  streams89v0Request: ['020c73747265616d732d6170700000'].join(''),
  offsets90v1Request: ['030a73686172652d6170700000066f74686572000000'].join(''),
  offsets90v0: [
    '00000000030a73686172652d61707002076f72646572736f1c2a5e0d3b4c8e9a7f1b2c3d4e5f60050000000100000000',
    '000000070000000000000000000000000000000000000004000000000000000000000002ffffffffffffffff00000000',
    '000000000000000300000000000000000000000000060b6e6f74206c65616465720000000000000764656e6965640100',
    '1e000000',
  ].join(''),
  offsets90v1: [
    '00000000030a73686172652d61707002076f72646572736f1c2a5e0d3b4c8e9a7f1b2c3d4e5f60050000000100000000',
    '000000070000000000000000000000030000000000000000000000000000000400000000ffffffffffffffff00000000',
    '00000002ffffffffffffffff00000000ffffffffffffffff0000000000000003000000000000000000000000ffffffff',
    'ffffffff00060b6e6f74206c65616465720000000000000764656e69656401001e000000',
  ].join(''),
};

const ORDERS_ID = '6f1c2a5e-0d3b-4c8e-9a7f-1b2c3d4e5f60';

function reader(hex: string): Reader {
  return Reader.from(Buffer.from(hex, 'hex'));
}

describe('negotiateVersion', () => {
  it('picks the highest version both sides implement', () => {
    expect(negotiateVersion(DESCRIBE_SHARE_GROUP_OFFSETS, { minVersion: 0, maxVersion: 1 })).toBe(1);
    expect(negotiateVersion(DESCRIBE_SHARE_GROUP_OFFSETS, { minVersion: 0, maxVersion: 0 })).toBe(0);
    expect(negotiateVersion(DESCRIBE_SHARE_GROUP_OFFSETS, { minVersion: 0, maxVersion: 5 })).toBe(1);
    expect(negotiateVersion(SHARE_GROUP_DESCRIBE, { minVersion: 1, maxVersion: 2 })).toBe(1);
    expect(negotiateVersion(STREAMS_GROUP_DESCRIBE, { minVersion: 0, maxVersion: 0 })).toBe(0);
  });

  it('gives null when the broker lacks the API or the ranges do not overlap', () => {
    expect(negotiateVersion(SHARE_GROUP_DESCRIBE, null)).toBeNull();
    // Kafka 4.0's early-access ShareGroupDescribe v0 only.
    expect(negotiateVersion(SHARE_GROUP_DESCRIBE, { minVersion: 0, maxVersion: 0 })).toBeNull();
    expect(negotiateVersion(STREAMS_GROUP_DESCRIBE, { minVersion: 1, maxVersion: 3 })).toBeNull();
  });
});

describe('request encoders', () => {
  it('ShareGroupDescribe v1 and StreamsGroupDescribe v0 requests match kafka-clients', () => {
    expect(encodeGroupDescribeRequest(['share-app', 'nope'], false).buffer.toString('hex')).toBe(
      GOLDEN.share77v1Request,
    );
    expect(encodeGroupDescribeRequest(['streams-app'], false).buffer.toString('hex')).toBe(
      GOLDEN.streams89v0Request,
    );
  });

  it('DescribeShareGroupOffsets v0/v1 asks for every topic of each group (topics null)', () => {
    const bytes = encodeDescribeShareGroupOffsetsRequest(['share-app', 'other']).buffer;
    expect(bytes.toString('hex')).toBe(GOLDEN.offsets90v1Request);
  });
});

describe('ShareGroupDescribe v1', () => {
  const r = reader(GOLDEN.share77v1);
  const response = parseShareGroupDescribeV1(r);

  it('reads every field and consumes the whole body', () => {
    expect(r.remaining).toBe(0);
    expect(response.throttleTimeMs).toBe(7);
    expect(response.groups).toEqual([
      {
        errorCode: 0,
        errorMessage: null,
        groupId: 'share-app',
        groupState: 'Stable',
        groupEpoch: 3,
        assignmentEpoch: 3,
        assignorName: 'simple',
        members: [
          {
            memberId: 'm-1',
            rackId: 'rack-a',
            memberEpoch: 3,
            clientId: 'client-1',
            clientHost: '/127.0.0.1',
            subscribedTopicNames: ['orders', 'payments'],
            assignment: [
              { topic: 'payments', partition: 0 },
              { topic: 'orders', partition: 2 },
              { topic: 'orders', partition: 0 },
              { topic: 'orders', partition: 1 },
            ],
          },
          {
            memberId: 'm-2',
            rackId: null,
            memberEpoch: 2,
            clientId: 'client-2',
            clientHost: '/10.0.0.2',
            subscribedTopicNames: ['orders'],
            assignment: [],
          },
        ],
        authorizedOperations: -2147483648,
      },
      {
        errorCode: 69,
        errorMessage: 'Group nope not found.',
        groupId: 'nope',
        groupState: '',
        groupEpoch: 0,
        assignmentEpoch: 0,
        assignorName: '',
        members: [],
        authorizedOperations: -2147483648,
      },
    ]);
  });

  it('maps to the port: type share, assignor as protocol, no instance id, sorted assignment', () => {
    const [described, missing] = response.groups;
    if (!described || !missing) throw new Error('two groups expected');
    expect(shareGroupDescription(described, 'share')).toEqual({
      ok: true,
      value: {
        groupId: 'share-app',
        type: 'share',
        state: 'Stable',
        protocolType: 'share',
        protocol: 'simple',
        members: [
          {
            memberId: 'm-1',
            groupInstanceId: null,
            clientId: 'client-1',
            clientHost: '/127.0.0.1',
            assignment: [
              { topic: 'orders', partition: 0 },
              { topic: 'orders', partition: 1 },
              { topic: 'orders', partition: 2 },
              { topic: 'payments', partition: 0 },
            ],
          },
          {
            memberId: 'm-2',
            groupInstanceId: null,
            clientId: 'client-2',
            clientHost: '/10.0.0.2',
            assignment: [],
          },
        ],
      },
    });
    expect(shareGroupDescription(missing, 'share')).toEqual({
      ok: false,
      error: { code: 69, name: 'GROUP_ID_NOT_FOUND', message: 'Group nope not found.' },
    });
  });
});

describe('StreamsGroupDescribe v0', () => {
  const r = reader(GOLDEN.streams89v0);
  const response = parseStreamsGroupDescribeV0(r);
  const [app, notReady, missing] = response.groups;

  it('reads the topology, nullable structs, task offsets and assignments, and consumes the whole body', () => {
    expect(r.remaining).toBe(0);
    expect(response.groups).toHaveLength(3);
    expect(app?.topology).toEqual({
      epoch: 0,
      subtopologies: [
        {
          subtopologyId: '0',
          sourceTopics: ['orders'],
          repartitionSinkTopics: ['streams-app-KSTREAM-REPARTITION-0000000003-repartition'],
          stateChangelogTopics: [
            {
              name: 'streams-app-store-changelog',
              partitions: 0,
              replicationFactor: 0,
              topicConfigs: [{ key: 'cleanup.policy', value: 'compact' }],
            },
          ],
          repartitionSourceTopics: [],
        },
        {
          subtopologyId: '1',
          sourceTopics: [],
          repartitionSinkTopics: [],
          stateChangelogTopics: [],
          repartitionSourceTopics: [
            {
              name: 'streams-app-KSTREAM-REPARTITION-0000000003-repartition',
              partitions: 3,
              replicationFactor: 1,
              topicConfigs: [],
            },
          ],
        },
      ],
    });
    expect(app?.members[0]).toEqual({
      memberId: 's-1',
      memberEpoch: 5,
      instanceId: 'instance-1',
      rackId: null,
      clientId: 'app-StreamThread-1-consumer',
      clientHost: '/127.0.0.1',
      topologyEpoch: 0,
      processId: 'd2a5c6b4-0000-4000-8000-000000000001',
      userEndpoint: { host: 'localhost', port: 65001 },
      clientTags: [{ key: 'zone', value: 'a' }],
      taskOffsets: [{ subtopologyId: '0', partition: 1, offset: 1234567890123n }],
      taskEndOffsets: [],
      assignment: {
        activeTasks: [
          { subtopologyId: '0', partitions: [2, 0] },
          { subtopologyId: '1', partitions: [1] },
        ],
        standbyTasks: [{ subtopologyId: '0', partitions: [1] }],
        warmupTasks: [],
      },
      targetAssignment: { activeTasks: [], standbyTasks: [], warmupTasks: [] },
      isClassic: false,
    });
    expect(app?.members[1]).toMatchObject({
      memberId: 's-2',
      instanceId: null,
      userEndpoint: null,
      isClassic: true,
    });
    expect(notReady).toMatchObject({
      groupId: 'not-ready',
      groupState: 'NotReady',
      topology: null,
      members: [],
    });
    expect(missing).toMatchObject({ groupId: 'nope', errorCode: 69, errorMessage: 'Group nope not found.' });
  });

  it('maps active tasks to the partitions of their sub-topology source and repartition-source topics', () => {
    if (!app) throw new Error('group expected');
    expect(streamsGroupDescription(app, 'streams')).toEqual({
      ok: true,
      value: {
        groupId: 'streams-app',
        type: 'streams',
        state: 'Stable',
        protocolType: 'streams',
        protocol: '',
        members: [
          {
            memberId: 's-1',
            groupInstanceId: 'instance-1',
            clientId: 'app-StreamThread-1-consumer',
            clientHost: '/127.0.0.1',
            // Active 0:[2, 0] → orders 0 and 2; active 1:[1] → repartition topic 1; standby 0:[1] left out.
            assignment: [
              { topic: 'orders', partition: 0 },
              { topic: 'orders', partition: 2 },
              { topic: 'streams-app-KSTREAM-REPARTITION-0000000003-repartition', partition: 1 },
            ],
          },
          // Its only task belongs to a sub-topology the topology does not list.
          {
            memberId: 's-2',
            groupInstanceId: null,
            clientId: 'app-2',
            clientHost: '/127.0.0.2',
            assignment: [],
          },
        ],
      },
    });
    if (!missing) throw new Error('group expected');
    expect(streamsGroupDescription(missing, 'streams')).toMatchObject({ ok: false, error: { code: 69 } });
  });

  it('streamsActivePartitions: no topology → nothing; duplicates collapse', () => {
    expect(streamsActivePartitions(null, [{ subtopologyId: '0', partitions: [0] }])).toEqual([]);
    const subtopologies = [
      {
        subtopologyId: 'a',
        sourceTopics: ['x', 'y'],
        repartitionSinkTopics: [],
        stateChangelogTopics: [],
        repartitionSourceTopics: [],
      },
    ];
    expect(
      streamsActivePartitions(subtopologies, [
        { subtopologyId: 'a', partitions: [1, 0] },
        { subtopologyId: 'a', partitions: [1] },
      ]),
    ).toEqual([
      { topic: 'x', partition: 0 },
      { topic: 'x', partition: 1 },
      { topic: 'y', partition: 0 },
      { topic: 'y', partition: 1 },
    ]);
  });
});

describe('DescribeShareGroupOffsets', () => {
  it.each([
    [0, GOLDEN.offsets90v0],
    [1, GOLDEN.offsets90v1],
  ])('v%i: reads every field and consumes the whole body', (version, hex) => {
    const r = reader(hex);
    const response = parseDescribeShareGroupOffsets(version, r);
    expect(r.remaining).toBe(0);
    const lag = (n: bigint): bigint | null => (version >= 1 ? n : null);
    expect(response).toEqual({
      throttleTimeMs: 0,
      groups: [
        {
          groupId: 'share-app',
          topics: [
            {
              topicName: 'orders',
              topicId: ORDERS_ID,
              partitions: [
                {
                  partitionIndex: 1,
                  startOffset: 7n,
                  leaderEpoch: 0,
                  lag: lag(3n),
                  errorCode: 0,
                  errorMessage: null,
                },
                {
                  partitionIndex: 0,
                  startOffset: 4n,
                  leaderEpoch: 0,
                  lag: lag(-1n),
                  errorCode: 0,
                  errorMessage: null,
                },
                {
                  partitionIndex: 2,
                  startOffset: -1n,
                  leaderEpoch: 0,
                  lag: lag(-1n),
                  errorCode: 0,
                  errorMessage: null,
                },
                {
                  partitionIndex: 3,
                  startOffset: 0n,
                  leaderEpoch: 0,
                  lag: lag(-1n),
                  errorCode: 6,
                  errorMessage: 'not leader',
                },
              ],
            },
          ],
          errorCode: 0,
          errorMessage: null,
        },
        { groupId: 'denied', topics: [], errorCode: 30, errorMessage: null },
      ],
    });
  });

  it('maps to start offsets: skips uninitialised and failed partitions, lag -1 → null, v0 lag null', () => {
    const v1 = parseDescribeShareGroupOffsets(1, reader(GOLDEN.offsets90v1));
    const [app, denied] = v1.groups;
    if (!app || !denied) throw new Error('two groups expected');
    expect(shareGroupOffsets(app)).toEqual({
      ok: true,
      value: [
        { topic: 'orders', partition: 0, startOffset: 4n, lag: null },
        { topic: 'orders', partition: 1, startOffset: 7n, lag: 3n },
      ],
    });
    expect(shareGroupOffsets(denied)).toEqual({
      ok: false,
      error: { code: 30, name: 'GROUP_AUTHORIZATION_FAILED', message: 'Group authorization failed.' },
    });
    const [v0app] = parseDescribeShareGroupOffsets(0, reader(GOLDEN.offsets90v0)).groups;
    if (!v0app) throw new Error('group expected');
    expect(shareGroupOffsets(v0app)).toMatchObject({ ok: true, value: [{ lag: null }, { lag: null }] });
  });
});
