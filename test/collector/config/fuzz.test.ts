import * as room from '../../../lib/collector/config';
import {
  BadKind,
  FuzzCase,
  formatProblems,
  runFuzzCase,
  slotsOf,
  staleExemptions,
  uncovered,
} from '../../helpers/fuzz';

const {
  AttributeAction,
  CollectorConfig,
  CollectorDistribution,
  Connector,
  Exporter,
  Extension,
  LoadBalancingExporter,
  LoadBalancingResolver,
  OtlpExporter,
  OtlpReceiver,
  Policy,
  Processor,
  Receiver,
  TailSamplingProcessor,
} = room;

type Component = room.CollectorComponent;

/** What a component produced: its config, ports, referenced extensions and Secret env (all inspected). */
function out(c: Component): unknown {
  return {
    id: c.id,
    config: c.toConfig(),
    ports: c.listeningPorts(),
    ext: c.referencedExtensions(),
    env: c.secretEnv(),
    problems: c.problems(),
  };
}

/** Free-form config values: any JSON value is fine, only NaN, Infinity and functions are not config values. */
const FREE: readonly BadKind[] = [
  'null',
  'negative',
  'string',
  'numeric-string',
  'number',
  'boolean',
  'list',
  'object',
];

/** A YAML `key:` with nothing after it is null: the collector treats it as the empty mapping. */
const NULL_MAP: readonly BadKind[] = ['null'];

/** Go durations are strings or a number of nanoseconds (the decoder accepts both). */
const DURATION: readonly BadKind[] = ['number', 'negative'];

/**
 * A parser case: YAML null (`key:` with nothing after it) leaves a key unset for the collector's
 * decoder (and is the empty mapping for a component), so parsers take null as unset at every path of
 * the config argument `configArg`; every other wrong value must be refused.
 */
function parser(c: FuzzCase, configArg = 0): FuzzCase {
  const accepts: Record<string, readonly (BadKind | '*')[]> = { [String(configArg)]: ['null'] };
  for (const path of slotsOf(c.args[configArg])) accepts[[configArg, ...path].join('.')] = ['null'];
  for (const [k, v] of Object.entries(c.accepts ?? {})) accepts[k] = [...(accepts[k] ?? []), ...v];
  return { ...c, accepts };
}

/** A parsed whole config, errors of validate() thrown (a finding names its path). */
function parsedConfig(v: unknown, props?: unknown): unknown {
  const c = CollectorConfig.fromObject(v, props as never);
  const errors = c.validate().filter((f) => f.severity === 'error');
  if (errors.length) throw new Error(room.formatFindings(errors));
  return c.toObject();
}

const tls = {
  insecure: false,
  caFile: '/etc/ca.pem',
  certFile: '/etc/c.pem',
  keyFile: '/etc/k.pem',
  serverNameOverride: 'x',
  minVersion: '1.2',
  maxVersion: '1.3',
  insecureSkipVerify: false,
};
const retry = {
  initialIntervalSec: 1,
  maxIntervalSec: 10,
  maxElapsedTimeSec: 60,
  multiplier: 2,
  randomizationFactor: 0.5,
};
const queue = {
  numConsumers: 2,
  queueSize: 100000,
  sizer: 'items',
  blockOnOverflow: true,
  storage: 'file_storage',
  batch: { flushTimeoutSec: 1, minSize: 10, maxSize: 100 },
};

const backend = {
  backendKind: 'tempo',
  preferredProtocol: 'grpc',
  otlpGrpcUrl: 'http://tempo.obs:4317',
  otlpHttpUrl: 'http://tempo.obs:4318',
  tls: { insecure: true },
  headers: [{ name: 'x-api-key', valueFrom: { name: 'tempo-secret', key: 'key' } }],
};

const leafLatency = () => Policy.latency({ name: 'slow', thresholdMs: 500 });
const leafErrors = () => Policy.statusCode('ERROR', { name: 'errors' });

