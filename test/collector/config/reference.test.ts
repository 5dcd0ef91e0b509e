/**
 * The collector config model against upstream reference data in ../shared/reference/collector
 * (read at test time, never copied into the repo).
 */
import * as fs from 'fs';
import Ajv from 'ajv';
import { parse } from 'yaml';
import {
  AttributeAction,
  COMPONENT_KINDS,
  COMPONENT_TYPES,
  CollectorComponent,
  CollectorConfig,
  CollectorDistribution,
  ComponentKind,
  Exporter,
  Extension,
  LoadBalancingResolver,
  OtlpExporter,
  OtlpReceiver,
  Policy,
  Processor,
  Receiver,
  TailSamplingProcessor,
} from '../../../lib/collector/config';
import { parseDuration } from '../../../lib/collector/config/config-values';
import { parseComponent } from '../../../lib/collector/config/collector-config';
import { describeWithReference, ref } from '../../helpers/reference';

const col = (...p: string[]) => ref('collector', ...p);
const readYaml = (...p: string[]): any => parse(fs.readFileSync(col(...p), 'utf8'));

const MANIFEST_SECTION: Record<ComponentKind, string> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
  connector: 'connectors',
};

describeWithReference('distributions vs upstream OCB manifests (v0.159.0)', () => {
  const manifests: [string, CollectorDistribution, string][] = [
    ['core', CollectorDistribution.CORE, 'otelcol-manifest.yaml'],
    ['contrib', CollectorDistribution.CONTRIB, 'otelcol-contrib-manifest.yaml'],
    ['k8s', CollectorDistribution.K8S, 'otelcol-k8s-manifest.yaml'],
    ['otlp', CollectorDistribution.OTLP, 'otelcol-otlp-manifest.yaml'],
  ];
  const modulesOf = (manifest: any, kind: ComponentKind): string[] =>
    ((manifest[MANIFEST_SECTION[kind]] ?? []) as { gomod: string }[])
      .map((m) => m.gomod.split(/\s+/)[0].split('/').pop()!)
      .sort();

  test.each(manifests)('%s table equals the manifest component list', (_id, dist, file) => {
    const manifest = readYaml('distributions', file);
    expect(manifest.dist.name).toBe(dist.binary);
    for (const kind of COMPONENT_KINDS) {
      expect({ kind, modules: dist.moduleNames(kind) }).toEqual({ kind, modules: modulesOf(manifest, kind) });
    }
  });

  test('every row of the type-name table names a module that exists upstream (contrib manifest)', () => {
    const contrib = readYaml('distributions', 'otelcol-contrib-manifest.yaml');
    for (const row of COMPONENT_TYPES) {
      expect({ type: row.type, inContrib: modulesOf(contrib, row.kind).includes(row.module) }).toEqual({
        type: row.type,
        inContrib: true,
      });
    }
  });

  test('tail_sampling, load_balancing and k8s_attributes: missing in core and otlp, present in k8s and contrib', () => {
    const needs: [ComponentKind, string][] = [
      ['processor', 'tail_sampling'],
      ['exporter', 'load_balancing'],
      ['processor', 'k8s_attributes'],
      ['processor', 'k8sattributes'],
    ];
    for (const [kind, type] of needs) {
      expect([kind, type, CollectorDistribution.CORE.availability(kind, type)]).toEqual([
        kind,
        type,
        'missing',
      ]);
      expect([kind, type, CollectorDistribution.OTLP.availability(kind, type)]).toEqual([
        kind,
        type,
        'missing',
      ]);
      expect([kind, type, CollectorDistribution.K8S.availability(kind, type)]).toEqual([
        kind,
        type,
        'available',
      ]);
      expect([kind, type, CollectorDistribution.CONTRIB.availability(kind, type)]).toEqual([
        kind,
        type,
        'available',
      ]);
    }
  });

  test('images map back to their distribution', () => {
    expect(CollectorDistribution.K8S.image()).toBe(
      'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.158.0',
    );
    expect(CollectorDistribution.fromImage('otel/opentelemetry-collector-contrib:0.158.0')).toBe(
      CollectorDistribution.CONTRIB,
    );
    expect(CollectorDistribution.fromImage(CollectorDistribution.K8S.image('0.158.0') + '@sha256:abc')).toBe(
      CollectorDistribution.K8S,
    );
    expect(CollectorDistribution.fromImage('docker.io/otel/opentelemetry-collector')).toBe(
      CollectorDistribution.CORE,
    );
  });
});

