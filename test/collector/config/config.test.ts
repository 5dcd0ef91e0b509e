import { parse } from 'yaml';
import {
  AttributeAction,
  CollectorConfig,
  CollectorConfigError,
  CollectorDistribution,
  Connector,
  envRef,
  Exporter,
  Extension,
  Policy,
  Processor,
  Receiver,
} from '../../../lib/collector/config';
import { escapeLiteral } from '../../../lib/collector/config/env-ref';
import { ITraceBackend } from '../../../lib/common/trace-backend';

/** The seed guide's pipeline: OTLP in, tail sampling (errors, latency > 1000 ms, 10 %), OTLP out to Tempo. */
function seedConfig(): CollectorConfig {
  const config = new CollectorConfig();
  config.addExtension(Extension.healthCheck());
  config.addPipeline('traces', {
    receivers: [Receiver.otlp()],
    processors: [
      Processor.memoryLimiter(),
      Processor.tailSampling({
        decisionWaitSec: 10,
        policies: [
          Policy.statusCode('ERROR', { name: 'errors' }),
          Policy.latency({ name: 'latency', thresholdMs: 1000 }),
          Policy.probabilistic({ name: 'default', samplingPercentage: 10 }),
        ],
      }),
      Processor.batch(),
    ],
    exporters: [Exporter.otlpGrpc({ name: 'tempo', endpoint: 'tempo:4317', tls: { insecure: true } })],
  });
  return config;
}

