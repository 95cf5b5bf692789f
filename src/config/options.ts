/**
 * The option table: every setting lagwatch accepts, once. The flag parser (flags.ts), the environment
 * reader (env.ts), the config-file reader (file.ts), the help text and docs/configuration.md all follow it.
 *
 * Naming rules derived from an option's `key` (the flag name without dashes, kingpin style):
 * - flag: `--<key>`, e.g. `--poll.interval`; booleans also take `--no-<key>` and `--<key>=true|false`;
 * - environment variable: `LAGWATCH_` + key upper-cased with `.` and `-` turned into `_`, e.g. `LAGWATCH_POLL_INTERVAL`;
 * - YAML (scopes `global` and `cluster`): the key's dotted segments as nested mappings, e.g. `poll: {interval: 30s}`;
 *   cluster-scope options also appear in each `clusters:` entry under {@link OptionSpec.clusterYaml}.
 */

/**
 * How sources read an option's value:
 * - `value`: one text value (`--poll.interval 30s`);
 * - `list`: repeatable flag, comma-separated in the environment, a YAML list;
 * - `boolean`: `--flag`, `--no-flag`, `--flag=false`; `true|false|1|0` in the environment; a YAML boolean;
 * - `labels`: `name=value,…` text in flags and the environment, a YAML mapping.
 */
export type OptionKind = 'value' | 'list' | 'boolean' | 'labels';

/**
 * Where an option applies:
 * - `global`: the process (web, log); flag, environment, YAML top level;
 * - `cluster`: one Kafka cluster; flag, environment, YAML top level (inherited by every cluster entry) and `clusters[]` entries;
 * - `cli`: flags and environment only (`--config.file`, `--version`, `--verbosity`);
 * - `ignored`: kafka_exporter flags accepted for compatibility, ignored with a warning ({@link OptionSpec.ignored} says why);
 * - `unsupported`: kafka_exporter flags lagwatch cannot honour yet; giving them a true value is an error.
 */
export type OptionScope = 'global' | 'cluster' | 'cli' | 'ignored' | 'unsupported';

export interface OptionSpec {
  /** The flag name without dashes, e.g. `poll.interval`. Also the internal name of the setting. */
  readonly key: string;
  readonly kind: OptionKind;
  readonly scope: OptionScope;
  /** Placeholder in the help text, e.g. `<duration>`. */
  readonly valueName?: string;
  /** Heading the option is listed under in `--help`. */
  readonly group: string;
  readonly help: string;
  /** The default, in the option's text form (`30s`, `['kafka:9092']`, `false`). Absent = unset by default. */
  readonly default?: string | readonly string[] | boolean;
  /** How `--help` and the docs show a default that is not a literal value. */
  readonly defaultText?: string;
  /** Path of the setting inside a `clusters:` entry (cluster scope only), e.g. `['brokers']`. */
  readonly clusterYaml?: readonly string[];
  /** Scopes `ignored` and `unsupported`: why lagwatch does not honour the flag (ends the warning or error). */
  readonly reason?: string;
  /** The value is a file path; a relative path in the config file is resolved against the file's directory. */
  readonly isPath?: boolean;
}

const CONNECTION = 'Kafka connection:';
const FILTERS = 'Topic and group filters:';
const POLLING = 'Polling:';
const ANALYSIS = 'Lag in seconds and status:';
const METRICS = 'Exported metrics:';
const SASL = 'SASL:';
const TLS = 'TLS to Kafka:';
const WEB = 'Web and logging:';
const GENERAL = 'General:';
const COMPAT = 'kafka_exporter compatibility (accepted, no effect):';

const SASL_ONLY_UNSUPPORTED =
  'it is used only by SASL mechanisms lagwatch does not support yet (gssapi, awsiam, oauthbearer)';
const NO_ZOOKEEPER = 'Kafka 4 has no ZooKeeper, and lagwatch reads committed offsets from Kafka only';
const NO_SERVER_TLS = 'lagwatch does not serve /metrics over HTTPS yet';