describeWithReference('tail_sampling fixtures', () => {
  test.each(['tail_sampling_config.yaml', 'tail_sampling_config_errormode.yaml'])(
    '%s parses into the typed model and renders back equal',
    (file) => {
      const fixture = readYaml('tailsampling', file);
      for (const [id, cfg] of Object.entries(fixture)) {
        const component = parseComponent('processor', id, cfg);
        expect(component).toBeInstanceOf(TailSamplingProcessor);
        expect(component.toConfig()).toEqual(cfg);
      }
    },
  );

  test('every policy type of the fixture is typed (not an escape hatch)', () => {
    const ts = parseComponent(
      'processor',
      'tail_sampling',
      readYaml('tailsampling', 'tail_sampling_config.yaml').tail_sampling,
    ) as TailSamplingProcessor;
    expect(ts.policies.map((p) => p.type)).toEqual([
      'always_sample',
      'latency',
      'numeric_attribute',
      'probabilistic',
      'status_code',
      'string_attribute',
      'rate_limiting',
      'span_count',
      'trace_state',
      'boolean_attribute',
      'ottl_condition',
      'and',
      'composite',
    ]);
  });

  test.each([
    [
      'numeric_attribute_with_minvalue_greather_than_maxvalue.yaml',
      /policies\[0\].*min_value 500 is greater than max_value 100/,
    ],
    [
      'numeric_attribute_without_minvalue_or_maxvalue.yaml',
      /policies\[0\].*neither min_value nor max_value is set/,
    ],
  ])('known-invalid %s is rejected', (file, message) => {
    const fixture = readYaml('tailsampling', file);
    expect(() => parseComponent('processor', 'tail_sampling', fixture.tail_sampling)).toThrow(message);
  });
});

/** Documented normalisations of load_balancing fixtures: type rename, `otlp:` (null) -> {}. */
function normalizeLoadBalancing(cfg: any): any {
  const out = structuredClone(cfg);
  if (out.protocol && out.protocol.otlp === null) out.protocol.otlp = {};
  return out;
}

describeWithReference('load_balancing fixtures', () => {
  test('testdata/config.yaml: every exporter parses and renders back (load_balancing name)', () => {
    const fixture = readYaml('loadbalancing', 'config.yaml');
    expect(Object.keys(fixture)).toHaveLength(5);
    for (const [id, cfg] of Object.entries(fixture)) {
      if (typeof (cfg as any)?.resolver?.dns?.port === 'number') {
        // the fixture writes `port: 55690`, but the built collector 0.158 refuses a YAML number there
        // ("'port' expected type 'string', got unconvertible type 'int'", test/e2e/collector-differential.e2e.ts)
        expect(() => parseComponent('exporter', id, cfg)).toThrow(
          /resolver\.dns\.port: expected a string, got 55690/,
        );
        continue;
      }
      const e = parseComponent('exporter', id, cfg);
      expect(e.id).toBe(id.replace(/^loadbalancing/, 'load_balancing'));
      expect(e.toConfig()).toEqual(normalizeLoadBalancing(cfg));
    }
    // loadbalancing/5 has no resolver: it parses, but validate() reports what the collector would
    const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
    c.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      exporters: [parseComponent('exporter', 'loadbalancing/5', fixture['loadbalancing/5'])],
    });
    expect(c.validate().map((f) => `${f.rule}@${f.path}`)).toEqual([
      'load-balancing-resolver@exporters.load_balancing/5',
    ]);
  });

  test.each(['example-otel-agent-config.yaml', 'example-otel-collector-config.yaml'])(
    '%s parses as a whole config and renders back modulo renames',
    (file) => {
      const fixture = readYaml('loadbalancing', file);
      const config = CollectorConfig.fromObject(fixture);
      const rendered = config.toObject() as any;
      const expected = structuredClone(fixture);
      if (expected.exporters.loadbalancing) {
        expected.exporters.load_balancing = normalizeLoadBalancing(expected.exporters.loadbalancing);
        delete expected.exporters.loadbalancing;
        expected.service.pipelines.logs.exporters = ['load_balancing', 'debug'];
      }
      // null component configs render as {}; the otlp receiver renders its default endpoints explicitly
      for (const section of ['receivers', 'processors', 'exporters', 'extensions']) {
        for (const k of Object.keys(expected[section] ?? {})) expected[section][k] ??= {};
      }
      if (expected.receivers.otlp) expected.receivers.otlp.protocols.grpc = { endpoint: '0.0.0.0:4317' };
      expect(rendered).toEqual(expected);
      expect(config.validate().filter((f) => f.severity === 'error')).toEqual([]);
    },
  );
});

