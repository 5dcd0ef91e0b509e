/**
 * The option matrix: generated collector (and Jaeger / Tempo) configs that together use every public
 * factory and option of the library's collector model and constructs, built only through the public
 * API — `CollectorConfig` with the `Receiver` / `Processor` / `Exporter` / `Extension` / `Connector` /
 * `Policy` factories, and `CollectorAgent`, `TailSamplingGateway`, `TracingStack` with their props —
 * never by writing YAML. Each entry names what it covers; `buildMatrix()` also records what each entry
 * really used (`api-record.ts`), and the coverage test compares that with the API surface read from
 * the type declarations (`api-surface.ts`), minus `NOT_IN_MATRIX` (each with its reason).
 */
import { App, Chart, Testing } from 'cdk8s';
import {
  AgentDelivery,
  AttributeAction,
  Backend,
  CollectorAgent,
  CollectorConfig,
  CollectorDistribution,
  CollectorRuntime,
  CollectorComponent,
  Connector,
  envRef,
  Exporter,
  Extension,
  IndexRotation,
  JaegerStorage,
  LoadBalancingResolver,
  Policy,
  Processor,
  Receiver,
  Sampling,
  StackOperator,
  TailSamplingGateway,
  TempoStorage,
  TempoVersion,
  TracingStack,
  ITraceBackend,
} from '../../../lib';
import { construct, recordApi, RecordedClass } from './api-record';
import { ConfigProgram, findCarriedConfigs } from './emitted';

/** The classes whose static factories the matrix must use. */
export const FACTORY_CLASSES = {
  Receiver,
  Processor,
  Exporter,
  Extension,
  Connector,
  Policy,
  LoadBalancingResolver,
  AttributeAction,
  Backend,
  JaegerStorage,
  TempoStorage,
  TempoVersion,
  IndexRotation,
  CollectorRuntime,
  AgentDelivery,
  Sampling,
  StackOperator,
} as const;

/** The constructs whose props the matrix must use. */
export const CONSTRUCTS = ['CollectorAgent', 'TailSamplingGateway', 'TracingStack'] as const;

/**
 * Factories and options the matrix does not use, each with the reason (prefix match on option paths:
 * an entry `X.y` also exempts `X.y.z`).
 */
export const NOT_IN_MATRIX: Readonly<Record<string, string>> = {
  'Policy.fromObject':
    'a parser, not a factory: exercised by collector-differential.e2e.ts on every tail_sampling mutant',
  'LoadBalancingResolver.fromObject':
    'a parser, not a factory: exercised by collector-differential.e2e.ts on every load_balancing mutant',
  'Exporter.debugFromConfig':
    'a parser, not a factory: exercised by collector-differential.e2e.ts on every debug exporter mutant',
  'TracingStack.instrumentation.':
    'Instrumentation CR settings: no collector or backend config changes (the Instrumentation tests cover them)',
  'CollectorRuntime.operator.operator':
    'orders the collector CRs after an OpenTelemetryOperator construct of the app (dependency only): no collector config change',
  'StackOperator.install':
    'installs the operator (release manifest, cert-manager objects): no collector or backend config; needs the operator release manifest',
  'StackOperator.external.':
    'describes an operator installed elsewhere: nothing of it reaches a collector or backend config',
  'StackOperator.existing':
    "takes an OpenTelemetryOperator construct built with StackOperator.install's props: no collector or backend config",
  'Exporter.otlpGrpc.encoding': 'an OTLP/HTTP option of the shared props type: Exporter.otlpGrpc refuses it',
  'Exporter.otlpGrpc.tracesEndpoint':
    'an OTLP/HTTP option of the shared props type: Exporter.otlpGrpc refuses it',
  'Exporter.otlpHttp.balancerName': 'a gRPC option of the shared props type: Exporter.otlpHttp refuses it',
  'Processor.custom.ports': 'processors listen on no port',
  'Connector.custom.ports': 'connectors listen on no port',
  'Connector.custom.extensions':
    'no connector of the built collector (count, forward, service_graph, span_metrics) references an extension',
  'Exporter.custom.ports':
    'no exporter of the built collector listens on a port (the prometheus exporter is not in otelcol-k8s)',
};

/**
 * Rows of the component type table (`COMPONENT_TYPES`) that no matrix config uses, with the reason.
 * (pprof is used: its entry is a listed known difference, see known-differences.yaml.)
 */
export const TYPES_NOT_IN_MATRIX: Readonly<Record<string, string>> = {
  'receiver:receiver_creator':
    'not in the built collector: the module proxy does not serve receivercreator v0.158.0 (test/e2e/go/otelcol/manifest.yaml)',
  'extension:k8s_observer':
    'not in the built collector: the module proxy does not serve observer/k8sobserver v0.158.0 (test/e2e/go/otelcol/manifest.yaml)',
  'connector:routing':
    'not in the built collector: the module proxy refuses the routingconnector v0.158.0 zip (403) (test/e2e/go/otelcol/manifest.yaml)',
};

/** True when an option path is `exemption` or below it (`X.y` covers `X.y.z` and `X.y[].z`; `X.y.` only below). */
export function isUnder(name: string, exemption: string): boolean {
  if (exemption.endsWith('.')) return name.startsWith(exemption);
  return name === exemption || name.startsWith(`${exemption}.`) || name.startsWith(`${exemption}[`);
}

/** One config of a matrix entry, for the program that reads it. */
export interface MatrixConfig {
  readonly program: ConfigProgram;
  /** Where it comes from, e.g. `OpenTelemetryCollector observability/otel-gateway`. */
  readonly where: string;
  /** The config as an object. */
  readonly config: any;
  /** The config's text as emitted (ConfigMap carriers). */
  readonly text?: string;
  /** The container's env (manifest form), for `podEnv`. */
  readonly env: readonly any[];
  /** The synthesized objects of the entry (construct entries), for `validateManifests`. */
  readonly objects?: readonly any[];
  /** Index in `objects` of the OpenTelemetryCollector CR or ConfigMap that carries the config. */
  readonly carrier?: number;
  /** The ConfigMap key that holds the config (ConfigMap carriers). */
  readonly carrierKey?: string;
  /** The library's own findings on the config (model entries). */
  readonly model?: CollectorConfig;
}

/** A matrix entry: what it covers and the configs it produced. */
export interface MatrixEntry {
  readonly id: string;
  readonly covers: string;
  readonly configs: readonly MatrixConfig[];
  /** What of the API the entry used (recorded). */
  readonly used: ReadonlySet<string>;
}

interface ModelEntry {
  readonly id: string;
  readonly covers: string;
  readonly config: () => CollectorConfig;
  /** Container env the config needs besides its Secret env (manifest form). @default - none */
  readonly env?: readonly any[];
}
interface ConstructEntry {
  readonly id: string;
  readonly covers: string;
  readonly app: (app: App) => void;
}
type EntryDef = ModelEntry | ConstructEntry;

// ---------------------------------------------------------------- model entries

/** `otlp` -> processors -> exporters on the traces pipeline, with health_check. */
function traces(
  processors: CollectorComponent[],
  exporters: CollectorComponent[],
  extra: (c: CollectorConfig) => void = () => undefined,
): CollectorConfig {
  const c = new CollectorConfig();
  c.addExtension(Extension.healthCheck());
  c.addPipeline('traces', {
    receivers: [Receiver.otlp()],
    processors: [Processor.memoryLimiter(), ...processors, Processor.batch()],
    exporters,
  });
  extra(c);
  return c;
}

const TEMPO = 'tempo.observability.svc.cluster.local:4317';
const TLS_DIR = '/etc/otelcol/tls';
const debug = () => Exporter.debug();
const grpc = (name: string, props: Partial<Parameters<typeof Exporter.otlpGrpc>[0]> = {}) =>
  Exporter.otlpGrpc({ name, endpoint: TEMPO, tls: { insecure: true }, ...props });
const http = (name: string, props: Partial<Parameters<typeof Exporter.otlpHttp>[0]> = {}) =>
  Exporter.otlpHttp({ name, endpoint: 'http://tempo.observability.svc.cluster.local:4318', ...props });
const tailSampling = (...policies: Policy[]) => Processor.tailSampling({ decisionWaitSec: 5, policies });