describe('seed pipeline', () => {
  test('renders the guide pipeline with 0.158 type names and the guide policies', () => {
    const obj = seedConfig().toObject() as any;
    // receivers: the guide listens on 0.0.0.0:4317 (grpc) and 0.0.0.0:4318 (http)
    expect(obj.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(obj.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    // the guide's `otlp/tempo` is `otlp_grpc/tempo` in 0.158
    expect(obj.exporters['otlp_grpc/tempo']).toEqual({ endpoint: 'tempo:4317', tls: { insecure: true } });
    expect(obj.exporters['otlp/tempo']).toBeUndefined();
    const ts = obj.processors.tail_sampling;
    expect(ts.decision_wait).toBe('10s');
    expect(ts.policies).toEqual([
      { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
      { name: 'latency', type: 'latency', latency: { threshold_ms: 1000 } },
      { name: 'default', type: 'probabilistic', probabilistic: { sampling_percentage: 10 } },
    ]);
    expect(obj.service.pipelines.traces).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter', 'tail_sampling', 'batch'],
      exporters: ['otlp_grpc/tempo'],
    });
    expect(obj.service.extensions).toEqual(['health_check']);
  });

  test('is valid on the k8s image, rejected on the core image with the image to use', () => {
    const config = seedConfig();
    expect(config.validate({ distribution: CollectorDistribution.K8S })).toEqual([]);
    const core = config.validate({ distribution: CollectorDistribution.CORE });
    expect(core).toEqual([
      expect.objectContaining({
        severity: 'error',
        rule: 'distribution-missing-component',
        path: 'processors.tail_sampling',
        message: expect.stringContaining(
          'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.158.0',
        ),
      }),
    ]);
    expect(() => config.assertValid({ distribution: CollectorDistribution.CORE })).toThrow(
      CollectorConfigError,
    );
    expect(config.recommendedDistribution()).toBe(CollectorDistribution.K8S);
  });

  test('YAML is deterministic and parses back to toObject()', () => {
    const a = seedConfig().toYaml();
    const b = seedConfig().toYaml();
    expect(a).toBe(b);
    expect(parse(a)).toEqual(seedConfig().toObject());
    // section order: receivers, processors, exporters, extensions, service
    const order = ['receivers:', 'processors:', 'exporters:', 'extensions:', 'service:'].map(
      (k) => a.indexOf(`\n${k}`) + 1,
    );
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(a).toMatchSnapshot();
  });

  test('listening ports: OTLP grpc/http, health_check and self-metrics', () => {
    const config = new CollectorConfig({ telemetry: { metricsPort: 8888 } });
    config.addExtension(Extension.healthCheck());
    config.addExtension(Extension.pprof()); // loopback: not exposed
    config.addPipeline('traces', { receivers: [Receiver.otlp()], exporters: [Exporter.debug()] });
    expect(config.listeningPorts().map((p) => [p.name, p.port, p.protocol, p.componentId])).toEqual([
      ['otlp-grpc', 4317, 'TCP', 'otlp'],
      ['otlp-http', 4318, 'TCP', 'otlp'],
      ['health', 13133, 'TCP', 'health_check'],
      ['metrics', 8888, 'TCP', 'service.telemetry'],
    ]);
    expect((config.toObject() as any).service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({
      host: '0.0.0.0',
      port: 8888,
    });
  });

  test('componentTypes lists distinct types per kind', () => {
    expect(seedConfig().componentTypes()).toEqual([
      { kind: 'receiver', type: 'otlp' },
      { kind: 'processor', type: 'batch' },
      { kind: 'processor', type: 'memory_limiter' },
      { kind: 'processor', type: 'tail_sampling' },
      { kind: 'exporter', type: 'otlp_grpc' },
      { kind: 'extension', type: 'health_check' },
    ]);
  });
});

describe('validation rules', () => {
  const rules = (c: CollectorConfig, opts = {}) =>
    c.validate(opts).map((f) => `${f.severity}:${f.rule}@${f.path}`);

  test('empty config: no receiver, exporter, pipeline', () => {
    expect(rules(new CollectorConfig())).toEqual([
      'error:no-receivers@receivers',
      'error:no-exporters@exporters',
      'error:no-pipelines@service.pipelines',
    ]);
  });

  test('undefined references, wrong kind, duplicate processor, empty pipeline sides', () => {
    const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
    const batch = c.addProcessor(Processor.batch());
    c.addExporter(Exporter.debug());
    c.addPipeline('traces', { receivers: ['otlp'], processors: [batch, batch], exporters: ['debug'] });
    c.addPipeline('traces/x', { receivers: ['batch'], exporters: [] });
    expect(rules(c)).toEqual([
      'error:no-receivers@receivers',
      'error:undefined-component@service.pipelines.traces.receivers[0]',
      'error:duplicate-processor@service.pipelines.traces.processors[1]',
      'error:pipeline-missing-exporter@service.pipelines.traces/x.exporters',
      'error:undefined-component@service.pipelines.traces/x.receivers[0]',
    ]);
    const wrongKind = c.validate().find((f) => f.path === 'service.pipelines.traces/x.receivers[0]');
    expect(wrongKind?.message).toMatch(/"batch" is a processor, not a receiver/);
  });

  test('connectors must be used on both sides', () => {
    const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
    const fwd = Connector.forward();
    c.addPipeline('traces/in', { receivers: [Receiver.otlp()], exporters: [fwd] });
    expect(rules(c)).toEqual(['error:connector-one-sided@connectors.forward']);
    c.addPipeline('traces/out', { receivers: [fwd], exporters: [Exporter.debug()] });
    expect(rules(c)).toEqual([]);
  });

  test('best practices are warnings and can be silenced per rule', () => {
    const c = new CollectorConfig();
    c.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      processors: [
        Processor.batch(),
        Processor.tailSampling({ policies: [Policy.alwaysSample()] }),
        Processor.k8sAttributes(),
        Processor.memoryLimiter(),
      ],
      exporters: [Exporter.otlpGrpc({ endpoint: 'tempo:4317', retryOnFailure: false })],
    });
    expect(rules(c)).toEqual([
      'warning:memory-limiter-first@service.pipelines.traces.processors[3]',
      'warning:batch-last@service.pipelines.traces.processors[0]',
      'warning:k8s-attributes-before-sampling@service.pipelines.traces.processors[2]',
      'warning:exporter-without-retry-queue@exporters.otlp_grpc',
    ]);
    expect(rules(c, { silence: ['batch-last', 'memory-limiter-first'] })).toEqual([
      'warning:k8s-attributes-before-sampling@service.pipelines.traces.processors[2]',
      'warning:exporter-without-retry-queue@exporters.otlp_grpc',
    ]);
    // warnings alone do not throw
    expect(() => c.assertValid()).not.toThrow();
  });

  test('tail_sampling in a metrics pipeline and port conflicts are errors', () => {
    const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
    c.addPipeline('metrics', {
      receivers: [Receiver.otlp(), Receiver.otlp({ name: 'b', http: false })],
      processors: [Processor.tailSampling({ policies: [Policy.alwaysSample()] })],
      exporters: [Exporter.debug()],
    });
    expect(rules(c)).toEqual([
      'error:signal-mismatch@service.pipelines.metrics.processors[0]',
      'error:port-conflict@otlp/b',
    ]);
  });

  test('env syntax is checked everywhere, including escape-hatch configs', () => {
    const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
    c.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      exporters: [
        Exporter.otlpHttp({
          endpoint: 'https://otlp.example.com',
          headers: { authorization: '${env:BACKEND_AUTH}' },
        }),
        Exporter.custom('file', { path: '/tmp/$HOME/x' }),
      ],
    });
    const f = c.validate().filter((x) => x.rule === 'env-syntax');
    // the collector keeps "$HOME" literally (it only expands ${...}): a warning, not an error
    expect(f).toEqual([
      expect.objectContaining({
        severity: 'warning',
        path: 'exporters.file.path',
        message: expect.stringMatching(/kept literally.*\$\{env:HOME\}.*\$\$HOME/),
      }),
    ]);
  });

  test('extension references (queue storage) must be defined and enabled', () => {
    const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
    c.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      exporters: [Exporter.otlpGrpc({ endpoint: 'tempo:4317', sendingQueue: { storage: 'file_storage' } })],
    });
    expect(rules(c)).toEqual(['error:undefined-component@exporters.otlp_grpc']);
    c.addExtension(Extension.fileStorage({ directory: '/var/lib/otelcol/queue' }));
    expect(rules(c)).toEqual([]);
  });
});