describeWithReference('known-invalid upstream fixtures are rejected', () => {
  test('debug exporter: typo verBosity', () => {
    expect(() =>
      parseComponent('exporter', 'debug', readYaml('debugexporter', 'config_verbosity_typo.yaml')),
    ).toThrow(/exporters.debug: unknown key "verBosity"; did you mean "verbosity"\?/);
    // the correctly spelled fixture is accepted
    const ok = readYaml('debugexporter', 'config_verbosity.yaml');
    expect(parseComponent('exporter', 'debug', ok).toConfig()).toEqual(ok);
  });

  test.each([
    ['bad_proto_config.yaml', /receivers.otlp.protocols: unknown key "thrift"/],
    [
      'typo_default_proto_config.yaml',
      /receivers.otlp.protocols: unknown key "htttp"; did you mean "http"\?/,
    ],
  ])('otlp receiver %s', (file, message) => {
    expect(() => OtlpReceiver.fromConfig(readYaml('otlpreceiver', file))).toThrow(message);
  });

  test('otlp receiver valid fixtures parse (default, only_grpc, only_http)', () => {
    expect(
      OtlpReceiver.fromConfig(readYaml('otlpreceiver', 'default.yaml'))
        .listeningPorts()
        .map((p) => p.port),
    ).toEqual([4317, 4318]);
    expect(
      OtlpReceiver.fromConfig(readYaml('otlpreceiver', 'only_grpc.yaml'))
        .listeningPorts()
        .map((p) => p.port),
    ).toEqual([4317]);
    expect(
      OtlpReceiver.fromConfig(readYaml('otlpreceiver', 'only_http.yaml'))
        .listeningPorts()
        .map((p) => p.port),
    ).toEqual([4318]);
  });

  const invalidOtlp = readYamlIfPresent('otlpexporter', 'invalid_configs.yaml');
  const expectedOtlp: Record<string, RegExp> = {
    no_endpoint: /endpoint is required/,
    https_endpoint: /endpoint "https:\/\/" has no host/,
    http_endpoint: /endpoint "http:\/\/" has no host/,
    invalid_timeout: /timeout "-5s" is out of range/,
    invalid_retry: /randomization_factor -5 is out of range/,
    invalid_tls: /tls: min_version "asd" is not allowed/,
    missing_port: /endpoint "example.com" needs a numeric port/,
    invalid_port: /endpoint "example.com:port" needs a numeric port/,
    invalid_unix_socket: /endpoint "unix:\/\/" has no socket path/,
  };
  test('otlp exporter invalid_configs.yaml: every entry is covered', () => {
    expect(Object.keys(invalidOtlp).sort()).toEqual(Object.keys(expectedOtlp).sort());
  });
  test.each(Object.keys(expectedOtlp))('otlp exporter invalid config %s', (key) => {
    expect(() => OtlpExporter.fromConfig('otlp_grpc', invalidOtlp[key], { name: key })).toThrow(
      expectedOtlp[key],
    );
  });

  test('otlp_http: empty config and invalid encoding', () => {
    expect(() => CollectorConfig.fromObject(readYaml('otlphttpexporter', 'bad_empty_config.yaml'))).toThrow(
      /exporters.otlp_http: endpoint is required/,
    );
    expect(() =>
      parseComponent('exporter', 'otlp_http', {
        endpoint: 'http://a:4318',
        ...readYaml('otlphttpexporter', 'bad_invalid_encoding.yaml'),
      }),
    ).toThrow(/encoding "invalid" is not allowed; use one of "proto", "json"/);
  });

  test('memory_limiter negative_unsigned_limits_config.yaml', () => {
    const f = readYaml('memorylimiterprocessor', 'negative_unsigned_limits_config.yaml');
    expect(() =>
      Processor.memoryLimiter({
        checkIntervalSec: parseDuration(f.check_interval, 'check_interval'),
        limitMiB: f.limit_mib,
        spikeLimitMiB: f.spike_limit_mib,
      }),
    ).toThrow(/limitMiB -2000 is out of range/);
  });
});