/** Every option, in help order. */
export const OPTIONS = [
  // --- General ------------------------------------------------------------------------------------
  {
    key: 'config.file',
    kind: 'value',
    scope: 'cli',
    valueName: '<path>',
    group: GENERAL,
    help: 'YAML configuration file (see docs/configuration.md); flags and environment variables override it',
  },
  { key: 'version', kind: 'boolean', scope: 'cli', group: GENERAL, help: 'Print the version and exit' },

  // --- Kafka connection ---------------------------------------------------------------------------
  {
    key: 'kafka.server',
    kind: 'list',
    scope: 'cluster',
    valueName: '<host:port>',
    group: CONNECTION,
    help: 'Bootstrap broker; repeat the flag (or separate with commas) for several',
    default: ['kafka:9092'],
    clusterYaml: ['brokers'],
  },
  {
    key: 'kafka.cluster-name',
    kind: 'value',
    scope: 'cluster',
    valueName: '<name>',
    group: CONNECTION,
    help: 'Value of the kafka_cluster label on every Kafka series',
    defaultText: 'the cluster id Kafka reports',
    clusterYaml: ['name'],
  },
  {
    key: 'kafka.labels',
    kind: 'labels',
    scope: 'cluster',
    valueName: '<name=value,...>',
    group: CONNECTION,
    help: 'Constant labels added to every Kafka series, e.g. env=prod,dc=eu1',
    clusterYaml: ['labels'],
  },
  {
    key: 'kafka.client',
    kind: 'value',
    scope: 'cluster',
    valueName: '<client>',
    group: CONNECTION,
    help: 'Kafka client library: platformatic or kafkajs',
    default: 'platformatic',
    clusterYaml: ['client'],
  },
  {
    key: 'kafka.request-timeout',
    kind: 'value',
    scope: 'cluster',
    valueName: '<duration>',
    group: CONNECTION,
    help: 'Timeout of one Kafka request',
    default: '10s',
    clusterYaml: ['request-timeout'],
  },

  // --- Filters ------------------------------------------------------------------------------------
  {
    key: 'topic.filter',
    kind: 'value',
    scope: 'cluster',
    valueName: '<regex>',
    group: FILTERS,
    help: 'Export topics matching this regex (unanchored)',
    default: '.*',
    clusterYaml: ['topic', 'filter'],
  },
  {
    key: 'topic.exclude',
    kind: 'value',
    scope: 'cluster',
    valueName: '<regex>',
    group: FILTERS,
    help: 'Do not export topics matching this regex (unanchored)',
    default: '^$',
    clusterYaml: ['topic', 'exclude'],
  },
  {
    key: 'topic.include-internal',
    kind: 'boolean',
    scope: 'cluster',
    group: FILTERS,
    help: "Also export Kafka's internal topics (__consumer_offsets, __transaction_state, …)",
    default: false,
    clusterYaml: ['topic', 'include-internal'],
  },
  {
    key: 'group.filter',
    kind: 'value',
    scope: 'cluster',
    valueName: '<regex>',
    group: FILTERS,
    help: 'Export consumer groups matching this regex (unanchored)',
    default: '.*',
    clusterYaml: ['group', 'filter'],
  },
  {
    key: 'group.exclude',
    kind: 'value',
    scope: 'cluster',
    valueName: '<regex>',
    group: FILTERS,
    help: 'Do not export consumer groups matching this regex (unanchored)',
    default: '^$',
    clusterYaml: ['group', 'exclude'],
  },

  // --- Polling ------------------------------------------------------------------------------------
  {
    key: 'poll.interval',
    kind: 'value',
    scope: 'cluster',
    valueName: '<duration>',
    group: POLLING,
    help: 'Time between the starts of two polls of a cluster',
    default: '30s',
    clusterYaml: ['poll', 'interval'],
  },
  {
    key: 'poll.timeout',
    kind: 'value',
    scope: 'cluster',
    valueName: '<duration>',
    group: POLLING,
    help: 'Deadline of one poll; at most the poll interval',
    defaultText: '20s, or the poll interval if shorter',
    clusterYaml: ['poll', 'timeout'],
  },

  // --- Lag in seconds and status -------------------------------------------------------------------
  {
    key: 'lag.time.mode',
    kind: 'value',
    scope: 'cluster',
    valueName: '<mode>',
    group: ANALYSIS,
    help: 'How lag in seconds is measured: exact (timestamp of the first unconsumed record, read with Fetch; needs READ on the topic, else falls back to estimate) or estimate (interpolated from earlier high watermarks, no Fetch)',
    default: 'exact',
    clusterYaml: ['lag', 'time', 'mode'],
  },
  {
    key: 'lag.history.size',
    kind: 'value',
    scope: 'cluster',
    valueName: '<n>',
    group: ANALYSIS,
    help: 'High-watermark observations kept per partition to estimate lag in seconds (2 to 10000)',
    default: '60',
    clusterYaml: ['lag', 'history', 'size'],
  },
  {
    key: 'status.window',
    kind: 'value',
    scope: 'cluster',
    valueName: '<n>',
    group: ANALYSIS,
    help: 'Committed-offset changes kept per group partition to evaluate its status (2 to 1000)',
    default: '10',
    clusterYaml: ['status', 'window'],
  },
  {
    key: 'status.allowed-lag',
    kind: 'value',
    scope: 'cluster',
    valueName: '<offsets>',
    group: ANALYSIS,
    help: 'Offset lag at or below which a partition is OK (e.g. 1 for transactional consumers with --lag.time.mode=estimate)',
    default: '0',
    clusterYaml: ['status', 'allowed-lag'],
  },
  {
    key: 'status.min-distance',
    kind: 'value',
    scope: 'cluster',
    valueName: '<duration>',
    group: ANALYSIS,
    help: 'Committed-offset changes closer together than this count as one window entry; 0 counts every change',
    default: '0',
    clusterYaml: ['status', 'min-distance'],
  },

  // --- Exported metrics ---------------------------------------------------------------------------
  {
    key: 'group.metrics.granularity',
    kind: 'value',
    scope: 'cluster',
    valueName: '<level>',
    group: METRICS,
    help: 'partition: every consumer-group series (as kafka_exporter); topic: no per-partition consumer-group series, only per-topic and per-group ones',
    default: 'partition',
    clusterYaml: ['group', 'metrics', 'granularity'],
  },
  {
    key: 'metrics.disable',
    kind: 'list',
    scope: 'cluster',
    valueName: '<metric>',
    group: METRICS,
    help: 'Do not export this Kafka metric family (a kafka_* name from docs/metrics.md); repeat the flag or separate with commas',
    clusterYaml: ['metrics', 'disable'],
  },
  {
    key: 'group.empty-max-age',
    kind: 'value',
    scope: 'cluster',
    valueName: '<duration>',
    group: METRICS,
    help: 'Stop exporting a consumer group once it has been Empty (no members) for longer than this; 0 = never',
    defaultText: 'never',
    clusterYaml: ['group', 'empty-max-age'],
  },

  // --- SASL ---------------------------------------------------------------------------------------
  {
    key: 'sasl.enabled',
    kind: 'boolean',
    scope: 'cluster',
    group: SASL,
    help: 'Authenticate to Kafka with SASL',
    default: false,
    clusterYaml: ['sasl', 'enabled'],
  },
  {
    key: 'sasl.mechanism',
    kind: 'value',
    scope: 'cluster',
    valueName: '<mechanism>',
    group: SASL,
    help: 'plain, scram-sha256 or scram-sha512 (also SCRAM-SHA-256, sha256, …; case-insensitive)',
    defaultText: 'plain',
    clusterYaml: ['sasl', 'mechanism'],
  },
  {
    key: 'sasl.username',
    kind: 'value',
    scope: 'cluster',
    valueName: '<username>',
    group: SASL,
    help: 'SASL user name',
    clusterYaml: ['sasl', 'username'],
  },
  {
    key: 'sasl.password',
    kind: 'value',
    scope: 'cluster',
    valueName: '<password>',
    group: SASL,
    help: 'SASL password; the environment variable SASL_USER_PASSWORD is also read, as in kafka_exporter',
    clusterYaml: ['sasl', 'password'],
  },
  {
    key: 'sasl.password-file',
    kind: 'value',
    scope: 'cluster',
    valueName: '<path>',
    group: SASL,
    help: 'Read the SASL password from this file (one trailing newline is removed); instead of --sasl.password',
    isPath: true,
    clusterYaml: ['sasl', 'password-file'],
  },

  // --- TLS ----------------------------------------------------------------------------------------
  {
    key: 'tls.enabled',
    kind: 'boolean',
    scope: 'cluster',
    group: TLS,
    help: 'Connect to Kafka over TLS',
    default: false,
    clusterYaml: ['tls', 'enabled'],
  },
  {
    key: 'tls.server-name',
    kind: 'value',
    scope: 'cluster',
    valueName: '<name>',
    group: TLS,
    help: 'Server name for SNI and certificate verification',
    defaultText: 'the broker host',
    clusterYaml: ['tls', 'server-name'],
  },
  {
    key: 'tls.ca-file',
    kind: 'value',
    scope: 'cluster',
    valueName: '<path>',
    group: TLS,
    help: 'PEM file of the CA certificates that verify the brokers',
    defaultText: "Node's bundled root certificates",
    isPath: true,
    clusterYaml: ['tls', 'ca-file'],
  },
  {
    key: 'tls.cert-file',
    kind: 'value',
    scope: 'cluster',
    valueName: '<path>',
    group: TLS,
    help: 'PEM client certificate for mutual TLS; needs --tls.key-file',
    isPath: true,
    clusterYaml: ['tls', 'cert-file'],
  },
  {
    key: 'tls.key-file',
    kind: 'value',
    scope: 'cluster',
    valueName: '<path>',
    group: TLS,
    help: 'PEM private key of the client certificate; needs --tls.cert-file',
    isPath: true,
    clusterYaml: ['tls', 'key-file'],
  },
  {
    key: 'tls.insecure-skip-tls-verify',
    kind: 'boolean',
    scope: 'cluster',
    group: TLS,
    help: "Do not verify the brokers' certificates (insecure)",
    default: false,
    clusterYaml: ['tls', 'insecure-skip-tls-verify'],
  },

  // --- Web and logging ----------------------------------------------------------------------------
  {
    key: 'web.listen-address',
    kind: 'value',
    scope: 'global',
    valueName: '<[host]:port>',
    group: WEB,
    help: 'Address of the HTTP server; an empty host (":9308") listens on all interfaces',
    default: ':9308',
  },
  {
    key: 'web.telemetry-path',
    kind: 'value',
    scope: 'global',
    valueName: '<path>',
    group: WEB,
    help: 'Path under which metrics are served',
    default: '/metrics',
  },
  {
    key: 'log.level',
    kind: 'value',
    scope: 'global',
    valueName: '<level>',
    group: WEB,
    help: 'debug, info, warn or error',
    default: 'info',
  },
  {
    key: 'log.format',
    kind: 'value',
    scope: 'global',
    valueName: '<format>',
    group: WEB,
    help: 'logfmt or json',
    default: 'logfmt',
  },
  {
    key: 'verbosity',
    kind: 'value',
    scope: 'cli',
    valueName: '<n>',
    group: WEB,
    help: "kafka_exporter's log verbosity: 0 = --log.level=info, 1 or more = --log.level=debug",
  },

  // --- kafka_exporter compatibility: accepted and ignored -----------------------------------------
  {
    key: 'kafka.version',
    kind: 'value',
    scope: 'ignored',
    valueName: '<version>',
    group: COMPAT,
    help: 'Ignored: API versions are negotiated',
    reason: 'lagwatch negotiates API versions with each broker (ApiVersions)',
  },
  {
    key: 'kafka.allow-auto-topic-creation',
    kind: 'boolean',
    scope: 'ignored',
    group: COMPAT,
    help: 'Ignored: lagwatch never creates topics',
    reason:
      'lagwatch never creates topics (its Metadata requests always send allow_auto_topic_creation=false)',
  },
  {
    key: 'refresh.metadata',
    kind: 'value',
    scope: 'ignored',
    valueName: '<duration>',
    group: COMPAT,
    help: 'Ignored: metadata is read on every poll',
    reason: 'lagwatch reads cluster metadata on every poll (--poll.interval)',
  },
  {
    key: 'offset.show-all',
    kind: 'boolean',
    scope: 'ignored',
    group: COMPAT,
    help: 'Ignored: lagwatch always behaves as --offset.show-all=true',
    reason:
      'lagwatch always reports every committed partition of every group, as kafka_exporter does with --offset.show-all=true',
  },
  {
    key: 'concurrent.enable',
    kind: 'boolean',
    scope: 'ignored',
    group: COMPAT,
    help: 'Ignored: scrapes are served from the last poll',
    reason: 'scrapes are served from the last background poll and never send Kafka requests',
  },
  {
    key: 'topic.workers',
    kind: 'value',
    scope: 'ignored',
    valueName: '<n>',
    group: COMPAT,
    help: 'Ignored: requests are batched per broker',
    reason:
      'lagwatch batches its requests per broker and per group coordinator instead of using worker pools',
  },
  {
    key: 'group.workers',
    kind: 'value',
    scope: 'ignored',
    valueName: '<n>',
    group: COMPAT,
    help: 'Ignored: requests are batched per coordinator',
    reason:
      'lagwatch batches its requests per broker and per group coordinator instead of using worker pools',
  },
  {
    key: 'group.metrics.timeout',
    kind: 'value',
    scope: 'ignored',
    valueName: '<duration>',
    group: COMPAT,
    help: 'Ignored: use --poll.timeout',
    reason: 'the whole poll, groups included, is bounded by --poll.timeout',
  },
  {
    key: 'use.consumelag.zookeeper',
    kind: 'boolean',
    scope: 'ignored',
    group: COMPAT,
    help: 'Ignored: no ZooKeeper',
    reason: NO_ZOOKEEPER,
  },
  {
    key: 'zookeeper.server',
    kind: 'list',
    scope: 'ignored',
    valueName: '<host:port>',
    group: COMPAT,
    help: 'Ignored: no ZooKeeper',
    reason: NO_ZOOKEEPER,
  },
  {
    key: 'log.enable-sarama',
    kind: 'boolean',
    scope: 'ignored',
    group: COMPAT,
    help: 'Ignored: lagwatch does not use sarama',
    reason: 'lagwatch does not use sarama; use --log.level=debug for more detail',
  },
  {
    key: 'sasl.handshake',
    kind: 'boolean',
    scope: 'ignored',
    group: COMPAT,
    help: 'Ignored: the SASL handshake is always sent',
    reason: 'lagwatch always sends SaslHandshake, as Kafka brokers require',
  },
  ...(
    [
      'sasl.aws-region',
      'sasl.oauthbearer-token-url',
      'sasl.oauthbearer-scopes',
      'sasl.service-name',
      'sasl.kerberos-config-path',
      'sasl.realm',
      'sasl.keytab-path',
      'sasl.kerberos-auth-type',
    ] as const
  ).map(
    (key) =>
      ({
        key,
        kind: 'value',
        scope: 'ignored',
        valueName: '<value>',
        group: COMPAT,
        help: 'Ignored: for SASL mechanisms not supported yet',
        reason: SASL_ONLY_UNSUPPORTED,
      }) as const,
  ),
  {
    key: 'sasl.disable-PA-FX-FAST',
    kind: 'boolean',
    scope: 'ignored',
    group: COMPAT,
    help: 'Ignored: for SASL mechanisms not supported yet',
    reason: SASL_ONLY_UNSUPPORTED,
  },
  {
    key: 'server.tls.enabled',
    kind: 'boolean',
    scope: 'unsupported',
    group: COMPAT,
    help: 'Not supported yet: HTTPS for /metrics (an error when true)',
    reason: `${NO_SERVER_TLS}; terminate TLS in a proxy or sidecar in front of lagwatch`,
  },
  ...(
    [
      'server.tls.mutual-auth-enabled',
      'server.tls.ca-file',
      'server.tls.cert-file',
      'server.tls.key-file',
    ] as const
  ).map(
    (key) =>
      ({
        key,
        kind: key === 'server.tls.mutual-auth-enabled' ? 'boolean' : 'value',
        scope: 'ignored',
        valueName: '<value>',
        group: COMPAT,
        help: 'Ignored: HTTPS for /metrics is not supported yet',
        reason: NO_SERVER_TLS,
      }) as const,
  ),
] as const satisfies readonly OptionSpec[];