describe('env references and $ escaping', () => {
  test('envRef builds ${env:VAR}, escapeLiteral doubles $', () => {
    expect(envRef('BACKEND_AUTH')).toBe('${env:BACKEND_AUTH}');
    expect(envRef('X', 'fallback')).toBe('${env:X:-fallback}');
    // collector 0.158 refuses "$" inside a reference ("the uri ... contains unsupported characters ('$')")
    expect(() => envRef('X', 'a$b')).toThrow(/default value "a\$b" contains "\$"/);
    expect(() => envRef('X', 'a}b')).toThrow(/"\}" would end it/);
    expect(escapeLiteral('price: $5 and $$')).toBe('price: $$5 and $$$$');
  });

  test('what the collector refuses is an error, what it keeps literally a warning, a lone $ nothing', () => {
    const make = (v: string) => {
      const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
      c.addPipeline('traces', {
        receivers: [Receiver.otlp()],
        processors: [Processor.attributes({ actions: [AttributeAction.insert('note', v)] })],
        exporters: [Exporter.debug()],
      });
      return c
        .validate()
        .filter((f) => f.rule === 'env-syntax')
        .map((f) => f.severity);
    };
    expect(make('^/api/(?P<id>[0-9]+)$')).toEqual([]);
    expect(make('${TENANT}')).toEqual([]); // no scheme: the collector's default scheme is env
    expect(make('${env:TENANT:-none}')).toEqual([]);
    expect(make('$TENANT')).toEqual(['warning']);
    expect(make('abc ${env:X')).toEqual(['warning']);
    expect(make('${vault:x}')).toEqual(['error']);
    expect(make('${env:1X}')).toEqual(['error']);
    expect(make('${env:X:-a$b}')).toEqual(['error']);
  });

  test('an escaped literal passes validation, and so does the raw one', () => {
    const make = (v: string) => {
      const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
      c.addPipeline('traces', {
        receivers: [Receiver.otlp()],
        processors: [Processor.attributes({ actions: [AttributeAction.insert('note', v)] })],
        exporters: [Exporter.debug()],
      });
      return c.validate().filter((f) => f.rule === 'env-syntax');
    };
    expect(make(escapeLiteral('costs $5'))).toEqual([]);
    expect(make('costs $5')).toEqual([]);
  });
});