function readYamlIfPresent(...p: string[]): any {
  return fs.existsSync(col(...p)) ? readYaml(...p) : {};
}

// ---------------------------------------------------------------------------------------------------------
// JSON-schema validation of rendered component configs against upstream config.schema.yaml files.
// Refs are resolved and inlined here (test-only loader): `name` -> $defs of the same file,
// `/config/X.def` and `go.opentelemetry.io/collector/config/X.def` -> common-schemas/X.schema.yaml,
// exporterhelper (+ internal, internal/queuebatch), otlpexporter. Unavailable refs (e.g. contrib's
// `pkg/ottl.error_mode`) become `{}`. Documented overrides: configtelemetry.level is unmarshalled from text
// (`basic|normal|detailed`), and configopaque.map_list also unmarshals from a map (upstream fixtures use it).
// allOf branches are flattened and objects made strict (additionalProperties: false) so that a key we
// render wrongly fails.
// ---------------------------------------------------------------------------------------------------------
const MODULE_FILES: Record<string, string> = {
  '/exporter/exporterhelper': 'common-schemas/exporterhelper.schema.yaml',
  '/exporter/exporterhelper/internal': 'common-schemas/exporterhelper-internal.schema.yaml',
  '/exporter/exporterhelper/internal/queuebatch': 'common-schemas/exporterhelper-queuebatch.schema.yaml',
  '/exporter/otlpexporter': 'otlpexporter/config.schema.yaml',
};
const OVERRIDES: Record<string, any> = {
  '/config/configtelemetry.level': { type: 'string', enum: ['basic', 'normal', 'detailed'] },
};

function moduleFile(module: string): string | undefined {
  if (MODULE_FILES[module]) return MODULE_FILES[module];
  const m = /^\/config\/([a-z]+)$/.exec(module);
  return m ? `common-schemas/${m[1]}.schema.yaml` : undefined;
}

function loadSchema(file: string): any {
  const cache = new Map<string, any>();
  const read = (f: string) => {
    if (!cache.has(f)) cache.set(f, parse(fs.readFileSync(col(f), 'utf8')));
    return cache.get(f);
  };
  const resolveRef = (refStr: string, ctxFile: string, ctxModule: string, depth: number): any => {
    let r = refStr.replace(/^go\.opentelemetry\.io\/collector/, '');
    if (r.startsWith('./')) r = ctxModule + r.slice(1);
    const dot = r.lastIndexOf('.');
    if (!r.includes('/')) return inline(read(ctxFile).$defs[r], ctxFile, ctxModule, depth + 1);
    const module = r.slice(0, dot);
    const def = r.slice(dot + 1);
    if (OVERRIDES[r]) return OVERRIDES[r];
    const f = moduleFile(module);
    if (!f) return {};
    const doc = read(f);
    const target = def === 'config' && !doc.$defs?.config ? doc : doc.$defs[def];
    let schema = inline(target, f, module, depth + 1);
    if (r === '/config/configopaque.map_list') {
      schema = { anyOf: [schema, { type: 'object', additionalProperties: { type: 'string' } }] };
    }
    return schema;
  };
  const inline = (node: any, ctxFile: string, ctxModule: string, depth: number): any => {
    if (depth > 40) throw new Error('schema ref depth exceeded');
    if (Array.isArray(node)) return node.map((n) => inline(n, ctxFile, ctxModule, depth));
    if (node === null || typeof node !== 'object') return node;
    let out: any = {};
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('x-') || k === 'description' || k === 'format' || k === '$defs' || k === '$ref')
        continue;
      out[k] =
        k === 'properties'
          ? Object.fromEntries(
              Object.entries(v as object).map(([pk, pv]) => [pk, inline(pv, ctxFile, ctxModule, depth)]),
            )
          : inline(v, ctxFile, ctxModule, depth);
    }
    if (node.$ref) out = { ...resolveRef(node.$ref, ctxFile, ctxModule, depth), ...out };
    if (out.allOf) {
      for (const branch of out.allOf) {
        out.properties = { ...(branch.properties ?? {}), ...(out.properties ?? {}) };
        out.type ??= branch.type;
      }
      delete out.allOf;
    }
    if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
      out.additionalProperties = false;
    return out;
  };
  const module = '/' + file.split('/')[0];
  return inline(read(file), file, module, 0);
}