const cases: FuzzCase[] = [
  // ---------------------------------------------------------------- receivers
  {
    name: 'Receiver.otlp',
    args: [
      {
        name: 'main',
        grpc: {
          endpoint: '0.0.0.0:4317',
          tls: { certFile: '/c.pem', keyFile: '/k.pem', clientCaFile: '/ca.pem', minVersion: '1.2' },
          maxRecvMsgSizeMiB: 8,
          maxConcurrentStreams: 10,
          includeMetadata: true,
        },
        http: {
          endpoint: '0.0.0.0:4318',
          cors: { allowedOrigins: ['https://*.example.com'], allowedHeaders: ['x-a'], maxAgeSec: 60 },
          maxRequestBodySizeMiB: 10,
          includeMetadata: false,
        },
      },
    ],
    call: (p) => out(Receiver.otlp(p as never)),
    // a negative CORS max age asks for no preflight caching (Access-Control-Max-Age: 0)
    accepts: { '0.http.cors.maxAgeSec': ['negative'] },
  },
  {
    name: 'Receiver.otlp (protocol off)',
    args: [{ grpc: false }],
    call: (p) => out(Receiver.otlp(p as never)),
  },
  {
    name: 'Receiver.custom',
    args: [
      'jaeger',
      { protocols: { grpc: { endpoint: '0.0.0.0:14250' } } },
      {
        name: 'j',
        ports: [{ name: 'jaeger-grpc', port: 14250, protocol: 'TCP', appProtocol: 'grpc' }],
        extensions: ['basicauth'],
        secretEnv: [{ name: 'TOKEN', secretKeyRef: { name: 's', key: 'k' } }],
      },
    ],
    call: (t, c, o) => out(Receiver.custom(t as never, c as never, o as never)),
    accepts: { '1.protocols': FREE, '1.protocols.grpc': FREE, '1.protocols.grpc.endpoint': FREE },
  },
  parser({
    name: 'OtlpReceiver.fromConfig',
    args: [
      {
        protocols: {
          grpc: {
            endpoint: '0.0.0.0:4317',
            max_recv_msg_size_mib: 8,
            include_metadata: true,
            tls: { cert_file: '/c', key_file: '/k' },
          },
          http: {
            endpoint: '0.0.0.0:4318',
            max_request_body_size: 1048576,
            cors: { allowed_origins: ['https://a'], max_age: 10 },
          },
        },
      },
      { name: 'x' },
    ],
    call: (c, o) => out(OtlpReceiver.fromConfig(c, o as never)),
    // a negative CORS max_age asks for no preflight caching (the collector accepts it)
    accepts: {
      '0.protocols.grpc': NULL_MAP,
      '0.protocols.http': NULL_MAP,
      '0.protocols.http.cors.max_age': ['negative'],
    },
  }),

  // ---------------------------------------------------------------- processors
  {
    name: 'Processor.memoryLimiter',
    args: [{ name: 'm', checkIntervalSec: 1, limitMiB: 400, spikeLimitMiB: 80 }],
    call: (p) => out(Processor.memoryLimiter(p as never)),
  },
  {
    name: 'Processor.memoryLimiter (percentages)',
    args: [{ limitPercentage: 80, spikeLimitPercentage: 20 }],
    call: (p) => out(Processor.memoryLimiter(p as never)),
  },
  {
    name: 'Processor.batch',
    args: [{ name: 'b', sendBatchSize: 100, sendBatchMaxSize: 200, timeoutSec: 1, metadataKeys: ['tenant'] }],
    call: (p) => out(Processor.batch(p as never)),
  },
  {
    name: 'Processor.k8sAttributes',
    args: [
      {
        passthrough: false,
        filterNodeFromEnvVar: 'K8S_NODE_NAME',
        filterNamespace: 'apps',
        metadata: ['k8s.pod.name'],
        labels: [{ tagName: 'app', key: 'app.kubernetes.io/name', from: 'pod' }],
        annotations: [{ key: 'team', from: 'namespace' }],
        podAssociation: [[{ from: 'resource_attribute', name: 'k8s.pod.ip' }], [{ from: 'connection' }]],
      },
    ],
    call: (p) => out(Processor.k8sAttributes(p as never)),
  },
  {
    name: 'Processor.attributes',
    args: [{ name: 'pii', actions: [AttributeAction.hash('user.email'), AttributeAction.delete('token')] }],
    call: (p) => out(Processor.attributes(p as never)),
  },
  {
    name: 'Processor.attributes (include and exclude)',
    args: [
      {
        actions: [AttributeAction.hash('user.email')],
        include: {
          matchType: 'regexp',
          services: ['^checkout'],
          spanNames: ['^GET '],
          attributes: [{ key: 'tenant', value: 'acme|globex' }],
        },
        exclude: { matchType: 'strict', attributes: [{ key: 'internal', value: true }] },
      },
    ],
    call: (p) => out(Processor.attributes(p as never)),
    // a strict attribute value may be any scalar: a string, a finite number or a boolean
    accepts: { '0.exclude.attributes.0.value': ['string', 'numeric-string', 'number', 'negative'] },
  },
  {
    name: 'Processor.redaction',
    args: [
      {
        name: 'pii',
        allowAllKeys: false,
        allowedKeys: ['http.route'],
        blockedKeyPatterns: ['^password$'],
        blockedValues: ['4[0-9]{12}'],
        allowedValues: ['.+@example\\.com'],
        ignoredKeys: ['safe'],
        ignoredKeyPatterns: ['^otel\\.'],
        hashFunction: 'hmac-sha256',
        hmacKeyFrom: { name: 'redaction', key: 'hmac-key' },
        hmacKeyEnvVar: 'REDACTION_KEY',
        redactAllTypes: true,
        summary: 'info',
      },
    ],
    call: (p) => out(Processor.redaction(p as never)),
  },
  {
    name: 'Processor.resource',
    args: [{ actions: [AttributeAction.upsert('deployment.environment', 'prod')] }],
    call: (p) => out(Processor.resource(p as never)),
  },
  {
    name: 'Processor.probabilisticSampler',
    args: [{ name: 'p', samplingPercentage: 10, hashSeed: 22, mode: 'hash_seed', failClosed: true }],
    call: (p) => out(Processor.probabilisticSampler(p as never)),
  },
  {
    name: 'Processor.tailSampling',
    args: [
      {
        name: 't',
        policies: [leafErrors(), leafLatency()],
        decisionWaitSec: 10,
        numTraces: 100000,
        expectedNewTracesPerSec: 100,
        decisionCache: { sampledCacheSize: 1000, nonSampledCacheSize: 1000 },
        sampleOnFirstMatch: true,
        blockOnOverflow: false,
        decisionWaitAfterRootReceivedSec: 2,
        maximumTraceSizeBytes: 1000000,
        dropPendingTracesOnShutdown: false,
        expectedTraffic: { tracesPerSec: 100, spansPerTrace: 10 },
      },
    ],
    call: (p) => out(Processor.tailSampling(p as never)),
  },
  {
    name: 'TailSamplingProcessor#addPolicy',
    args: [leafLatency()],
    call: (p) => out(Processor.tailSampling({ policies: [leafErrors()] }).addPolicy(p as never)),
  },
  {
    name: 'Processor.custom',
    args: ['transform', { trace_statements: ['set(span.name, "x")'] }, { name: 'tr' }],
    call: (t, c, o) => out(Processor.custom(t as never, c as never, o as never)),
    accepts: { '1.trace_statements': FREE, '1.trace_statements.0': FREE },
  },
  parser({
    name: 'TailSamplingProcessor.fromConfig',
    args: [
      {
        decision_wait: '10s',
        num_traces: 1000,
        expected_new_traces_per_sec: 10,
        decision_cache: { sampled_cache_size: 100 },
        sample_on_first_match: true,
        policies: [
          { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
          {
            name: 'both',
            type: 'and',
            and: {
              and_sub_policy: [
                { name: 'slow', type: 'latency', latency: { threshold_ms: 100 } },
                { name: 'p', type: 'probabilistic', probabilistic: { sampling_percentage: 5 } },
              ],
            },
          },
          {
            name: 'c',
            type: 'composite',
            composite: {
              max_total_spans_per_second: 100,
              policy_order: ['a'],
              composite_sub_policy: [
                { name: 'a', type: 'string_attribute', string_attribute: { key: 'k', values: ['v'] } },
              ],
              rate_allocation: [{ policy: 'a', percent: 50 }],
            },
          },
        ],
      },
      { name: 'x' },
    ],
    call: (c, o) => out(TailSamplingProcessor.fromConfig(c, o as never)),
    accepts: { '0.decision_wait': DURATION, '0.decision_cache': NULL_MAP },
  }),

  // ---------------------------------------------------------------- policies
  {
    name: 'Policy.alwaysSample',
    args: [{ name: 'all' }],
    call: (p) => Policy.alwaysSample(p as never).toObject(),
  },
  {
    name: 'Policy.latency',
    args: [{ name: 'slow', thresholdMs: 100, upperThresholdMs: 1000 }],
    call: (p) => Policy.latency(p as never).toObject(),
  },
  {
    name: 'Policy.numericAttribute',
    args: [{ name: 'n', key: 'http.status_code', minValue: -10, maxValue: 599, invertMatch: false }],
    call: (p) => Policy.numericAttribute(p as never).toObject(),
    accepts: { '0.minValue': ['negative'], '0.maxValue': ['negative'] },
  },
  {
    name: 'Policy.probabilistic',
    args: [{ name: 'p', samplingPercentage: 10, hashSalt: 'salt' }],
    call: (p) => Policy.probabilistic(p as never).toObject(),
    // a number in range is the short form Policy.probabilistic(10)
    accepts: { '0': ['number'] },
  },
  {
    name: 'Policy.probabilistic (a number)',
    args: [10],
    call: (p) => Policy.probabilistic(p as never).toObject(),
    accepts: { '0': ['object'] },
  },
  {
    name: 'Policy.statusCode',
    args: ['ERROR', { name: 'errors' }],
    call: (a, b) => Policy.statusCode(a as never, b as never).toObject(),
  },
  {
    name: 'Policy.stringAttribute',
    args: [
      {
        name: 's',
        key: 'http.route',
        values: ['^/api/.*'],
        enabledRegexMatching: true,
        cacheMaxSize: 10,
        invertMatch: false,
      },
    ],
    call: (p) => Policy.stringAttribute(p as never).toObject(),
  },
  {
    name: 'Policy.rateLimiting',
    args: [{ name: 'r', spansPerSecond: 100 }],
    call: (p) => Policy.rateLimiting(p as never).toObject(),
  },
  {
    name: 'Policy.bytesLimiting',
    args: [{ name: 'b', bytesPerSecond: 1000, burstCapacity: 2000 }],
    call: (p) => Policy.bytesLimiting(p as never).toObject(),
  },
  {
    name: 'Policy.spanCount',
    args: [{ name: 'sc', minSpans: 2, maxSpans: 10 }],
    call: (p) => Policy.spanCount(p as never).toObject(),
  },
  {
    name: 'Policy.traceState',
    args: [{ name: 'ts', key: 'k', values: ['v'] }],
    call: (p) => Policy.traceState(p as never).toObject(),
  },
  {
    name: 'Policy.booleanAttribute',
    args: [{ name: 'ba', key: 'k', value: true, invertMatch: false }],
    call: (p) => Policy.booleanAttribute(p as never).toObject(),
  },
  {
    name: 'Policy.ottlCondition',
    args: [
      {
        name: 'o',
        span: ['attributes["http.route"] == "/health"'],
        spanEvent: ['name == "e"'],
        errorMode: 'ignore',
      },
    ],
    call: (p) => Policy.ottlCondition(p as never).toObject(),
  },
  {
    name: 'Policy.and',
    args: ['both', leafErrors(), leafLatency()],
    call: (n, a, b) => Policy.and(n as never, a as never, b as never).toObject(),
  },
  {
    name: 'Policy.drop',
    args: ['drop', leafErrors()],
    call: (n, a) => Policy.drop(n as never, a as never).toObject(),
  },
  {
    name: 'Policy.not',
    args: ['not', leafErrors()],
    call: (n, a) => Policy.not(n as never, a as never).toObject(),
  },
  {
    name: 'Policy.composite',
    args: [
      {
        name: 'c',
        maxTotalSpansPerSecond: 1000,
        subPolicies: [
          leafErrors(),
          Policy.and('both', Policy.latency({ name: 'l', thresholdMs: 1 }), Policy.probabilistic(5)),
        ],
        policyOrder: ['both', 'errors'],
        rateAllocation: [
          { policy: 'errors', percent: 50 },
          { policy: 'both', percent: 25 },
        ],
      },
    ],
    call: (p) => Policy.composite(p as never).toObject(),
  },
  parser({
    name: 'Policy.fromObject',
    args: [
      {
        name: 'n',
        type: 'not',
        not: {
          not_sub_policy: {
            name: 'o',
            type: 'ottl_condition',
            ottl_condition: { error_mode: 'ignore', span: ['name == "x"'] },
          },
        },
      },
      'policies[0]',
    ],
    call: (v, w) => Policy.fromObject(v, w as never).toObject(),
  }),

  // ---------------------------------------------------------------- attribute actions
  {
    name: 'AttributeAction.insert',
    args: ['k', 'v'],
    call: (k, v) => AttributeAction.insert(k as never, v as never).toConfig(),
    accepts: { '1': ['number', 'negative', 'boolean', 'numeric-string'] },
  },
  {
    name: 'AttributeAction.update',
    args: ['k', 5],
    call: (k, v) => AttributeAction.update(k as never, v as never).toConfig(),
    accepts: { '1': ['string', 'numeric-string', 'negative', 'boolean', 'number'] },
  },
  {
    name: 'AttributeAction.upsert',
    args: ['k', true],
    call: (k, v) => AttributeAction.upsert(k as never, v as never).toConfig(),
    accepts: { '1': ['string', 'numeric-string', 'negative', 'number'] },
  },
  {
    name: 'AttributeAction.upsertFrom',
    args: ['k', 'other'],
    call: (k, v) => AttributeAction.upsertFrom(k as never, v as never).toConfig(),
  },
  { name: 'AttributeAction.delete', args: ['k'], call: (k) => AttributeAction.delete(k as never).toConfig() },
  { name: 'AttributeAction.hash', args: ['k'], call: (k) => AttributeAction.hash(k as never).toConfig() },
  {
    name: 'AttributeAction.extract',
    args: ['http.url', '^(?P<scheme>\\w+)://'],
    call: (k, p) => AttributeAction.extract(k as never, p as never).toConfig(),
  },
  // ---------------------------------------------------------------- exporters
  {
    name: 'Exporter.otlpGrpc',
    args: [
      {
        name: 'tempo',
        endpoint: 'tempo.obs:4317',
        balancerName: 'round_robin',
        tls,
        headers: { 'x-api-key': '${env:KEY}' },
        compression: 'zstd',
        timeoutSec: 5,
        sendingQueue: queue,
        retryOnFailure: retry,
        authenticator: 'bearertokenauth',
        secretEnv: [{ name: 'KEY', secretKeyRef: { name: 's', key: 'k' } }],
      },
    ],
    call: (p) => out(Exporter.otlpGrpc(p as never)),
  },
  {
    name: 'Exporter.otlpGrpc (queue and retry off)',
    args: [{ endpoint: 'tempo.obs:4317', sendingQueue: false, retryOnFailure: false }],
    call: (p) => out(Exporter.otlpGrpc(p as never)),
  },
  {
    name: 'Exporter.otlpHttp',
    args: [
      {
        endpoint: 'https://otlp.example.com:4318',
        encoding: 'json',
        tracesEndpoint: 'https://otlp.example.com/v1/traces',
        tls: { insecure: false },
      },
    ],
    call: (p) => out(Exporter.otlpHttp(p as never)),
  },
  {
    name: 'Exporter.loadBalancing',
    args: [
      {
        name: 'lb',
        resolver: LoadBalancingResolver.k8s({ service: 'gw.obs', ports: [4317] }),
        otlp: { tls: { insecure: true }, compression: 'gzip', timeoutSec: 2, retryOnFailure: retry },
        routingKey: 'attributes',
        routingAttributes: ['tenant'],
        timeoutSec: 3,
        sendingQueue: { queueSize: 100 },
        retryOnFailure: { initialIntervalSec: 1 },
      },
    ],
    call: (p) => out(Exporter.loadBalancing(p as never)),
  },
  {
    name: 'Exporter.debug',
    args: [{ name: 'd', verbosity: 'detailed', samplingInitial: 5, samplingThereafter: 10 }],
    call: (p) => out(Exporter.debug(p as never)),
  },
  parser({
    name: 'Exporter.debugFromConfig',
    args: [
      {
        verbosity: 'normal',
        sampling_initial: 2,
        sampling_thereafter: 1,
        use_internal_logger: true,
        output_paths: ['stdout'],
      },
      { name: 'd' },
    ],
    call: (c, o) => out(Exporter.debugFromConfig(c, o as never)),
  }),

  {
    name: 'Exporter.fromBackend',
    args: [
      backend,
      { name: 'tempo', retryOnFailure: retry, sendingQueue: { queueSize: 10 }, caMountDir: '/etc/ca' },
    ],
    call: (b, o) => out(Exporter.fromBackend(b as never, o as never)),
  },
  {
    name: 'Exporter.custom',
    args: ['otlp_http', { endpoint: 'https://x' }, { name: 'c' }],
    call: (t, c, o) => out(Exporter.custom(t as never, c as never, o as never)),
    accepts: { '1.endpoint': FREE },
  },
  parser(
    {
      name: 'OtlpExporter.fromConfig',
      args: [
        'otlp_grpc',
        {
          endpoint: 'tempo:4317',
          balancer_name: 'pick_first',
          tls: { insecure: true },
          headers: { a: 'b' },
          compression: 'gzip',
          timeout: '5s',
          sending_queue: { enabled: true, queue_size: 10, num_consumers: 2 },
          retry_on_failure: { enabled: true, initial_interval: '1s' },
          auth: { authenticator: 'basicauth' },
        },
        { name: 'x' },
      ],
      call: (t, c, o) => out(OtlpExporter.fromConfig(t as never, c, o as never)),
      accepts: {
        '1.timeout': DURATION,
        '1.retry_on_failure.initial_interval': DURATION,
        '1.tls': NULL_MAP,
        '1.sending_queue': NULL_MAP,
        '1.retry_on_failure': NULL_MAP,
      },
    },
    1,
  ),

  parser({
    name: 'LoadBalancingExporter.fromConfig',
    args: [
      {
        routing_key: 'traceID',
        protocol: { otlp: { tls: { insecure: true }, timeout: '1s' } },
        resolver: { k8s: { service: 'gw.obs', ports: [4317], timeout: '1s', return_hostnames: false } },
      },
      { name: 'lb' },
    ],
    call: (c, o) => out(LoadBalancingExporter.fromConfig(c, o as never)),
    accepts: {
      '0.protocol.otlp.timeout': DURATION,
      '0.resolver.k8s.timeout': DURATION,
      '0.protocol.otlp.tls': NULL_MAP,
    },
  }),

  // ---------------------------------------------------------------- load-balancing resolvers
  {
    name: 'LoadBalancingResolver.static',
    args: [['gw-0:4317', 'gw-1']],
    call: (h) => LoadBalancingResolver.static(h as never).toObject(),
  },
  {
    name: 'LoadBalancingResolver.dns',
    args: [{ hostname: 'gw.obs', port: 4317, intervalSec: 5, timeoutSec: 1 }],
    call: (p) => LoadBalancingResolver.dns(p as never).toObject(),
  },
  {
    name: 'LoadBalancingResolver.k8s',
    args: [{ service: 'gw.obs', ports: [4317], timeoutSec: 1, returnHostnames: true }],
    call: (p) => LoadBalancingResolver.k8s(p as never).toObject(),
  },
  {
    name: 'LoadBalancingResolver.awsCloudMap',
    args: [{ namespace: 'ns', serviceName: 'gw', port: 4317 }],
    call: (p) => LoadBalancingResolver.awsCloudMap(p as never).toObject(),
  },
  parser({
    name: 'LoadBalancingResolver.fromObject',
    args: [{ dns: { hostname: 'gw.obs', port: '4317', interval: '5s' } }, 'resolver'],
    call: (v, w) => LoadBalancingResolver.fromObject(v, w as never).toObject(),
    accepts: { '0.dns.interval': DURATION },
  }),

  // ---------------------------------------------------------------- extensions and connectors
  {
    name: 'Extension.healthCheck',
    args: [{ name: 'h', endpoint: '0.0.0.0:13133', path: '/health' }],
    call: (p) => out(Extension.healthCheck(p as never)),
  },
  {
    name: 'Extension.pprof',
    args: [{ endpoint: 'localhost:1777' }],
    call: (p) => out(Extension.pprof(p as never)),
  },
  {
    name: 'Extension.zpages',
    args: [{ endpoint: '0.0.0.0:55679' }],
    call: (p) => out(Extension.zpages(p as never)),
  },
  {
    name: 'Extension.fileStorage',
    args: [{ name: 'q', directory: '/var/lib/otelcol', timeoutSec: 2, createDirectory: true }],
    call: (p) => out(Extension.fileStorage(p as never)),
    // a negative lock timeout gives up after the first try (bbolt flock); the collector accepts it
    accepts: { '0.timeoutSec': ['negative'] },
  },
  {
    name: 'Extension.custom',
    args: ['bearertokenauth', { token: '${env:TOKEN}' }, { name: 'b' }],
    call: (t, c, o) => out(Extension.custom(t as never, c as never, o as never)),
    accepts: { '1.token': FREE },
  },
  { name: 'Connector.forward', args: [{ name: 'f' }], call: (o) => out(Connector.forward(o as never)) },
  {
    name: 'Connector.custom',
    args: ['span_metrics', { namespace: 'x' }, { name: 's' }],
    call: (t, c, o) => out(Connector.custom(t as never, c as never, o as never)),
    accepts: { '1.namespace': FREE },
  },
  // ---------------------------------------------------------------- distribution, config, functions
  {
    name: 'CollectorDistribution.fromImage',
    args: ['otel/opentelemetry-collector-k8s:0.158.0'],
    call: (i) => CollectorDistribution.fromImage(i as never).id,
  },
  {
    name: 'CollectorDistribution.smallestWith',
    args: [[{ kind: 'processor', type: 'tail_sampling' }]],
    call: (c) => CollectorDistribution.smallestWith(c as never).map((d) => d.id),
  },
  parser({
    name: 'CollectorConfig.fromObject',
    args: [
      {
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
        processors: {
          batch: { timeout: '1s' },
          memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
        },
        exporters: { otlp_grpc: { endpoint: 'tempo:4317', tls: { insecure: true } } },
        extensions: { health_check: { endpoint: '0.0.0.0:13133' } },
        service: {
          extensions: ['health_check'],
          pipelines: {
            traces: {
              receivers: ['otlp'],
              processors: ['memory_limiter', 'batch'],
              exporters: ['otlp_grpc'],
            },
          },
          telemetry: { logs: { level: 'info' }, metrics: { level: 'normal' } },
        },
      },
      { silencedRules: ['unused-component'] },
    ],
    call: (v, p) => parsedConfig(v, p),
    accepts: {
      '0.processors.batch.timeout': DURATION,
      '0.processors.memory_limiter.check_interval': DURATION,
      '0.receivers.otlp.protocols.grpc': NULL_MAP,
      '0.exporters.otlp_grpc.tls': NULL_MAP,
    },
  }),

  // the public methods and constructors of the config model (not entry points of the harness: no constructs)
  {
    name: 'new CollectorConfig',
    args: [
      {
        silencedRules: ['batch-last'],
        telemetry: { metricsPort: 8888, metricsHost: '0.0.0.0', metricsLevel: 'basic', logsLevel: 'warn' },
      },
    ],
    call: (p) => new CollectorConfig(p as never).toObject(),
  },
  {
    name: 'CollectorConfig#addPipeline',
    args: [
      'traces/x',
      {
        receivers: [Receiver.otlp(), 'otlp/2'],
        processors: [Processor.batch(), 'memory_limiter'],
        exporters: [Exporter.debug()],
      },
    ],
    call: (id, p) => {
      const c = new CollectorConfig();
      c.addPipeline(id as never, p as never);
      return c.toObject();
    },
    // a component may be given by its id (an id nothing defines is a validate() finding)
    accepts: Object.fromEntries(
      ['receivers.0', 'processors.0', 'exporters.0'].map((k) => [
        `1.${k}`,
        ['string', 'numeric-string'] as BadKind[],
      ]),
    ),
  },
  {
    name: 'CollectorConfig#insertProcessor',
    args: ['traces', Processor.batch({ name: 'late' }), 0],
    call: (id, p, i) => {
      const c = new CollectorConfig();
      c.addPipeline('traces', { receivers: [Receiver.otlp()], exporters: [Exporter.debug()] });
      c.insertProcessor(id as never, p as never, i as never);
      return c.toObject();
    },
    // a processor may be given by its id
    accepts: { '1': ['string', 'numeric-string'] },
  },
  {
    name: 'CollectorConfig#addExtension',
    args: [Extension.healthCheck(), { enable: false }],
    call: (e, o) => {
      const c = new CollectorConfig();
      c.addExtension(e as never, o as never);
      return c.toObject();
    },
  },
  {
    name: 'CollectorConfig#add',
    args: [Exporter.debug()],
    call: (e) => {
      const c = new CollectorConfig();
      c.add(e as never);
      return c.toObject();
    },
  },
  { name: 'new OtlpReceiver', args: [{ http: false }], call: (p) => out(new OtlpReceiver(p as never)) },
  {
    name: 'new OtlpExporter',
    args: ['otlp_http', { endpoint: 'https://x:4318' }],
    call: (t, p) => out(new OtlpExporter(t as never, p as never)),
  },
  {
    name: 'new LoadBalancingExporter',
    args: [{ resolver: LoadBalancingResolver.static(['gw:4317']) }],
    call: (p) => out(new LoadBalancingExporter(p as never)),
  },
  {
    name: 'new TailSamplingProcessor',
    args: [{ policies: [leafErrors()] }],
    call: (p) => out(new TailSamplingProcessor(p as never)),
  },
  { name: 'envRef', args: ['TOKEN', 'none'], call: (n, d) => room.envRef(n as never, d as never) },
  {
    name: 'formatFindings',
    args: [[{ severity: 'error', rule: 'r', path: 'p', message: 'm' }]],
    call: (f) => room.formatFindings(f as never),
  },
  {
    name: 'sizeTailSampling',
    args: [
      { tracesPerSec: 100, spansPerTrace: 10, decisionWaitSec: 10, avgSpanSizeBytes: 2000, safetyFactor: 2 },
    ],
    call: (p) => room.sizeTailSampling(p as never),
  },
];

/** Entry points with no props to get wrong, or covered under another name. */
const EXEMPT: Record<string, string> = {
  'CollectorDistribution.all': 'takes no arguments',
};

describe('collector config room: wrong-typed and out-of-range props give only our errors', () => {
  test('every public entry point has a case or a stated reason', () => {
    expect(uncovered(room, cases, EXEMPT)).toEqual([]);
    expect(staleExemptions(room, EXEMPT)).toEqual([]);
  });
  test.each(cases.map((c) => [c.name, c]))('%s', (_n, c) => {
    const run = runFuzzCase(c as FuzzCase);
    expect(run.calls).toBeGreaterThan(1);
    expect(formatProblems(run.problems)).toEqual([]);
  });
});