/** The name of a setting: an option key such as `poll.interval`. */
export type OptionKey = (typeof OPTIONS)[number]['key'];

/** Keys of the options that apply to the whole process (`web.*`, `log.*`). */
export type GlobalKey = Extract<(typeof OPTIONS)[number], { scope: 'global' }>['key'];

/** Keys of the options that apply to one Kafka cluster. */
export type ClusterKey = Extract<(typeof OPTIONS)[number], { scope: 'cluster' }>['key'];

const BY_KEY: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((o): [string, OptionSpec] => [o.key, o]));

/** The option with this key. Throws for an unknown key (a programming error). */
export function option(key: OptionKey): OptionSpec {
  const spec = BY_KEY.get(key);
  if (spec === undefined) throw new Error(`unknown option key ${key}`);
  return spec;
}

/** Every option as the wider {@link OptionSpec} type, in help order. */
export const ALL_OPTIONS: readonly OptionSpec[] = OPTIONS;

/** `--poll.interval` for `poll.interval`. */
export function flagName(key: string): string {
  return `--${key}`;
}

/** `LAGWATCH_POLL_INTERVAL` for `poll.interval`. */
export function envName(key: string): string {
  return `LAGWATCH_${key.toUpperCase().replace(/[.-]/g, '_')}`;
}

/** The YAML path of a top-level (global or cluster scope) option: `['poll', 'interval']` for `poll.interval`. */
export function yamlPath(key: string): readonly string[] {
  return key.split('.');
}

/** Options of scope `global` and `cluster`, the ones a config file may set at its top level. */
export const FILE_OPTIONS: readonly OptionSpec[] = ALL_OPTIONS.filter(
  (o) => o.scope === 'global' || o.scope === 'cluster',
);

/** Options of scope `cluster`, the ones a `clusters:` entry may set. */
export const CLUSTER_OPTIONS: readonly OptionSpec[] = ALL_OPTIONS.filter((o) => o.scope === 'cluster');