describeWithReference('rendered component configs validate against upstream config.schema.yaml', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const check = (schemaFile: string, component: CollectorComponent) => {
    const validate = ajv.compile(loadSchema(schemaFile));
    const ok = validate(component.toConfig());
    expect({ component: component.id, errors: ok ? [] : validate.errors }).toEqual({
      component: component.id,
      errors: [],
    });
  };

  test('the loader is strict: an unknown key fails', () => {
    const validate = ajv.compile(loadSchema('debugexporter/config.schema.yaml'));
    expect(validate({ verBosity: 'detailed' })).toBe(false);
    expect(validate({ verbosity: 'detailed' })).toBe(true);
  });

  test('nested definitions are checked too (policy field types, resolver fields, header map values)', () => {
    const ts = ajv.compile(loadSchema('tailsampling/config.schema.yaml'));
    expect(ts({ policies: [{ name: 'x', type: 'latency', latency: { threshold_ms: 'slow' } }] })).toBe(false);
    expect(ts({ policies: [{ name: 'x', type: 'latency', latency: { threshold: 1 } }] })).toBe(false);
    const lb = ajv.compile(loadSchema('loadbalancing/config.schema.yaml'));
    expect(lb({ resolver: { k8s: { service: 'a.b', ports: ['4317'] } } })).toBe(false);
    const otlp = ajv.compile(loadSchema('otlpexporter/config.schema.yaml'));
    expect(otlp({ endpoint: 'a:1', headers: { a: 1 } })).toBe(false);
    expect(otlp({ endpoint: 'a:1', headers: { a: '${env:A}' }, sending_queue: { queue_size: 'big' } })).toBe(
      false,
    );
  });

  const fullClient = {
    tls: { insecure: false, caFile: '/etc/ca/ca.crt', minVersion: '1.2' },
    headers: { authorization: '${env:BACKEND_AUTH}' },
    compression: 'gzip' as const,
    timeoutSec: 10,
    // sizer items: a batch takes the queue's sizer, and the real collector refuses to size a batch in requests
    sendingQueue: {
      numConsumers: 4,
      queueSize: 5000,
      sizer: 'items' as const,
      batch: { flushTimeoutSec: 0.2, minSize: 100, maxSize: 1000 },
    },
    retryOnFailure: {
      initialIntervalSec: 5,
      maxIntervalSec: 30,
      maxElapsedTimeSec: 300,
      multiplier: 1.5,
      randomizationFactor: 0.5,
    },
  };

  test('otlp receiver (grpc + http with TLS, CORS)', () => {
    check(
      'otlpreceiver/config.schema.yaml',
      Receiver.otlp({
        grpc: { maxRecvMsgSizeMiB: 16, tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' } },
        http: { cors: { allowedOrigins: ['https://*.example.com'], maxAgeSec: 7200 }, includeMetadata: true },
      }),
    );
  });
  test('otlp_grpc exporter with every typed setting', () => {
    check(
      'otlpexporter/config.schema.yaml',
      Exporter.otlpGrpc({ endpoint: 'tempo:4317', balancerName: 'round_robin', ...fullClient }),
    );
  });
  test('otlp_http exporter with every typed setting', () => {
    check(
      'otlphttpexporter/config.schema.yaml',
      Exporter.otlpHttp({
        endpoint: 'https://otlp.example.com',
        encoding: 'json',
        tracesEndpoint: 'https://otlp.example.com/v1/traces',
        ...fullClient,
      }),
    );
  });
  test('debug exporter', () => {
    check(
      'debugexporter/config.schema.yaml',
      Exporter.debug({ verbosity: 'detailed', samplingInitial: 5, samplingThereafter: 200 }),
    );
  });
  test('load_balancing exporter (static, dns, k8s resolvers)', () => {
    for (const resolver of [
      LoadBalancingResolver.static(['gw-0:4317']),
      LoadBalancingResolver.dns({ hostname: 'gw-headless.obs', port: 4317, intervalSec: 5 }),
      LoadBalancingResolver.k8s({ service: 'gw.obs', ports: [4317], returnHostnames: true }),
    ]) {
      check(
        'loadbalancing/config.schema.yaml',
        Exporter.loadBalancing({
          routingKey: 'traceID',
          resolver,
          otlp: { tls: { insecure: true }, timeoutSec: 1 },
        }),
      );
    }
  });
  test('tail_sampling with every policy type', () => {
    const leafs = [
      Policy.alwaysSample(),
      Policy.latency({ thresholdMs: 1000, upperThresholdMs: 10000 }),
      Policy.numericAttribute({ key: 'http.status_code', minValue: 500, maxValue: 599 }),
      Policy.probabilistic({ samplingPercentage: 10, hashSalt: 'gw' }),
      Policy.statusCode('ERROR'),
      Policy.stringAttribute({
        key: 'service.name',
        values: ['checkout.*'],
        enabledRegexMatching: true,
        cacheMaxSize: 100,
      }),
      Policy.rateLimiting({ spansPerSecond: 100 }),
      Policy.bytesLimiting({ bytesPerSecond: 1_000_000, burstCapacity: 2_000_000 }),
      Policy.spanCount({ minSpans: 2, maxSpans: 200 }),
      Policy.traceState({ key: 'tenant', values: ['a'] }),
      Policy.booleanAttribute({ key: 'debug', value: true }),
      Policy.ottlCondition({
        span: ['attributes["x"] == "y"'],
        spanEvent: ['name == "e"'],
        errorMode: 'ignore',
      }),
    ];
    const and = Policy.and(
      'and',
      Policy.statusCode('ERROR', { name: 'err' }),
      Policy.latency({ name: 'slow', thresholdMs: 500 }),
    );
    check(
      'tailsampling/config.schema.yaml',
      Processor.tailSampling({
        decisionWaitSec: 10,
        numTraces: 50000,
        expectedNewTracesPerSec: 1000,
        sampleOnFirstMatch: true,
        blockOnOverflow: false,
        decisionCache: { sampledCacheSize: 500000, nonSampledCacheSize: 500000 },
        policies: [
          ...leafs,
          and,
          Policy.drop(
            'drop-health',
            Policy.stringAttribute({ name: 'health', key: 'url.path', values: ['/healthz'] }),
          ),
          Policy.not('not-debug', Policy.booleanAttribute({ name: 'dbg', key: 'debug', value: true })),
          Policy.composite({
            name: 'budget',
            maxTotalSpansPerSecond: 1000,
            subPolicies: [
              Policy.statusCode('ERROR', { name: 'c-err' }),
              Policy.and('c-and', Policy.alwaysSample({ name: 'c-all' })),
            ],
            rateAllocation: [
              { policy: 'c-err', percent: 60 },
              { policy: 'c-and', percent: 40 },
            ],
          }),
        ],
      }),
    );
  });
  test('memory_limiter (both forms), batch, probabilistic_sampler, resource', () => {
    check(
      'memorylimiterprocessor/config.schema.yaml',
      Processor.memoryLimiter({ limitMiB: 1500, spikeLimitMiB: 300, checkIntervalSec: 1 }),
    );
    check(
      'memorylimiterprocessor/config.schema.yaml',
      Processor.memoryLimiter({ limitPercentage: 75, spikeLimitPercentage: 20 }),
    );
    check(
      'batchprocessor/config.schema.yaml',
      Processor.batch({
        sendBatchSize: 1024,
        sendBatchMaxSize: 2048,
        timeoutSec: 0.2,
        metadataKeys: ['tenant'],
      }),
    );
    check(
      'probabilisticsamplerprocessor/config.schema.yaml',
      Processor.probabilisticSampler({
        samplingPercentage: 10,
        hashSeed: 22,
        mode: 'hash_seed',
        failClosed: true,
      }),
    );
    check(
      'resourceprocessor/config.schema.yaml',
      Processor.resource({
        actions: [AttributeAction.upsert('deployment.environment', 'prod'), AttributeAction.hash('user.id')],
      }),
    );
  });
  test('zpages extension', () => {
    check('zpagesextension/config.schema.yaml', Extension.zpages({ endpoint: '0.0.0.0:55679' }));
  });
});