describe('trace backend exporters', () => {
  const backend: ITraceBackend = {
    backendKind: 'tempo',
    preferredProtocol: 'grpc',
    otlpGrpcUrl: 'http://tempo.observability.svc.cluster.local:4317',
    otlpHttpUrl: 'http://tempo.observability.svc.cluster.local:4318',
    requiredEnv: [],
    tls: { insecure: true },
    headers: [{ name: 'X-Scope-OrgID', valueFrom: { name: 'tempo-tenant', key: 'org' } }],
  };

  test('headers become ${env:...} references backed by Secrets, never inlined', () => {
    const e = Exporter.fromBackend(backend);
    expect(e.id).toBe('otlp_grpc/tempo');
    expect(e.toConfig()).toEqual({
      endpoint: 'tempo.observability.svc.cluster.local:4317',
      tls: { insecure: true },
      headers: { 'X-Scope-OrgID': '${env:OTEL_TEMPO_X_SCOPE_ORGID}' },
    });
    const c = new CollectorConfig();
    c.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      processors: [Processor.memoryLimiter()],
      exporters: [e],
    });
    expect(c.secretEnv()).toEqual([
      { name: 'OTEL_TEMPO_X_SCOPE_ORGID', secretKeyRef: { name: 'tempo-tenant', key: 'org' } },
    ]);
    expect(c.validate()).toEqual([]);
  });

  test('http backends get an otlp_http exporter with the base URL', () => {
    const e = Exporter.fromBackend({ ...backend, preferredProtocol: 'http', headers: [] });
    expect(e.type).toBe('otlp_http');
    expect(e.toConfig().endpoint).toBe('http://tempo.observability.svc.cluster.local:4318');
  });
});

describe('composition', () => {
  test('a workload can extend a pipeline and look components up', () => {
    const c = seedConfig();
    c.insertProcessor(
      'traces',
      Processor.k8sAttributes({ passthrough: false, filterNodeFromEnvVar: 'K8S_NODE_NAME' }),
      1,
    );
    expect(c.pipeline('traces')!.processors).toEqual([
      'memory_limiter',
      'k8s_attributes',
      'tail_sampling',
      'batch',
    ]);
    expect(c.processor('k8s_attributes')!.toConfig()).toEqual({
      passthrough: false,
      filter: { node_from_env_var: 'K8S_NODE_NAME' },
    });
    expect(c.validate({ distribution: CollectorDistribution.K8S })).toEqual([]);
  });

  test('fromObject parses a config and renders it back', () => {
    const obj = seedConfig().toObject();
    expect(CollectorConfig.fromObject(obj).toObject()).toEqual(obj);
  });
});

test('deprecated aliases of untyped components are renamed too, in the section and in the pipelines', () => {
  const parsed = CollectorConfig.fromObject({
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
    processors: { k8sattributes: { passthrough: true } },
    exporters: { debug: {} },
    service: {
      pipelines: { traces: { receivers: ['otlp'], processors: ['k8sattributes'], exporters: ['debug'] } },
    },
  }).toObject() as any;
  expect(Object.keys(parsed.processors)).toEqual(['k8s_attributes']);
  expect(parsed.processors.k8s_attributes).toEqual({ passthrough: true });
  expect(parsed.service.pipelines.traces.processors).toEqual(['k8s_attributes']);
});

describe('defaults the operator would add are written out', () => {
  test('health_check always has its path (the operator webhook adds path: / otherwise)', () => {
    expect(Extension.healthCheck().toConfig()).toEqual({ endpoint: '0.0.0.0:13133', path: '/' });
    expect(Extension.healthCheck({ path: '/health' }).toConfig()).toEqual({
      endpoint: '0.0.0.0:13133',
      path: '/health',
    });
    expect(() => Extension.healthCheck({ path: 'health' })).toThrow(/must start with "\/"/);
  });
});