const MODEL_ENTRIES: ModelEntry[] = [
  // --- receivers
  {
    id: 'receiver-otlp-defaults',
    covers: 'Receiver.otlp() with both protocols on their default endpoints',
    config: () => traces([], [debug()]),
  },
  {
    id: 'receiver-otlp-grpc-tls',
    covers:
      'Receiver.otlp grpc only: endpoint, server TLS (cert, key, client CA = mTLS, min_version), max_recv_msg_size_mib, max_concurrent_streams, include_metadata; http: false',
    config: () => {
      const c = new CollectorConfig();
      c.addPipeline('traces', {
        receivers: [
          Receiver.otlp({
            name: 'mtls',
            http: false,
            grpc: {
              endpoint: '0.0.0.0:14317',
              tls: {
                certFile: `${TLS_DIR}/tls.crt`,
                keyFile: `${TLS_DIR}/tls.key`,
                clientCaFile: `${TLS_DIR}/ca.crt`,
                minVersion: '1.3',
              },
              maxRecvMsgSizeMiB: 16,
              maxConcurrentStreams: 100,
              includeMetadata: true,
            },
          }),
        ],
        processors: [Processor.memoryLimiter(), Processor.batch()],
        exporters: [debug()],
      });
      return c;
    },
  },
  {
    id: 'receiver-otlp-http-tls-cors',
    covers:
      'Receiver.otlp http only: endpoint, server TLS, CORS (allowed origins with wildcard, headers, max age), max_request_body_size, include_metadata; grpc: false',
    config: () => {
      const c = new CollectorConfig();
      c.addPipeline('traces', {
        receivers: [
          Receiver.otlp({
            name: 'browser',
            grpc: false,
            http: {
              endpoint: '0.0.0.0:14318',
              tls: { certFile: `${TLS_DIR}/tls.crt`, keyFile: `${TLS_DIR}/tls.key`, minVersion: '1.2' },
              cors: {
                allowedOrigins: ['https://*.example.com', 'https://app.example.org'],
                allowedHeaders: ['X-Tenant'],
                maxAgeSec: 600,
              },
              maxRequestBodySizeMiB: 8,
              includeMetadata: true,
            },
          }),
        ],
        processors: [Processor.memoryLimiter(), Processor.batch()],
        exporters: [debug()],
      });
      return c;
    },
  },
  {
    id: 'receiver-custom-types',
    covers:
      'Receiver.custom for every receiver type of the type table in this build (jaeger, zipkin, prometheus, file_log, host_metrics) with declared ports, on traces / metrics / logs pipelines',
    config: () => {
      const c = new CollectorConfig();
      c.addExtension(Extension.healthCheck());
      const ml = Processor.memoryLimiter();
      const batch = Processor.batch();
      const out = debug();
      c.addPipeline('traces', {
        receivers: [
          Receiver.otlp(),
          Receiver.custom(
            'jaeger',
            {
              protocols: { grpc: { endpoint: '0.0.0.0:14250' }, thrift_http: { endpoint: '0.0.0.0:14268' } },
            },
            {
              ports: [
                { name: 'jaeger-grpc', port: 14250, protocol: 'TCP', appProtocol: 'grpc' },
                { name: 'jaeger-http', port: 14268, protocol: 'TCP' },
              ],
            },
          ),
          Receiver.custom(
            'zipkin',
            { endpoint: '0.0.0.0:9411' },
            { ports: [{ name: 'zipkin', port: 9411, protocol: 'TCP' }] },
          ),
        ],
        processors: [ml, batch],
        exporters: [out],
      });
      c.addPipeline('metrics', {
        receivers: [
          Receiver.custom('prometheus', {
            config: {
              scrape_configs: [
                {
                  job_name: 'self',
                  scrape_interval: '30s',
                  static_configs: [{ targets: ['127.0.0.1:8888'] }],
                },
              ],
            },
          }),
          Receiver.custom('host_metrics', { collection_interval: '30s', scrapers: { cpu: {}, memory: {} } }),
        ],
        processors: [ml, batch],
        exporters: [out],
      });
      c.addPipeline('logs', {
        receivers: [Receiver.custom('file_log', { include: ['/var/log/pods/*/*/*.log'], start_at: 'end' })],
        processors: [ml, batch],
        exporters: [out],
      });
      return c;
    },
  },
  // --- processors
  {
    id: 'processor-memory-limiter-mib',
    covers:
      'Processor.memoryLimiter MiB form (limit_mib, spike_limit_mib, check_interval) and a second, named one with limit_mib only',
    config: () => {
      const c = new CollectorConfig();
      const batch = Processor.batch();
      const out = debug();
      c.addPipeline('traces', {
        receivers: [Receiver.otlp()],
        processors: [
          Processor.memoryLimiter({ checkIntervalSec: 0.5, limitMiB: 400, spikeLimitMiB: 80 }),
          batch,
        ],
        exporters: [out],
      });
      c.addPipeline('traces/2', {
        receivers: [
          Receiver.otlp({
            name: 'two',
            grpc: { endpoint: '0.0.0.0:24317' },
            http: { endpoint: '0.0.0.0:24318' },
          }),
        ],
        processors: [Processor.memoryLimiter({ name: 'fixed', limitMiB: 300 }), batch],
        exporters: [out],
      });
      return c;
    },
  },
  {
    id: 'processor-redaction',
    covers:
      'Processor.redaction (PII): allow-all with blocked key patterns and values, sha3 hashing and a summary; an allow list with ignored keys and patterns, allowed values, redact_all_types and hmac-sha256 with the key from a Secret (env var named)',
    config: () => {
      const c = new CollectorConfig();
      c.addPipeline('traces', {
        receivers: [Receiver.otlp()],
        processors: [
          Processor.redaction({
            name: 'mask',
            allowAllKeys: true,
            blockedKeyPatterns: ['.*token.*', '^password$'],
            blockedValues: ['4[0-9]{12}(?:[0-9]{3})?', '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}'],
            hashFunction: 'sha3',
            summary: 'info',
          }),
          Processor.redaction({
            name: 'allowlist',
            allowedKeys: ['http.request.method', 'http.route', 'http.response.status_code', 'service.name'],
            ignoredKeys: ['trace.internal'],
            ignoredKeyPatterns: ['^k8s\\.'],
            allowedValues: ['.+@example\\.com'],
            blockedValues: ['[0-9]{3}-[0-9]{2}-[0-9]{4}'],
            redactAllTypes: true,
            hashFunction: 'hmac-sha256',
            hmacKeyFrom: { name: 'redaction-hmac', key: 'key-material-32-bytes' },
            hmacKeyEnvVar: 'REDACTION_HMAC_KEY',
            summary: 'silent',
          }),
          Processor.batch(),
        ],
        exporters: [debug()],
      });
      return c;
    },
  },
  {
    id: 'processor-attributes-include-exclude',
    covers: 'Processor.attributes include/exclude match properties: strict services and span names, regexp attributes with and without a value',
    config: () => {
      const c = new CollectorConfig();
      c.addPipeline('traces', {
        receivers: [Receiver.otlp()],
        processors: [
          Processor.attributes({
            name: 'checkout-pii',
            actions: [AttributeAction.hash('enduser.id')],
            include: { matchType: 'strict', services: ['checkout'], spanNames: ['POST /pay'] },
            exclude: { matchType: 'regexp', attributes: [{ key: 'http.route', value: '^/health.*' }, { key: 'synthetic' }] },
          }),
          Processor.attributes({
            name: 'drop-debug',
            actions: [AttributeAction.delete('debug.payload')],
            include: { matchType: 'strict', attributes: [{ key: 'debug.payload' }, { key: 'env', value: 'prod' }] },
            exclude: { matchType: 'regexp', services: ['^internal-.*'], spanNames: ['^health.*'] },
          }),
          Processor.batch(),
        ],
        exporters: [debug()],
      });
      return c;
    },
  },
  {
    id: 'processor-memory-limiter-percentage',
    covers:
      'Processor.memoryLimiter percentage form (limit_percentage, spike_limit_percentage, check_interval)',
    config: () =>
      traces([], [debug()], (c) =>
        c.insertProcessor(
          'traces',
          Processor.memoryLimiter({
            name: 'pct',
            checkIntervalSec: 2,
            limitPercentage: 75,
            spikeLimitPercentage: 15,
          }),
          1,
        ),
      ),
  },
  {
    id: 'processor-batch-options',
    covers: 'Processor.batch send_batch_size, send_batch_max_size, timeout (sub-second), metadata_keys',
    config: () => {
      const c = new CollectorConfig();
      c.addPipeline('traces', {
        receivers: [Receiver.otlp({ grpc: { includeMetadata: true } })],
        processors: [
          Processor.memoryLimiter(),
          Processor.batch({
            name: 'tenant',
            sendBatchSize: 1024,
            sendBatchMaxSize: 2048,
            timeoutSec: 0.5,
            metadataKeys: ['x-tenant'],
          }),
        ],
        exporters: [debug()],
      });
      return c;
    },
  },
  {
    id: 'processor-k8s-attributes-full',
    covers:
      'Processor.k8sAttributes extraction: node filter from env, namespace filter, metadata, pod/namespace/node labels and annotations with tag names, pod_association from resource_attribute and connection',
    env: [{ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    config: () =>
      traces(
        [
          Processor.k8sAttributes({
            filterNodeFromEnvVar: 'K8S_NODE_NAME',
            filterNamespace: 'shop',
            metadata: [
              'k8s.pod.name',
              'k8s.pod.uid',
              'k8s.namespace.name',
              'k8s.node.name',
              'k8s.deployment.name',
            ],
            labels: [
              { tagName: 'app', key: 'app.kubernetes.io/name', from: 'pod' },
              { key: 'team', from: 'namespace' },
              { key: 'topology.kubernetes.io/zone', from: 'node' },
            ],
            annotations: [
              { tagName: 'owner', key: 'example.com/owner', from: 'pod' },
              { key: 'example.com/cost-center' },
            ],
            podAssociation: [
              [{ from: 'resource_attribute', name: 'k8s.pod.ip' }],
              [{ from: 'resource_attribute', name: 'k8s.pod.uid' }],
              [{ from: 'connection' }],
            ],
          }),
        ],
        [debug()],
      ),
  },
  {
    id: 'processor-k8s-attributes-passthrough',
    covers: 'Processor.k8sAttributes passthrough (agent in front of a gateway)',
    config: () => traces([Processor.k8sAttributes({ name: 'pass', passthrough: true })], [debug()]),
  },
  {
    id: 'processor-resource-actions',
    covers:
      'Processor.resource with every AttributeAction: insert, update, upsert, upsertFrom, delete, hash, extract',
    config: () =>
      traces(
        [
          Processor.resource({
            actions: [
              AttributeAction.insert('deployment.environment', 'prod'),
              AttributeAction.update('service.version', 2),
              AttributeAction.upsert('cluster.primary', true),
              AttributeAction.upsertFrom('k8s.cluster.name', 'cluster'),
              AttributeAction.delete('process.command_line'),
              AttributeAction.hash('host.id'),
              AttributeAction.extract(
                'service.name',
                '^(?P<service_namespace>[a-z]+)-(?P<service_short>.*)$',
              ),
            ],
          }),
        ],
        [debug()],
      ),
  },
  {
    id: 'processor-attributes-actions',
    covers:
      'Processor.attributes with every AttributeAction on span attributes (hash of PII, extract with named groups, ...)',
    config: () =>
      traces(
        [
          Processor.attributes({
            name: 'pii',
            actions: [
              AttributeAction.hash('user.id'),
              AttributeAction.delete('http.request.header.authorization'),
              AttributeAction.insert('tier', 'web'),
              AttributeAction.update('retries', 0),
              AttributeAction.upsert('sampled.by', 'gateway'),
              AttributeAction.upsertFrom('peer.service', 'server.address'),
              AttributeAction.extract('url.path', '^/(?P<url_resource>[a-z]+)/(?P<url_id>[0-9]+)$'),
            ],
          }),
        ],
        [debug()],
      ),
  },
  {
    id: 'processor-probabilistic-sampler-modes',
    covers:
      'Processor.probabilisticSampler in each mode: hash_seed (hash_seed set), proportional, equalizing; fail_closed',
    config: () => {
      const c = new CollectorConfig();
      const [ml, batch, out] = [Processor.memoryLimiter(), Processor.batch(), debug()];
      const modes: Array<['hash_seed' | 'proportional' | 'equalizing', number]> = [
        ['hash_seed', 14317],
        ['proportional', 24317],
        ['equalizing', 34317],
      ];
      for (const [mode, port] of modes) {
        c.addPipeline(`traces/${mode}`, {
          receivers: [Receiver.otlp({ name: mode, grpc: { endpoint: `0.0.0.0:${port}` }, http: false })],
          processors: [
            ml,
            Processor.probabilisticSampler({
              name: mode,
              samplingPercentage: 25,
              mode,
              ...(mode === 'hash_seed' ? { hashSeed: 22 } : {}),
              failClosed: mode !== 'equalizing',
            }),
            batch,
          ],
          exporters: [out],
        });
      }
      return c;
    },
  },
  {
    id: 'processor-custom-types',
    covers:
      'Processor.custom for the processor types of the type table not modelled by a factory (filter, transform, span)',
    config: () =>
      traces(
        [
          Processor.custom('filter', {
            error_mode: 'ignore',
            traces: { span: ['attributes["http.route"] == "/healthz"'] },
          }),
          Processor.custom('transform', {
            error_mode: 'ignore',
            trace_statements: [{ context: 'span', statements: ['set(attributes["tier"], "web")'] }],
          }),
          Processor.custom('span', {
            name: { from_attributes: ['http.method', 'http.route'], separator: ' ' },
          }),
        ],
        [debug()],
      ),
  },
  // --- tail sampling
  ...tailSamplingEntries(),
  // --- exporters
  {
    id: 'exporter-otlp-grpc-tls-variants',
    covers:
      'Exporter.otlpGrpc TLS variants: insecure, system roots, CA file, mTLS client cert/key, server_name_override, insecure_skip_verify, min/max version; endpoint forms host:port, https://, dns:///; balancer_name',
    config: () =>
      traces(
        [],
        [
          grpc('plain', { tls: { insecure: true }, balancerName: 'pick_first' }),
          grpc('roots', { endpoint: 'https://otlp.vendor.example.com:443', tls: {} }),
          grpc('ca', {
            endpoint: 'dns:///tempo.observability.svc.cluster.local:4317',
            tls: {
              caFile: `${TLS_DIR}/ca.crt`,
              serverNameOverride: 'tempo.internal',
              minVersion: '1.2',
              maxVersion: '1.3',
            },
            balancerName: 'round_robin',
          }),
          grpc('mtls', {
            tls: {
              caFile: `${TLS_DIR}/ca.crt`,
              certFile: `${TLS_DIR}/tls.crt`,
              keyFile: `${TLS_DIR}/tls.key`,
            },
          }),
          grpc('skip', { tls: { insecureSkipVerify: true } }),
        ],
      ),
  },
  {
    id: 'exporter-otlp-grpc-headers-compression-timeout',
    covers:
      'Exporter.otlpGrpc headers from Secret-backed env refs (envRef, with default), every gRPC compression, timeout',
    config: () =>
      traces(
        [],
        [
          grpc('auth', {
            headers: {
              authorization: envRef('OTEL_AUTH_HEADER'),
              'x-tenant': envRef('OTEL_TENANT', 'default'),
            },
            secretEnv: [{ name: 'OTEL_AUTH_HEADER', secretKeyRef: { name: 'vendor', key: 'auth' } }],
            timeoutSec: 10,
          }),
          ...(['gzip', 'zstd', 'snappy', 'none'] as const).map((compression) =>
            grpc(`c-${compression}`, { compression }),
          ),
        ],
      ),
  },
  {
    id: 'exporter-otlp-queue-retry',
    covers:
      'sending_queue (num_consumers, queue_size, sizer, block_on_overflow, batch flush_timeout/min/max) and retry_on_failure (all intervals, multiplier, randomization) on OTLP exporters; both disabled (false)',
    config: () =>
      traces(
        [],
        [
          grpc('tuned', {
            sendingQueue: {
              numConsumers: 4,
              queueSize: 5000,
              sizer: 'items',
              blockOnOverflow: true,
              batch: { flushTimeoutSec: 0.2, minSize: 1000, maxSize: 4000 },
            },
            retryOnFailure: {
              initialIntervalSec: 1,
              maxIntervalSec: 10,
              maxElapsedTimeSec: 120,
              multiplier: 2,
              randomizationFactor: 0.3,
            },
          }),
          grpc('requests', { sendingQueue: { sizer: 'requests', queueSize: 100 } }),
          grpc('bytes', { sendingQueue: { sizer: 'bytes', queueSize: 10_000_000 } }),
          http('off', { sendingQueue: false, retryOnFailure: false }),
        ],
      ),
  },
  {
    id: 'exporter-otlp-persistent-queue',
    covers:
      'sending_queue.storage on Extension.fileStorage (directory, timeout, create_directory): the persistent queue',
    config: () =>
      traces(
        [],
        [grpc('durable', { sendingQueue: { storage: 'file_storage/queue', queueSize: 2000 } })],
        (c) =>
          c.addExtension(
            Extension.fileStorage({
              name: 'queue',
              directory: '/var/lib/otelcol/queue',
              timeoutSec: 2,
              createDirectory: true,
            }),
          ),
      ),
  },
  {
    id: 'exporter-otlp-http-variants',
    covers:
      'Exporter.otlpHttp encoding proto/json, traces_endpoint, https with CA, every HTTP compression, headers from env refs',
    config: () =>
      traces(
        [],
        [
          http('proto', { encoding: 'proto' }),
          http('json', {
            encoding: 'json',
            tracesEndpoint: 'http://collector.example.svc.cluster.local:4318/custom/v1/traces',
          }),
          http('tls', {
            endpoint: 'https://otlp.vendor.example.com',
            tls: { caFile: `${TLS_DIR}/ca.crt` },
            headers: { 'x-api-key': envRef('VENDOR_KEY') },
            secretEnv: [{ name: 'VENDOR_KEY', secretKeyRef: { name: 'vendor', key: 'key' } }],
          }),
          ...(['gzip', 'zstd', 'snappy', 'zlib', 'deflate', 'lz4', 'none'] as const).map((compression) =>
            http(`c-${compression}`, { compression }),
          ),
        ],
      ),
  },
  {
    id: 'exporter-auth-extensions',
    covers:
      'client auth through extensions: bearertokenauth (otlp_grpc authenticator), basicauth (otlp_http), headers_setter; Extension.custom with secretEnv',
    config: () =>
      traces(
        [],
        [
          grpc('bearer', { tls: { caFile: `${TLS_DIR}/ca.crt` }, authenticator: 'bearertokenauth' }),
          http('basic', { endpoint: 'https://otlp.vendor.example.com', authenticator: 'basicauth/client' }),
          grpc('tenant', { authenticator: 'headers_setter' }),
        ],
        (c) => {
          c.addExtension(
            Extension.custom(
              'bearertokenauth',
              { token: envRef('OTEL_BEARER_TOKEN') },
              { secretEnv: [{ name: 'OTEL_BEARER_TOKEN', secretKeyRef: { name: 'vendor', key: 'token' } }] },
            ),
          );
          c.addExtension(
            Extension.custom(
              'basicauth',
              { client_auth: { username: 'collector', password: envRef('OTEL_BASIC_PASSWORD') } },
              {
                name: 'client',
                secretEnv: [
                  { name: 'OTEL_BASIC_PASSWORD', secretKeyRef: { name: 'vendor', key: 'password' } },
                ],
              },
            ),
          );
          c.addExtension(
            Extension.custom('headers_setter', {
              headers: [
                {
                  action: 'upsert',
                  key: 'X-Scope-OrgID',
                  from_context: 'tenant',
                  default_value: 'anonymous',
                },
              ],
            }),
          );
        },
      ),
  },
  {
    id: 'exporter-load-balancing-resolvers',
    covers:
      'Exporter.loadBalancing with each in-cluster resolver: static, dns (port, interval, timeout), k8s (ports, timeout, return_hostnames); routing key traceID',
    config: () =>
      traces(
        [],
        [
          Exporter.loadBalancing({
            name: 'static',
            routingKey: 'traceID',
            resolver: LoadBalancingResolver.static(['gw-0.gw:4317', 'gw-1.gw']),
            otlp: { tls: { insecure: true } },
          }),
          Exporter.loadBalancing({
            name: 'dns',
            resolver: LoadBalancingResolver.dns({
              hostname: 'otel-gateway-headless.observability.svc.cluster.local',
              port: 4317,
              intervalSec: 5,
              timeoutSec: 1,
            }),
            otlp: { tls: { insecure: true } },
          }),
          Exporter.loadBalancing({
            name: 'k8s',
            resolver: LoadBalancingResolver.k8s({
              service: 'otel-gateway.observability',
              ports: [4317],
              timeoutSec: 2,
              returnHostnames: true,
            }),
            otlp: { tls: { insecure: true } },
          }),
        ],
      ),
  },
  {
    id: 'exporter-load-balancing-aws-cloud-map',
    covers:
      'Exporter.loadBalancing with the aws_cloud_map resolver (the pod env names the region; not on EC2, so no instance metadata)',
    env: [
      { name: 'AWS_REGION', value: 'eu-west-1' },
      { name: 'AWS_EC2_METADATA_DISABLED', value: 'true' },
    ],
    config: () =>
      traces(
        [],
        [
          Exporter.loadBalancing({
            name: 'cloudmap',
            resolver: LoadBalancingResolver.awsCloudMap({
              namespace: 'tracing',
              serviceName: 'gateway',
              port: 4317,
            }),
            otlp: { tls: { insecure: true } },
          }),
        ],
      ),
  },
  {
    id: 'exporter-load-balancing-options',
    covers:
      'Exporter.loadBalancing protocol.otlp client settings (TLS CA, headers, compression, timeout, inner queue/retry), outer timeout, sending_queue, retry_on_failure, routing keys service and attributes on traces',
    config: () =>
      traces(
        [],
        [
          Exporter.loadBalancing({
            name: 'tuned',
            routingKey: 'service',
            timeoutSec: 5,
            resolver: LoadBalancingResolver.dns({
              hostname: 'otel-gateway-headless.observability.svc.cluster.local',
            }),
            otlp: {
              tls: { caFile: `${TLS_DIR}/ca.crt`, serverNameOverride: 'gateway' },
              headers: { 'x-tenant': envRef('LB_TENANT') },
              secretEnv: [{ name: 'LB_TENANT', secretKeyRef: { name: 'lb', key: 'tenant' } }],
              compression: 'zstd',
              timeoutSec: 3,
              sendingQueue: { queueSize: 500 },
              retryOnFailure: { maxElapsedTimeSec: 60 },
            },
            sendingQueue: { numConsumers: 2, queueSize: 2000 },
            retryOnFailure: { initialIntervalSec: 1 },
          }),
          Exporter.loadBalancing({
            name: 'attrs',
            routingKey: 'attributes',
            routingAttributes: ['tenant', 'service.name'],
            resolver: LoadBalancingResolver.static(['gw-0.gw']),
            otlp: { tls: { insecure: true } },
          }),
        ],
      ),
  },
  {
    id: 'exporter-load-balancing-metrics-logs-keys',
    covers:
      'Exporter.loadBalancing routing keys of metrics (metric, streamID, resource) and logs (resource, traceID) pipelines',
    config: () => {
      const c = new CollectorConfig();
      const [ml, batch] = [Processor.memoryLimiter(), Processor.batch()];
      const lb = (name: string, routingKey: 'metric' | 'streamID' | 'resource' | 'traceID') =>
        Exporter.loadBalancing({
          name,
          routingKey,
          resolver: LoadBalancingResolver.static(['gw-0.gw']),
          otlp: { tls: { insecure: true } },
        });
      const otlp = Receiver.otlp();
      c.addPipeline('metrics', {
        receivers: [otlp],
        processors: [ml, batch],
        exporters: [lb('metric', 'metric'), lb('stream', 'streamID'), lb('resource', 'resource')],
      });
      c.addPipeline('logs', {
        receivers: [otlp],
        processors: [ml, batch],
        exporters: [lb('logs-resource', 'resource'), lb('logs-trace', 'traceID')],
      });
      return c;
    },
  },
  {
    id: 'exporter-debug-nop',
    covers:
      'Exporter.debug verbosity basic/normal/detailed with sampling_initial/thereafter; Exporter.custom nop',
    config: () =>
      traces(
        [],
        [
          Exporter.debug({ name: 'basic', verbosity: 'basic' }),
          Exporter.debug({ name: 'normal', verbosity: 'normal', samplingInitial: 5 }),
          Exporter.debug({
            name: 'detailed',
            verbosity: 'detailed',
            samplingInitial: 1,
            samplingThereafter: 100,
          }),
          Exporter.custom('nop'),
        ],
      ),
  },
  {
    id: 'exporter-from-backend',
    covers:
      'Exporter.fromBackend on external OTLP backends (gRPC with CA from a Secret, server name, headers; HTTP with insecure_skip_verify; plaintext) with retry/queue and caMountDir',
    config: () => {
      const backends: Array<[string, ITraceBackend]> = [
        [
          'vendor',
          Backend.otlp('https://otlp.vendor.example.com:4317', {
            headers: [{ name: 'x-api-key', valueFrom: { name: 'vendor', key: 'api-key' } }],
            tls: { caFrom: { name: 'vendor-ca', key: 'ca.crt' }, serverName: 'otlp.vendor.example.com' },
          }).bind(undefined as never, 'b'),
        ],
        [
          'web',
          Backend.otlp('https://otlp.vendor.example.com/otlp', {
            protocol: 'http',
            tls: { insecureSkipVerify: true },
          }).bind(undefined as never, 'b'),
        ],
        [
          'plain',
          Backend.otlp('http://collector.other.svc.cluster.local:4317').bind(undefined as never, 'b'),
        ],
      ];
      return traces(
        [],
        backends.map(([name, b]) =>
          Exporter.fromBackend(b, {
            name,
            caMountDir: TLS_DIR,
            retryOnFailure: { maxElapsedTimeSec: 600 },
            sendingQueue: { queueSize: 3000 },
          }),
        ),
      );
    },
  },
  {
    id: 'exporter-otlp-http-client-options',
    covers:
      'Exporter.otlpHttp client settings: mTLS with server_name_override and TLS versions, insecure, insecure_skip_verify, timeout, sending_queue (every option, persistent storage), retry_on_failure (every option)',
    config: () =>
      traces(
        [],
        [
          http('mtls', {
            endpoint: 'https://otlp.vendor.example.com',
            tls: {
              caFile: `${TLS_DIR}/ca.crt`,
              certFile: `${TLS_DIR}/tls.crt`,
              keyFile: `${TLS_DIR}/tls.key`,
              serverNameOverride: 'otlp.vendor.example.com',
              minVersion: '1.2',
              maxVersion: '1.3',
            },
            timeoutSec: 15,
            sendingQueue: {
              numConsumers: 2,
              queueSize: 20000,
              sizer: 'items',
              blockOnOverflow: true,
              storage: 'file_storage/http',
              batch: { flushTimeoutSec: 1, minSize: 500, maxSize: 5000 },
            },
            retryOnFailure: {
              initialIntervalSec: 2,
              maxIntervalSec: 20,
              maxElapsedTimeSec: 600,
              multiplier: 1.8,
              randomizationFactor: 0.2,
            },
          }),
          http('insecure', { tls: { insecure: true } }),
          http('skip', { endpoint: 'https://otlp.vendor.example.com', tls: { insecureSkipVerify: true } }),
        ],
        (c) =>
          c.addExtension(Extension.fileStorage({ name: 'http', directory: '/var/lib/otelcol/http-queue' })),
      ),
  },
  {
    id: 'exporter-load-balancing-client-options',
    covers:
      'Exporter.loadBalancing protocol.otlp with mTLS, TLS versions, insecure_skip_verify, an authenticator, the inner queue and retry (every option); the outer sending_queue (every option, persistent) and retry_on_failure (every option)',
    config: () =>
      traces(
        [],
        [
          Exporter.loadBalancing({
            name: 'full',
            resolver: LoadBalancingResolver.static(['gw-0.gw:4317']),
            otlp: {
              tls: {
                caFile: `${TLS_DIR}/ca.crt`,
                certFile: `${TLS_DIR}/tls.crt`,
                keyFile: `${TLS_DIR}/tls.key`,
                minVersion: '1.2',
                maxVersion: '1.3',
              },
              authenticator: 'bearertokenauth',
              sendingQueue: {
                numConsumers: 2,
                queueSize: 4000,
                sizer: 'items',
                blockOnOverflow: false,
                storage: 'file_storage/lb',
                batch: { flushTimeoutSec: 0.5, minSize: 100, maxSize: 1000 },
              },
              retryOnFailure: {
                initialIntervalSec: 1,
                maxIntervalSec: 5,
                maxElapsedTimeSec: 60,
                multiplier: 2,
                randomizationFactor: 0.1,
              },
            },
            sendingQueue: {
              numConsumers: 4,
              queueSize: 8000,
              sizer: 'items',
              blockOnOverflow: true,
              storage: 'file_storage/lb',
              batch: { flushTimeoutSec: 0.2, minSize: 200, maxSize: 2000 },
            },
            retryOnFailure: {
              initialIntervalSec: 1,
              maxIntervalSec: 10,
              maxElapsedTimeSec: 300,
              multiplier: 1.5,
              randomizationFactor: 0.5,
            },
          }),
          Exporter.loadBalancing({
            name: 'skip',
            resolver: LoadBalancingResolver.static(['gw-0.gw:4317']),
            otlp: { tls: { insecureSkipVerify: true } },
          }),
        ],
        (c) => {
          c.addExtension(Extension.fileStorage({ name: 'lb', directory: '/var/lib/otelcol/lb-queue' }));
          c.addExtension(
            Extension.custom(
              'bearertokenauth',
              { token: envRef('LB_TOKEN') },
              { secretEnv: [{ name: 'LB_TOKEN', secretKeyRef: { name: 'lb', key: 'token' } }] },
            ),
          );
        },
      ),
  },
  {
    id: 'exporter-from-backend-client-options',
    covers: 'Exporter.fromBackend with every sending_queue and retry_on_failure option',
    config: () =>
      traces(
        [],
        [
          Exporter.fromBackend(
            Backend.otlp('https://otlp.vendor.example.com:4317').bind(undefined as never, 'b'),
            {
              name: 'tuned',
              sendingQueue: {
                numConsumers: 3,
                queueSize: 6000,
                sizer: 'items',
                blockOnOverflow: true,
                batch: { flushTimeoutSec: 0.3, minSize: 300, maxSize: 3000 },
              },
              retryOnFailure: {
                initialIntervalSec: 3,
                maxIntervalSec: 15,
                maxElapsedTimeSec: 900,
                multiplier: 1.2,
                randomizationFactor: 0.4,
              },
            },
          ),
        ],
      ),
  },
  {
    id: 'escape-hatch-options',
    covers:
      'the escape hatches with their options: Receiver.custom (name, ports, extensions, secretEnv), Processor.custom (name, extensions, secretEnv), Exporter.custom (name, extensions, secretEnv), Extension.custom (ports, extensions), Connector.custom (name, secretEnv); Processor.resource name; the OTLP receiver http client CA (mTLS)',
    config: () => {
      const c = new CollectorConfig();
      c.addExtension(Extension.healthCheck());
      c.addExtension(
        Extension.custom(
          'bearertokenauth',
          { scheme: 'Bearer', token: envRef('ZIPKIN_TOKEN') },
          {
            name: 'server',
            secretEnv: [{ name: 'ZIPKIN_TOKEN', secretKeyRef: { name: 'zipkin', key: 'token' } }],
          },
        ),
      );
      c.addExtension(
        Extension.custom(
          'headers_setter',
          { headers: [{ action: 'insert', key: 'X-Tenant', value: 'shop' }] },
          { name: 'tenant', extensions: ['bearertokenauth/server'] },
        ),
      );
      c.addExtension(
        Extension.custom(
          'health_check',
          { endpoint: '0.0.0.0:13135', path: '/custom' },
          {
            name: 'custom',
            ports: [{ name: 'health-custom', port: 13135, protocol: 'TCP', appProtocol: 'http' }],
          },
        ),
      );
      const [ml, batch] = [Processor.memoryLimiter(), Processor.batch()];
      const spanMetrics = Connector.custom(
        'span_metrics',
        { namespace: envRef('METRICS_NAMESPACE') },
        {
          name: 'red',
          secretEnv: [{ name: 'METRICS_NAMESPACE', secretKeyRef: { name: 'metrics', key: 'namespace' } }],
        },
      );
      c.addPipeline('traces', {
        receivers: [
          Receiver.otlp({
            name: 'mtls-http',
            grpc: false,
            http: {
              endpoint: '0.0.0.0:14318',
              tls: {
                certFile: `${TLS_DIR}/tls.crt`,
                keyFile: `${TLS_DIR}/tls.key`,
                clientCaFile: `${TLS_DIR}/ca.crt`,
              },
            },
          }),
          Receiver.custom(
            'zipkin',
            { endpoint: '0.0.0.0:9412', auth: { authenticator: 'bearertokenauth/server' } },
            {
              name: 'auth',
              ports: [{ name: 'zipkin-auth', port: 9412, protocol: 'TCP' }],
              extensions: ['bearertokenauth/server'],
            },
          ),
          Receiver.custom(
            'jaeger',
            {
              protocols: {
                thrift_http: { endpoint: '0.0.0.0:14269', auth: { authenticator: 'bearertokenauth/server' } },
              },
            },
            {
              name: 'env',
              ports: [{ name: 'jaeger-env', port: 14269, protocol: 'TCP' }],
              extensions: ['bearertokenauth/server'],
              secretEnv: [{ name: 'ZIPKIN_TOKEN', secretKeyRef: { name: 'zipkin', key: 'token' } }],
            },
          ),
        ],
        processors: [
          ml,
          Processor.resource({
            name: 'env',
            actions: [AttributeAction.upsert('deployment.environment', 'prod')],
          }),
          Processor.custom(
            'transform',
            {
              error_mode: 'ignore',
              trace_statements: [
                { context: 'resource', statements: [`set(attributes["tenant"], "${envRef('TENANT')}")`] },
              ],
            },
            {
              name: 'tenant',
              extensions: ['headers_setter/tenant'],
              secretEnv: [{ name: 'TENANT', secretKeyRef: { name: 'tenant', key: 'name' } }],
            },
          ),
          batch,
        ],
        exporters: [
          Exporter.custom(
            'otlp_http',
            {
              endpoint: 'https://otlp.vendor.example.com',
              headers: { 'x-api-key': envRef('VENDOR_API_KEY') },
              auth: { authenticator: 'headers_setter/tenant' },
            },
            {
              name: 'custom',
              extensions: ['headers_setter/tenant'],
              secretEnv: [{ name: 'VENDOR_API_KEY', secretKeyRef: { name: 'vendor', key: 'key' } }],
            },
          ),
          spanMetrics,
        ],
      });
      c.addPipeline('metrics', { receivers: [spanMetrics], processors: [ml, batch], exporters: [debug()] });
      return c;
    },
  },
  // --- extensions, connectors, telemetry
  {
    id: 'extensions-endpoints',
    covers:
      'Extension.healthCheck (endpoint, path), Extension.zpages (loopback default and a pod port), Extension.fileStorage defaults',
    config: () => {
      const c = traces([], [debug()]);
      c.addExtension(Extension.healthCheck({ name: 'deep', endpoint: '0.0.0.0:13134', path: '/health' }));
      c.addExtension(Extension.zpages());
      c.addExtension(Extension.zpages({ name: 'pod', endpoint: '0.0.0.0:55680' }));
      c.addExtension(Extension.fileStorage({ directory: '/var/lib/otelcol/storage' }));
      return c;
    },
  },
  {
    id: 'extension-pprof',
    covers: 'Extension.pprof (loopback default and an endpoint)',
    config: () => {
      const c = traces([], [debug()]);
      c.addExtension(Extension.pprof());
      c.addExtension(Extension.pprof({ name: 'pod', endpoint: '0.0.0.0:1778' }));
      return c;
    },
  },
  {
    id: 'connectors',
    covers:
      'Connector.forward (traces -> traces) and Connector.custom span_metrics (traces -> metrics) with named pipelines',
    config: () => {
      const c = new CollectorConfig();
      const fwd = Connector.forward({ name: 'sampled' });
      const spanMetrics = Connector.custom('span_metrics', {
        histogram: { explicit: { buckets: ['100ms', '1s', '10s'] } },
      });
      const out = debug();
      c.addPipeline('traces/in', {
        receivers: [Receiver.otlp()],
        processors: [Processor.memoryLimiter()],
        exporters: [fwd, spanMetrics],
      });
      c.addPipeline('traces/out', { receivers: [fwd], processors: [Processor.batch()], exporters: [out] });
      c.addPipeline('metrics/red', { receivers: [spanMetrics], exporters: [out] });
      return c;
    },
  },
  {
    id: 'telemetry',
    covers: 'CollectorConfig telemetry: self-metrics port and host, metrics level, logs level; silencedRules',
    config: () => {
      const c = new CollectorConfig({
        telemetry: { metricsPort: 8888, metricsHost: '0.0.0.0', metricsLevel: 'detailed', logsLevel: 'warn' },
        silencedRules: ['unused-component'],
      });
      c.addPipeline('traces', {
        receivers: [Receiver.otlp()],
        processors: [Processor.memoryLimiter(), Processor.batch()],
        exporters: [debug()],
      });
      return c;
    },
  },
];

function tailSamplingEntries(): ModelEntry[] {
  const leaf = (id: string, covers: string, policy: () => Policy): ModelEntry => ({
    id: `tail-sampling-${id}`,
    covers,
    config: () => traces([tailSampling(policy())], [debug()]),
  });
  return [
    leaf('always-sample', 'Policy.alwaysSample', () => Policy.alwaysSample({ name: 'all' })),
    leaf('latency', 'Policy.latency with threshold and upper threshold', () =>
      Policy.latency({ name: 'slow', thresholdMs: 1000, upperThresholdMs: 60000 }),
    ),
    leaf('numeric-attribute', 'Policy.numericAttribute with min/max and invert_match', () =>
      Policy.numericAttribute({
        name: 'http-5xx',
        key: 'http.response.status_code',
        minValue: 500,
        maxValue: 599,
        invertMatch: false,
      }),
    ),
    leaf('probabilistic', 'Policy.probabilistic with hash_salt', () =>
      Policy.probabilistic({ name: 'ten', samplingPercentage: 10, hashSalt: 'gateway' }),
    ),
    leaf('status-code', 'Policy.statusCode with several codes', () =>
      Policy.statusCode('ERROR', 'UNSET', { name: 'not-ok' }),
    ),
    leaf('string-attribute', 'Policy.stringAttribute with regex matching, cache size, invert_match', () =>
      Policy.stringAttribute({
        name: 'routes',
        key: 'http.route',
        values: ['^/api/.*', '^/checkout$'],
        enabledRegexMatching: true,
        cacheMaxSize: 256,
        invertMatch: true,
      }),
    ),
    leaf('rate-limiting', 'Policy.rateLimiting', () =>
      Policy.rateLimiting({ name: 'cap', spansPerSecond: 500 }),
    ),
    leaf('bytes-limiting', 'Policy.bytesLimiting with burst capacity', () =>
      Policy.bytesLimiting({ name: 'bytes', bytesPerSecond: 1_000_000, burstCapacity: 2_000_000 }),
    ),
    leaf('span-count', 'Policy.spanCount with min and max', () =>
      Policy.spanCount({ name: 'big', minSpans: 10, maxSpans: 1000 }),
    ),
    leaf('trace-state', 'Policy.traceState', () =>
      Policy.traceState({ name: 'ts', key: 'vendor', values: ['keep'] }),
    ),
    leaf('boolean-attribute', 'Policy.booleanAttribute with invert_match', () =>
      Policy.booleanAttribute({ name: 'debug', key: 'app.debug', value: true, invertMatch: false }),
    ),
    leaf('ottl-condition', 'Policy.ottlCondition with span and span event conditions and error_mode', () =>
      Policy.ottlCondition({
        name: 'ottl',
        errorMode: 'ignore',
        span: ['attributes["http.route"] == "/checkout"'],
        spanEvent: ['name == "exception"'],
      }),
    ),
    leaf('and', 'Policy.and of leaves (status_code and latency)', () =>
      Policy.and('slow-errors', Policy.statusCode('ERROR'), Policy.latency({ thresholdMs: 500 })),
    ),
    leaf('not', 'Policy.not of a leaf', () =>
      Policy.not('not-health', Policy.stringAttribute({ key: 'http.route', values: ['/healthz'] })),
    ),
    {
      id: 'tail-sampling-drop',
      covers: 'Policy.drop of leaves next to sampling policies',
      config: () =>
        traces(
          [
            tailSampling(
              Policy.drop(
                'drop-health',
                Policy.stringAttribute({ key: 'http.route', values: ['/healthz', '/readyz'] }),
              ),
              Policy.alwaysSample(),
            ),
          ],
          [debug()],
        ),
    },
    leaf('composite', 'Policy.composite with leaves and an `and`, policy_order and rate_allocation', () =>
      Policy.composite({
        name: 'budget',
        maxTotalSpansPerSecond: 1000,
        subPolicies: [
          Policy.statusCode('ERROR').withName('errors'),
          Policy.and(
            'slow-checkout',
            Policy.latency({ thresholdMs: 1000 }),
            Policy.stringAttribute({ key: 'http.route', values: ['/checkout'] }),
          ),
          Policy.alwaysSample({ name: 'rest' }),
        ],
        policyOrder: ['errors', 'slow-checkout', 'rest'],
        rateAllocation: [
          { policy: 'errors', percent: 50 },
          { policy: 'slow-checkout', percent: 30 },
          { policy: 'rest', percent: 20 },
        ],
      }),
    ),
    {
      id: 'tail-sampling-processor-options',
      covers:
        'Processor.tailSampling options: decision_wait, decision_wait_after_root_received, num_traces, expected_new_traces_per_sec, decision_cache, sample_on_first_match, block_on_overflow, maximum_trace_size_bytes, drop_pending_traces_on_shutdown; the seed policies',
      config: () =>
        traces(
          [
            Processor.tailSampling({
              name: 'tuned',
              policies: Sampling.defaultPolicies(),
              decisionWaitSec: 10,
              decisionWaitAfterRootReceivedSec: 2,
              numTraces: 100_000,
              expectedNewTracesPerSec: 500,
              decisionCache: { sampledCacheSize: 1_000_000, nonSampledCacheSize: 1_000_000 },
              sampleOnFirstMatch: true,
              blockOnOverflow: true,
              maximumTraceSizeBytes: 10_000_000,
              dropPendingTracesOnShutdown: true,
            }),
          ],
          [debug()],
        ),
    },
    {
      id: 'tail-sampling-expected-traffic',
      covers:
        'Processor.tailSampling sized from expectedTraffic (num_traces and expected_new_traces_per_sec derived)',
      config: () =>
        traces(
          [
            Processor.tailSampling({
              policies: [Policy.statusCode('ERROR')],
              decisionWaitSec: 10,
              expectedTraffic: { tracesPerSec: 200, spansPerTrace: 15 },
            }),
          ],
          [debug()],
        ),
    },
  ];
}

// ---------------------------------------------------------------- construct entries

function chart(app: App, id: string, namespace = 'observability'): Chart {
  return new Chart(app, id, { namespace });
}

const JAEGER_STORAGES: Array<[string, () => JaegerStorage]> = [
  ['memory', () => JaegerStorage.memory({ maxTraces: 20_000 })],
  ['badger', () => JaegerStorage.badger({ sizeGiB: 5, storageClassName: 'fast-ssd', spanTtlHours: 24 })],
  [
    'elasticsearch',
    () =>
      JaegerStorage.elasticsearch({
        serverUrls: ['https://es-http.elastic.svc.cluster.local:9200'],
        indexPrefix: 'prod',
        rotation: IndexRotation.daily(),
        shards: 3,
        replicas: 1,
        username: 'jaeger',
        password: { name: 'es', key: 'password' },
        tls: { caFrom: { name: 'es-ca', key: 'ca.crt' } },
      }),
  ],
  [
    'elasticsearch-http-hourly',
    () =>
      JaegerStorage.elasticsearch({
        serverUrls: ['http://es.elastic.svc.cluster.local:9200'],
        rotation: IndexRotation.hourly(),
      }),
  ],
  [
    'elasticsearch-rollover',
    () =>
      JaegerStorage.elasticsearch({
        serverUrls: ['https://es.elastic.svc.cluster.local:9200'],
        rotation: IndexRotation.autoRollover('jaeger-ilm'),
        tls: { insecureSkipVerify: true },
      }),
  ],
  [
    'opensearch',
    () =>
      JaegerStorage.opensearch({
        serverUrls: ['https://opensearch.search.svc.cluster.local:9200'],
        indexPrefix: 'jaeger',
        rotation: IndexRotation.autoRollover('jaeger-ism'),
        shards: 2,
        replicas: 0,
        username: 'jaeger',
        password: { name: 'os', key: 'password' },
        tls: { caFrom: { name: 'os-ca', key: 'ca.crt' }, insecureSkipVerify: false },
      }),
  ],
  [
    'cassandra',
    () =>
      JaegerStorage.cassandra({
        servers: ['cassandra.db.svc.cluster.local:9042'],
        keyspace: 'jaeger_v1_prod',
        createSchema: false,
        username: 'jaeger',
        password: { name: 'cassandra', key: 'password' },
        tls: { caFrom: { name: 'cassandra-ca', key: 'ca.crt' }, insecureSkipVerify: false },
      }),
  ],
  ['cassandra-plain', () => JaegerStorage.cassandra({ servers: ['cassandra.db.svc.cluster.local'] })],
];

const TEMPO_STORAGES: Array<[string, () => TempoStorage]> = [
  ['local', () => TempoStorage.local({ sizeGiB: 20, storageClassName: 'fast-ssd' })],
  [
    's3-secret',
    () =>
      TempoStorage.s3({
        bucket: 'traces',
        endpoint: 'minio.storage.svc.cluster.local:9000',
        region: 'us-east-1',
        forcePathStyle: true,
        insecure: true,
        credentials: {
          accessKeyId: { name: 'tempo-s3', key: 'id' },
          secretAccessKey: { name: 'tempo-s3', key: 'secret' },
        },
        sizeGiB: 5,
        storageClassName: 'standard',
      }),
  ],
  [
    's3-irsa',
    () =>
      TempoStorage.s3({
        bucket: 'traces',
        region: 'eu-west-1',
        serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/tempo' },
      }),
  ],
  [
    'gcs-key',
    () =>
      TempoStorage.gcs({
        bucketName: 'traces',
        credentials: { name: 'tempo-gcs', key: 'key.json' },
        sizeGiB: 5,
        storageClassName: 'standard',
      }),
  ],
  [
    'gcs-wi',
    () =>
      TempoStorage.gcs({
        bucketName: 'traces',
        serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'tempo@p.iam.gserviceaccount.com' },
      }),
  ],
  [
    'azure-key',
    () =>
      TempoStorage.azure({
        containerName: 'traces',
        storageAccountName: 'acct',
        storageAccountKey: { name: 'tempo-azure', key: 'key' },
        endpointSuffix: 'blob.core.usgovcloudapi.net',
        sizeGiB: 5,
        storageClassName: 'standard',
      }),
  ],
  [
    'azure-wi',
    () =>
      TempoStorage.azure({
        containerName: 'traces',
        storageAccountName: 'acct',
        serviceAccountAnnotations: {
          'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000000',
        },
      }),
  ],
];

const CONSTRUCT_ENTRIES: ConstructEntry[] = [
  ...(['operator', 'manifests'] as const).flatMap((runtime) =>
    (['dns', 'k8s'] as const).map((resolver): ConstructEntry => ({
      id: `gateway-${runtime}-${resolver}`,
      covers: `CollectorAgent + TailSamplingGateway with CollectorRuntime.${runtime}() and the ${resolver} resolver (agent load_balancing -> gateway tail_sampling -> Tempo)`,
      app: (app) => {
        const c = chart(app, `gw-${runtime}-${resolver}`);
        const rt = runtime === 'operator' ? CollectorRuntime.operator() : CollectorRuntime.manifests();
        const backend = Backend.tempo().bind(c, 'tempo');
        const gateway = construct(TailSamplingGateway, c, 'gateway', {
          backend,
          policies: Sampling.defaultPolicies(),
          runtime: rt,
          resolver,
        });
        construct(CollectorAgent, c, 'agent', { gateway, runtime: rt });
      },
    })),
  ),
  {
    id: 'gateway-persistent-queue-sized',
    covers:
      'TailSamplingGateway with persistentQueue (file_storage on a PVC: size, storage class), expectedTraffic sizing with limits, name/namespace, decision wait, maxUnavailable, resources, metrics port, priority class, explicit image/distribution',
    app: (app) => {
      const c = chart(app, 'gw-pq');
      const backend = Backend.jaeger({ storage: JaegerStorage.memory() }).bind(c, 'jaeger');
      const gateway = construct(TailSamplingGateway, c, 'gateway', {
        backend,
        name: 'sampler',
        namespace: 'tracing',
        policies: [Policy.statusCode('ERROR'), Policy.probabilistic(5)],
        decisionWaitSec: 15,
        expectedTraffic: { tracesPerSec: 2000, spansPerTrace: 12, avgSpanSizeBytes: 800 },
        sizingLimits: { maxMemoryPerReplicaMiB: 3072, maxSpansPerSecPerReplica: 8000, minReplicas: 3 },
        replicas: 5,
        workload: 'statefulset',
        persistentQueue: { sizeGiB: 4, storageClassName: 'fast-ssd' },
        processors: [Processor.attributes({ name: 'scrub', actions: [AttributeAction.delete('db.statement')] })],
        maxUnavailable: 2,
        resources: {
          cpuRequestMillis: 1000,
          cpuLimitMillis: 2000,
          memoryRequestMiB: 3072,
          memoryLimitMiB: 3072,
        },
        metricsPort: 9888,
        priorityClassName: 'high-priority',
        image: CollectorDistribution.CONTRIB.image(),
        distribution: CollectorDistribution.CONTRIB,
        runtime: CollectorRuntime.manifests(),
      });
      construct(CollectorAgent, c, 'agent', { gateway, namespace: 'tracing' });
    },
  },
  {
    id: 'gateway-deployment-operator',
    covers:
      'TailSamplingGateway as a Deployment under the operator runtime, exporting to an external OTLP/HTTP vendor with TLS options',
    app: (app) => {
      const c = chart(app, 'gw-deploy');
      const backend = Backend.otlp('https://otlp.vendor.example.com/v1', {
        protocol: 'http',
        headers: [{ name: 'authorization', valueFrom: { name: 'vendor', key: 'auth' } }],
        tls: {
          caFrom: { name: 'vendor-ca', key: 'ca.crt' },
          serverName: 'otlp.vendor.example.com',
          insecureSkipVerify: false,
        },
      }).bind(c, 'vendor');
      const gateway = construct(TailSamplingGateway, c, 'gateway', {
        backend,
        policies: [Policy.latency({ thresholdMs: 2000 })],
        workload: 'deployment',
        replicas: 2,
        runtime: CollectorRuntime.operator(),
      });
      construct(CollectorAgent, c, 'agent', {
        gateway,
        runtime: CollectorRuntime.operator(),
        delivery: AgentDelivery.hostPort(),
      });
    },
  },
  {
    id: 'agent-direct-options',
    covers:
      'CollectorAgent exporting straight to a backend (k8s_attributes full extraction), node-local Service delivery, extra processors, name/namespace, resources, tolerations off, priority class, image, metrics port',
    app: (app) => {
      const c = chart(app, 'agent-direct');
      const backend = Backend.jaeger({ storage: JaegerStorage.memory() }).bind(c, 'jaeger');
      construct(CollectorAgent, c, 'agent', {
        backend,
        name: 'node-agent',
        namespace: 'observability',
        runtime: CollectorRuntime.manifests(),
        delivery: AgentDelivery.nodeLocalService(),
        processors: [
          Processor.attributes({ actions: [AttributeAction.hash('user.id')] }),
          Processor.probabilisticSampler({ samplingPercentage: 50, hashSeed: 7 }),
        ],
        resources: { cpuRequestMillis: 50, cpuLimitMillis: 500, memoryRequestMiB: 128, memoryLimitMiB: 256 },
        tolerateAllTaints: false,
        priorityClassName: 'system-node-critical',
        image: CollectorDistribution.K8S.image(),
        distribution: CollectorDistribution.K8S,
        metricsPort: 9999,
      });
    },
  },
  {
    id: 'agent-single-node-tail-sampling',
    covers:
      'CollectorAgent with singleNode: true and tail_sampling in its processors (operator runtime, hostPort)',
    app: (app) => {
      const c = chart(app, 'agent-single');
      const backend = Backend.tempo({ storage: TempoStorage.local() }).bind(c, 'tempo');
      construct(CollectorAgent, c, 'agent', {
        backend,
        singleNode: true,
        processors: [Processor.tailSampling({ policies: [Policy.statusCode('ERROR')], decisionWaitSec: 5 })],
        runtime: CollectorRuntime.operator(),
        delivery: AgentDelivery.hostPort(),
      });
    },
  },
  ...JAEGER_STORAGES.map(([name, storage]): ConstructEntry => ({
    id: `stack-jaeger-${name}`,
    covers: `TracingStack on Backend.jaeger with JaegerStorage ${name} (the Jaeger config, and the gateway/agent exporters to it)`,
    app: (app) => {
      const c = chart(app, `jaeger-${name}`);
      const shared = !['memory', 'badger'].includes(name);
      construct(TracingStack, c, 'tracing', {
        backend: Backend.jaeger({ storage: storage(), ...(shared ? { replicas: 2 } : {}) }),
        sampling: Sampling.tail({ decisionWaitSec: 5 }),
        runtime: CollectorRuntime.manifests(),
        gatewayReplicas: 2,
        instrumentation: false,
      });
    },
  })),
  {
    id: 'stack-jaeger-elasticsearch-before-2.20',
    covers:
      'Backend.jaeger version below 2.20.0 (the built Jaeger, 2.13.0): periodic index rotation as the flat date_layout/rollover_frequency keys those releases know',
    app: (app) => {
      const c = chart(app, 'jaeger-es-2-13');
      construct(TracingStack, c, 'tracing', {
        backend: Backend.jaeger({
          version: '2.13.0',
          image: 'registry.example.com/jaegertracing/jaeger:2.13.0',
          replicas: 2,
          storage: JaegerStorage.elasticsearch({ serverUrls: ['http://es.elastic.svc.cluster.local:9200'], rotation: IndexRotation.hourly() }),
        }),
        sampling: Sampling.head(0.5),
        instrumentation: false,
      });
    },
  },
  {
    id: 'stack-jaeger-options',
    covers:
      'Backend.jaeger props: name, namespace, version, image, replicas, log level, ServiceMonitor, memory and CPU; TracingStack head sampling, clusterDomain, createNamespace: false',
    app: (app) => {
      const c = chart(app, 'jaeger-options');
      construct(TracingStack, c, 'tracing', {
        namespace: 'obs',
        clusterDomain: 'cluster.example',
        createNamespace: false,
        operator: StackOperator.external(),
        sampling: Sampling.head(0.25),
        backend: Backend.jaeger({
          name: 'traces',
          namespace: 'obs',
          version: '2.20.0',
          image: 'registry.example.com/jaegertracing/jaeger:2.20.0',
          storage: JaegerStorage.opensearch({
            serverUrls: ['http://opensearch.search.svc.cluster.local:9200'],
          }),
          replicas: 2,
          logLevel: 'debug',
          serviceMonitor: { intervalSec: 15, labels: { release: 'prom' } },
          memoryLimitMiB: 2048,
          cpuRequestMillis: 500,
        }),
      });
    },
  },
  ...(['operator', 'manifests'] as const).map(
    (rt): ConstructEntry => ({
      id: `stack-fanout-pii-${rt}`,
      covers: `TracingStack composition (${rt} runtime): additionalBackends and addBackend after construction (fan-out from the gateway to Tempo, Jaeger and a vendor with a Secret-backed header), agentProcessors and gatewayProcessors (PII: hash, delete, redaction-style attributes), persistentQueue, gateway.addPolicy/addProcessor after construction`,
      app: (app) => {
        const c = chart(app, `fanout-${rt}`, `fanout-${rt}`);
        const stack = construct(TracingStack, c, 'tracing', {
          operator: StackOperator.external(),
          runtime: rt === 'operator' ? CollectorRuntime.operator() : CollectorRuntime.manifests(),
          instrumentation: false,
          additionalBackends: [Backend.jaeger()],
          agentProcessors: [
            Processor.attributes({
              name: 'pii',
              actions: [AttributeAction.hash('enduser.id'), AttributeAction.delete('http.request.header.authorization')],
            }),
          ],
          gatewayProcessors: [Processor.resource({ name: 'cluster', actions: [AttributeAction.upsert('k8s.cluster.name', 'prod-eu')] })],
          persistentQueue: { sizeGiB: 2, storageClassName: 'standard' },
        }) as TracingStack;
        stack.addBackend(
          Backend.otlp('https://otlp.vendor.example.com:4317', {
            headers: [{ name: 'x-api-key', valueFrom: { name: 'vendor-api', key: 'key' } }],
          }),
          { name: 'vendor' },
        );
        stack.gateway!.addPolicy(Policy.latency({ name: 'very-slow', thresholdMs: 5000 }));
        stack.gateway!.addProcessor(
          Processor.attributes({ name: 'drop-cookie', actions: [AttributeAction.delete('http.request.header.cookie')] }),
          { position: 'before-sampling' },
        );
      },
    }),
  ),
  ...TEMPO_STORAGES.map(([name, storage]): ConstructEntry => ({
    id: `stack-tempo-${name}`,
    covers: `TracingStack on Backend.tempo with TempoStorage ${name} (collector exporters judged; the Tempo config itself only by the fixture-based unit tests)`,
    app: (app) => {
      const c = chart(app, `tempo-${name}`);
      construct(TracingStack, c, 'tracing', {
        backend: Backend.tempo({ storage: storage() }),
        runtime: name === 'local' ? CollectorRuntime.operator() : CollectorRuntime.manifests(),
        instrumentation: false,
      });
    },
  })),
  {
    id: 'stack-tempo-versions-options',
    covers:
      'Backend.tempo versions (TempoVersion.V2 with ingester, V3 with live store, TempoVersion.of) and props: retention, metrics generator, ServiceMonitor, log level, resources, usage reporting',
    app: (app) => {
      const c2 = chart(app, 'tempo-v2', 'tempo2');
      construct(TracingStack, c2, 'tracing', {
        sampling: Sampling.none(),
        backend: Backend.tempo({
          name: 'tempo2',
          version: TempoVersion.V2,
          image: 'registry.example.com/grafana/tempo:2.10.8',
          replicas: 1,
          retentionHours: 72,
          logLevel: 'warn',
          ingester: { maxBlockDurationMin: 30, traceIdlePeriodSec: 10 },
          metricsGenerator: {
            remoteWriteUrl: 'http://prometheus.monitoring.svc.cluster.local:9090/api/v1/write',
            processors: ['span-metrics', 'service-graphs', 'local-blocks'],
            sendExemplars: true,
            externalLabels: { cluster: 'prod' },
          },
          serviceMonitor: { intervalSec: 30, labels: { release: 'prom' } },
          memoryLimitMiB: 4096,
          cpuRequestMillis: 500,
          usageReporting: false,
        }),
        instrumentation: false,
      });
      const c3 = chart(app, 'tempo-v3', 'tempo3');
      construct(TracingStack, c3, 'tracing', {
        backend: Backend.tempo({
          namespace: 'tempo3',
          version: TempoVersion.of('3.0.1'),
          metricsGenerator: {
            remoteWriteUrl: 'http://prometheus.monitoring.svc.cluster.local:9090/api/v1/write',
            processors: ['service-graphs'],
          },
        }),
        expectedTraffic: { tracesPerSec: 300, spansPerTrace: 10, avgSpanSizeBytes: 1200 },
        instrumentation: false,
      });
      const c4 = chart(app, 'tempo-v3-default', 'tempo3b');
      construct(TracingStack, c4, 'tracing', {
        backend: Backend.tempo({ version: TempoVersion.V3 }),
        instrumentation: false,
      });
    },
  },
  {
    id: 'stack-vendor-single-node',
    covers:
      'TracingStack with Backend.otlp (gRPC, headers, TLS) and singleNode tail sampling with hostPort delivery; TracingStack gatewayReplicas with manifests runtime',
    app: (app) => {
      const c = chart(app, 'vendor-single');
      construct(TracingStack, c, 'tracing', {
        singleNode: true,
        agentDelivery: AgentDelivery.hostPort(),
        sampling: Sampling.tail({
          policies: [Policy.statusCode('ERROR'), Policy.probabilistic(20)],
          decisionWaitSec: 5,
        }),
        backend: Backend.otlp('https://otlp.vendor.example.com:4317', {
          protocol: 'grpc',
          headers: [{ name: 'x-api-key', valueFrom: { name: 'vendor', key: 'key' } }],
          tls: { serverName: 'otlp.vendor.example.com' },
        }),
        runtime: CollectorRuntime.operator(),
      });
      const c2 = chart(app, 'vendor-gw', 'vendor-gw');
      construct(TracingStack, c2, 'tracing', {
        backend: Backend.otlp('http://otlp.collectors.example.internal:4317'),
        gatewayReplicas: 4,
        runtime: CollectorRuntime.manifests(),
        instrumentation: { name: 'apps' },
      });
    },
  },
];

// ---------------------------------------------------------------- building

function modelConfigs(entry: ModelEntry, c: CollectorConfig): MatrixConfig[] {
  const env = [
    ...(entry.env ?? []),
    ...c
      .secretEnv()
      .map((e) => ({
        name: e.name,
        valueFrom: { secretKeyRef: { name: e.secretKeyRef.name, key: e.secretKeyRef.key } },
      })),
  ];
  return [{ program: 'otelcol', where: `CollectorConfig ${entry.id}`, config: c.toObject(), env, model: c }];
}

/** The configs found in synthesized objects, each with its carrier (see `findCarriedConfigs`). */
export function carriedConfigs(objects: readonly any[]): MatrixConfig[] {
  return findCarriedConfigs(objects).map((f) => ({ ...f, objects }));
}

function isModel(e: EntryDef): e is ModelEntry {
  return 'config' in e;
}

/** Every entry of the matrix, built (throws when an entry cannot be built: the library refused its props). */
export function buildMatrix(): MatrixEntry[] {
  const classes = Object.values(FACTORY_CLASSES) as unknown as RecordedClass[];
  return [...MODEL_ENTRIES, ...CONSTRUCT_ENTRIES].map((e) => {
    try {
      if (isModel(e)) {
        const { result, used } = recordApi(classes, () => e.config());
        return { id: e.id, covers: e.covers, configs: modelConfigs(e, result), used };
      }
      const { result, used } = recordApi(classes, () => {
        const app = Testing.app();
        e.app(app);
        return app.charts.flatMap((c) => Testing.synth(c));
      });
      return { id: e.id, covers: e.covers, configs: carriedConfigs(result), used };
    } catch (err) {
      throw new Error(`matrix entry ${e.id}: ${(err as Error).message}`, { cause: err });
    }
  });
}
