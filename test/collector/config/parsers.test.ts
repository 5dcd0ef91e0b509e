/**
 * The parsers and rules that the real collector's verdicts (test/e2e/collector-matrix.e2e.ts and
 * collector-differential.e2e.ts) made the library adopt, each checked here without the collector: every
 * case below is one the collector 0.158 refuses (or accepts) in the same way, with its error text quoted
 * where it helps.
 */
import {
  AttributeAction,
  CollectorConfig,
  Connector,
  Exporter,
  Extension,
  LoadBalancingResolver,
  Processor,
  Receiver,
} from '../../../lib/collector/config';
import { parseComponent } from '../../../lib/collector/config/collector-config';

/** A config around one component, parsed; returns the error findings' rules, or the parse error. */
function verdict(section: string, id: string, body: unknown, extra: Record<string, unknown> = {}): string {
  const pipeline: Record<string, string[]> = { receivers: ['otlp'], exporters: ['debug'] };
  if (section === 'processors') pipeline.processors = [id];
  if (section === 'exporters') pipeline.exporters = [id];
  const config: any = {
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
    exporters: { debug: {} },
    ...extra,
    service: { pipelines: { traces: pipeline }, ...(section === 'extensions' ? { extensions: [id] } : {}) },
  };
  config[section] = { ...(config[section] ?? {}), [id]: body };
  try {
    const errors = CollectorConfig.fromObject(config)
      .validate()
      .filter((f) => f.severity === 'error');
    return errors.length ? errors.map((f) => f.rule).join(',') : 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('typed parsers of the factory-built types (strict keys, collector types and Validate rules)', () => {
  test('memory_limiter', () => {
    expect(
      verdict('processors', 'memory_limiter', {
        check_interval: '1s',
        limit_percentage: 80,
        spike_limit_percentage: 25,
      }),
    ).toBe('ok');
    expect(
      verdict('processors', 'memory_limiter', { check_interval: '1s', limit_mib: 400, spike_limit_mib: 80 }),
    ).toBe('ok');
    // "'check_interval' must be greater than zero": there is no default
    expect(verdict('processors', 'memory_limiter', { limit_percentage: 80 })).toMatch(
      /check_interval must be greater than zero/,
    );
    // "'limit_mib' or 'limit_percentage' must be greater than zero"
    expect(verdict('processors', 'memory_limiter', { check_interval: '1s' })).toMatch(
      /limit_mib or limit_percentage must be greater than zero/,
    );
    expect(verdict('processors', 'memory_limiter', { check_interval: '1s', limit_percentage: 101 })).toMatch(
      /at most 100/,
    );
    expect(verdict('processors', 'memory_limiter', { check_interval: '1s', limit_percentage: -1 })).toMatch(
      /not an unsigned integer/,
    );
    expect(
      verdict('processors', 'memory_limiter', { check_interval: '1s', limit_percentage: 'lots' }),
    ).toMatch(/expected a number/);
    expect(verdict('processors', 'memory_limiter', { check_interval: '-1s', limit_percentage: 80 })).toMatch(
      /check_interval "-1s" is out of range; write a duration above 0s/,
    );
    expect(verdict('processors', 'memory_limiter', { check_intervall: '1s' })).toMatch(
      /unknown key "check_intervall"; did you mean "check_interval"/,
    );
    expect(
      verdict('processors', 'memory_limiter', { check_interval: '1s', limit_mib: 100, spike_limit_mib: 100 }),
    ).toMatch(/spike_limit_mib 100 must be below limit_mib 100/);
  });

  test('batch: send_batch_size defaults to 8192 for the max-size rule', () => {
    expect(
      verdict('processors', 'batch', {
        timeout: '200ms',
        send_batch_size: 100,
        send_batch_max_size: 200,
        metadata_keys: ['x'],
        metadata_cardinality_limit: 10,
      }),
    ).toBe('ok');
    // "send_batch_max_size must be greater or equal to send_batch_size"
    expect(verdict('processors', 'batch', { send_batch_max_size: 100 })).toMatch(
      /send_batch_max_size 100 is below send_batch_size 8192/,
    );
    expect(verdict('processors', 'batch', { metadata_keys: ['Tenant', 'tenant'] })).toMatch(/twice/);
    expect(verdict('processors', 'batch', { timeout: '-1s' })).toMatch(/timeout "-1s" is out of range; write a duration of at least 0s/);
    expect(verdict('processors', 'batch', { send_batch_size: 1e12 })).toMatch(
      /does not fit the collector's 32-bit field/,
    );
    expect(verdict('processors', 'batch', { not_a_real_option: true })).toMatch(
      /unknown key "not_a_real_option"/,
    );
  });

  test('k8s_attributes', () => {
    const full = {
      auth_type: 'serviceAccount',
      passthrough: false,
      extract: {
        metadata: ['k8s.pod.name', 'container.image.tag'],
        labels: [{ tag_name: 'app', key: 'app', from: 'pod' }],
        annotations: [{ key_regex: 'x/.*', from: 'deployment' }],
      },
      filter: {
        node_from_env_var: 'K8S_NODE_NAME',
        namespace: 'shop',
        labels: [{ key: 'a', op: 'exists' }],
        fields: [{ key: 'b', value: 'c', op: 'not-equals' }],
      },
      pod_association: [{ sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] }],
      exclude: { pods: [{ name: 'jaeger-agent' }] },
      wait_for_metadata: true,
      wait_for_metadata_timeout: '10s',
    };
    expect(verdict('processors', 'k8s_attributes', full)).toBe('ok');
    // "... is not a valid choice for From. Must be one of: pod, namespace, deployment, statefulset, daemonset, job, node"
    expect(
      verdict('processors', 'k8s_attributes', { extract: { labels: [{ key: 'a', from: 'cluster' }] } }),
    ).toMatch(/"cluster" is not a valid choice/);
    expect(verdict('processors', 'k8s_attributes', { extract: { metadata: ['k8s.pod.colour'] } })).toMatch(
      /"k8s.pod.colour" is not a supported metadata field/,
    );
    expect(
      verdict('processors', 'k8s_attributes', { extract: { labels: [{ key: 'a', key_regex: 'b' }] } }),
    ).toMatch(/key or key_regex, not both/);
    expect(
      verdict('processors', 'k8s_attributes', { filter: { labels: [{ key: 'a', op: 'like' }] } }),
    ).toMatch(/"like" is not a valid operation/);
    expect(verdict('processors', 'k8s_attributes', { pod_association: [{ sources: 'ip' }] })).toMatch(
      /expected a list/,
    );
    expect(verdict('processors', 'k8s_attributes', { auth_type: 'token' })).toMatch(
      /auth_type "token" is invalid/,
    );
    expect(verdict('processors', 'k8s_attributes', { pod_association: [{ sourcess: [] }] })).toMatch(
      /unknown key "sourcess"/,
    );
  });

  test('attributes and resource actions follow the attraction rules', () => {
    const ok = [
      { key: 'a', action: 'insert', value: 1 },
      { key: 'b', action: 'upsert', from_attribute: 'c' },
      { key: 'c', action: 'update', from_context: 'tenant' },
      { key: 'd', action: 'delete' },
      { pattern: '^x\\..*', action: 'hash' },
      { key: 'e', action: 'extract', pattern: '^(?P<a>[a-z]+)-(?:x|y)$' },
      { key: 'f', action: 'convert', converted_type: 'int' },
      { key: 'g', action: 'insert', default_value: 'none', from_attribute: 'h' },
    ];
    expect(
      verdict('processors', 'attributes', {
        actions: ok,
        include: { match_type: 'strict', services: ['a'] },
      }),
    ).toBe('ok');
    expect(verdict('processors', 'resource', { attributes: ok })).toBe('ok');
    expect(verdict('processors', 'attributes', { actions: [{ action: 'insert', value: 1 }] })).toMatch(
      /key is required/,
    );
    expect(verdict('processors', 'attributes', { actions: [{ key: 'a', value: 1 }] })).toMatch(
      /action "" is not supported/,
    );
    expect(verdict('processors', 'attributes', { actions: [{ key: 'a', action: 'insert' }] })).toMatch(
      /needs value, from_attribute, from_context or default_value/,
    );
    expect(
      verdict('processors', 'attributes', {
        actions: [{ key: 'a', action: 'insert', value: 1, from_attribute: 'b' }],
      }),
    ).toMatch(/more than one/);
    // "contains at least one unnamed matcher group"
    expect(
      verdict('processors', 'resource', {
        attributes: [{ key: 'a', action: 'extract', pattern: '^(a)(?P<b>.*)$' }],
      }),
    ).toMatch(/unnamed group/);
    expect(
      verdict('processors', 'resource', {
        attributes: [{ key: 'a', action: 'extract', pattern: '^(?=x)(?P<b>.*)$' }],
      }),
    ).toMatch(/RE2/);
    expect(
      verdict('processors', 'attributes', {
        actions: [{ key: 'a', action: 'convert', converted_type: 'bool' }],
      }),
    ).toMatch(/converted_type string, int or double/);
    expect(verdict('processors', 'attributes', { actions: [] })).toMatch(/actions is empty/);
    expect(() => AttributeAction.extract('a', '^(a)(?P<b>.*)$')).toThrow(/unnamed group/);
    expect(() => AttributeAction.extract('a', '^(?<=x)(?P<b>.*)$')).toThrow(/pattern "\^\(\?<=x\)\(\?P<b>\.\*\)\$" uses look-behind/);
  });

  test('probabilistic_sampler', () => {
    expect(
      verdict('processors', 'probabilistic_sampler', {
        sampling_percentage: 10,
        mode: 'equalizing',
        fail_closed: true,
        sampling_precision: 4,
        attribute_source: 'traceID',
      }),
    ).toBe('ok');
    // "sampling rate is negative"
    expect(verdict('processors', 'probabilistic_sampler', { sampling_percentage: -1 })).toMatch(
      /is negative/,
    );
    // "unsupported sampler mode"
    expect(
      verdict('processors', 'probabilistic_sampler', { sampling_percentage: 10, mode: 'fancy' }),
    ).toMatch(/mode "fancy" is invalid/);
    expect(
      verdict('processors', 'probabilistic_sampler', { sampling_percentage: 10, sampling_precision: 0 }),
    ).toMatch(/sampling_precision 0 is out of range/);
    expect(verdict('processors', 'probabilistic_sampler', { sampling_percentage: 10, modee: 'x' })).toMatch(
      /unknown key "modee"/,
    );
  });

  test('health_check, zpages, pprof, file_storage, forward', () => {
    expect(
      verdict('extensions', 'health_check', {
        endpoint: '0.0.0.0:13133',
        path: '/health',
        check_collector_pipeline: { enabled: false },
      }),
    ).toBe('ok');
    expect(verdict('extensions', 'health_check', { endpoint: 12345 })).toMatch(/expected a string/);
    expect(verdict('extensions', 'health_check', { endpoint: '0.0.0.0:70000' })).toMatch(
      /not host:port with a port between 1 and 65535/,
    );
    expect(verdict('extensions', 'health_check', { endpoint: '0.0.0.0:13133', path: 'health' })).toMatch(
      /must start with "\/"/,
    );
    expect(verdict('extensions', 'health_check', { endpointt: 'x' })).toMatch(/unknown key "endpointt"/);
    expect(verdict('extensions', 'zpages', { endpoint: 'localhost:55679', expvar: { enabled: true } })).toBe(
      'ok',
    );
    expect(verdict('extensions', 'pprof', { endpoint: 'localhost:1777', block_profile_fraction: 3 })).toBe(
      'ok',
    );
    expect(
      verdict('extensions', 'file_storage', {
        directory: '/var/lib/otelcol/queue',
        timeout: '1s',
        compaction: { on_rebound: true, check_interval: '5s' },
      }),
    ).toBe('ok');
    expect(verdict('extensions', 'file_storage', { timeout: '1s' })).toMatch(/directory is required/);
    expect(verdict('extensions', 'file_storage', { directory: '/q', max_size: -1 })).toMatch(
      /max_size cannot be negative/,
    );
    const connector = () =>
      CollectorConfig.fromObject({
        receivers: { otlp: { protocols: { grpc: {} } } },
        exporters: { debug: {} },
        connectors: { forward: { x: 1 } },
        service: {
          pipelines: {
            traces: { receivers: ['otlp'], exporters: ['forward'] },
            'traces/2': { receivers: ['forward'], exporters: ['debug'] },
          },
        },
      });
    expect(connector).toThrow(/connectors.forward: unknown key "x"; forward takes no settings/);
  });

  test('every parsed component renders back verbatim', () => {
    for (const [kind, id, body] of [
      [
        'processor',
        'memory_limiter/x',
        { check_interval: '2s', limit_mib: 100, min_gc_interval_when_soft_limited: '5s' },
      ],
      ['processor', 'k8s_attributes', { passthrough: true }],
      ['extension', 'health_check', { endpoint: '0.0.0.0:13133' }],
      [
        'extension',
        'file_storage',
        { directory: '/q', create_directory: true, directory_permissions: '0750' },
      ],
    ] as const) {
      expect(parseComponent(kind, id, body).toConfig()).toEqual(body);
    }
  });
});

describe('collector rules the parsers and validate() now apply', () => {
  test('a deprecated alias in a parsed config warns like the collector, also for connectors used in pipelines', () => {
    const c = CollectorConfig.fromObject({
      receivers: { otlp: { protocols: { grpc: {} } } },
      exporters: { otlp: { endpoint: 'tempo:4317' }, debug: {} },
      connectors: { spanmetrics: {} },
      service: {
        pipelines: {
          traces: { receivers: ['otlp'], exporters: ['otlp', 'spanmetrics'] },
          metrics: { receivers: ['spanmetrics'], exporters: ['debug'] },
        },
      },
    });
    const findings = c.validate({ silence: ['memory-limiter-first'] });
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.filter((f) => f.rule === 'deprecated-type').map((f) => f.path)).toEqual([
      'exporters.otlp_grpc',
      'connectors.span_metrics',
    ]);
  });

  test('load_balancing routing keys per signal (the collector: "unsupported routing_key")', () => {
    const lb = (routingKey: 'resource' | 'metric' | 'traceID') =>
      Exporter.loadBalancing({
        name: routingKey,
        routingKey,
        resolver: LoadBalancingResolver.static(['gw:4317']),
      });
    const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
    c.addPipeline('traces', { receivers: [Receiver.otlp()], exporters: [lb('resource'), lb('traceID')] });
    c.addPipeline('metrics', { receivers: ['otlp'], exporters: [lb('metric'), 'load_balancing/resource'] });
    const bad = c.validate().filter((f) => f.severity === 'error');
    expect(bad.map((f) => `${f.rule}@${f.path}`)).toEqual([
      'signal-mismatch@service.pipelines.traces.exporters[0]',
    ]);
  });

  test('sending_queue batch: defaults (min_size 8192), the sizer it takes from the queue, min_size <= queue_size', () => {
    const q = (sendingQueue: any) => () => Exporter.otlpGrpc({ endpoint: 'tempo:4317', sendingQueue });
    expect(q({ batch: { maxSize: 4000 } })).toThrow(/min_size 8192 \(the default\) is above max_size 4000/);
    expect(q({ sizer: 'requests', batch: { minSize: 10 } })).toThrow(/sizer "requests" with batch/);
    expect(q({ sizer: 'items', queueSize: 500, batch: { minSize: 1000 } })).toThrow(
      /min_size 1000 is above queue_size 500/,
    );
    expect(q({ batch: { flushTimeoutSec: 0 } })).toThrow(/sendingQueue.batch.flushTimeoutSec 0 is out of range/);
    expect(q({ sizer: 'items', queueSize: 5000, batch: { minSize: 1000, maxSize: 4000 } })).not.toThrow();
    expect(() =>
      parseComponent('exporter', 'otlp_grpc', { endpoint: 'a:1', sending_queue: { enabled: 'maybe' } }),
    ).toThrow(/enabled: expected a boolean/);
  });

  test('retry_on_failure: max_elapsed_time must leave room for the waits (configretry BackOffConfig.Validate)', () => {
    expect(() => Exporter.otlpGrpc({ endpoint: 'a:1', retryOnFailure: { maxElapsedTimeSec: 10 } })).toThrow(
      /max_elapsed_time 10s is below initial_interval 5s or max_interval 30s/,
    );
    expect(() =>
      Exporter.otlpGrpc({ endpoint: 'a:1', retryOnFailure: { maxElapsedTimeSec: 0 } }),
    ).not.toThrow();
  });

  test('auth needs an authenticator; pipelines take only receivers/processors/exporters; the dns resolver port is a string', () => {
    expect(() => parseComponent('exporter', 'otlp_grpc', { endpoint: 'a:1', auth: {} })).toThrow(
      /authenticator is missing/,
    );
    expect(() =>
      parseComponent('exporter', 'otlp_grpc', { endpoint: 'a:1', auth: { authenticator: 'x', extra: 1 } }),
    ).toThrow(/unknown key "extra"/);
    expect(() =>
      CollectorConfig.fromObject({
        receivers: { otlp: { protocols: { grpc: {} } } },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'], extra: [] } } },
      }),
    ).toThrow(/service.pipelines.traces: unknown key "extra"/);
    // "'port' expected type 'string', got unconvertible type 'int'"
    expect(() =>
      parseComponent('exporter', 'load_balancing', {
        protocol: { otlp: {} },
        resolver: { dns: { hostname: 'gw', port: 4317 } },
      }),
    ).toThrow(/port: expected a string/);
    expect(
      parseComponent('exporter', 'load_balancing', {
        protocol: { otlp: {} },
        resolver: { dns: { hostname: 'gw', port: '4317' } },
      }).toConfig(),
    ).toMatchObject({ resolver: { dns: { port: '4317' } } });
  });

  test('escape hatches report the extensions their auth and queue storage name; load_balancing its queue storage', () => {
    const c = new CollectorConfig({ silencedRules: ['memory-limiter-first'] });
    c.addPipeline('traces', {
      receivers: [
        Receiver.custom('zipkin', {
          endpoint: '0.0.0.0:9411',
          auth: { authenticator: 'bearertokenauth/server' },
        }),
      ],
      exporters: [
        Exporter.loadBalancing({
          resolver: LoadBalancingResolver.static(['gw:4317']),
          sendingQueue: { storage: 'file_storage/q' },
        }),
      ],
    });
    const undefinedRefs = c
      .validate()
      .filter((f) => f.rule === 'undefined-component')
      .map((f) => f.message);
    expect(undefinedRefs).toEqual([
      expect.stringMatching(/"bearertokenauth\/server"/),
      expect.stringMatching(/"file_storage\/q"/),
    ]);
    c.addExtension(Extension.custom('bearertokenauth', { token: 'x' }, { name: 'server' }));
    c.addExtension(Extension.fileStorage({ name: 'q', directory: '/q' }));
    expect(c.validate().filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('two listeners on one loopback port conflict (zpages default and a second zpages without endpoint)', () => {
    const c = CollectorConfig.fromObject({
      receivers: { otlp: { protocols: { grpc: {} } } },
      exporters: { debug: {} },
      extensions: { zpages: {}, 'zpages/2': {} },
      service: {
        extensions: ['zpages', 'zpages/2'],
        pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } },
      },
    });
    expect(
      c
        .validate()
        .filter((f) => f.rule === 'port-conflict')
        .map((f) => f.path),
    ).toEqual(['zpages/2']);
  });

  test('OTLP receiver: its own tls and max_request_body_size parse back; max_concurrent_streams is unsigned', () => {
    const r = Receiver.otlp({
      grpc: { tls: { certFile: '/t/tls.crt', keyFile: '/t/tls.key' } },
      http: {
        maxRequestBodySizeMiB: 8,
        tls: { certFile: '/t/tls.crt', keyFile: '/t/tls.key', clientCaFile: '/t/ca.crt' },
      },
    });
    expect(parseComponent('receiver', 'otlp', r.toConfig()).toConfig()).toEqual(r.toConfig());
    expect(() => Receiver.otlp({ grpc: { maxConcurrentStreams: -1 } })).toThrow(
      /grpc.maxConcurrentStreams -1 is out of range/,
    );
  });

  test('debug sampling counts may be 0 (meaningful for the log sampler)', () => {
    expect(Exporter.debug({ samplingInitial: 0, samplingThereafter: 0 }).toConfig()).toEqual({
      sampling_initial: 0,
      sampling_thereafter: 0,
    });
    expect(() => Exporter.debug({ samplingThereafter: -1 })).toThrow(/samplingThereafter -1 is out of range/);
  });

  test('the debug exporter keeps (and checks) use_internal_logger, output_paths and sending_queue', () => {
    const body = {
      verbosity: 'basic',
      use_internal_logger: false,
      output_paths: ['stdout'],
      sending_queue: { enabled: false },
    };
    expect(parseComponent('exporter', 'debug', body).toConfig()).toEqual(body);
    expect(() => parseComponent('exporter', 'debug', { sending_queue: { queue_size: 'big' } })).toThrow(
      /queue_size: expected a number/,
    );
    expect(() => parseComponent('exporter', 'debug', { use_internal_logger: 'yes' })).toThrow(
      /use_internal_logger: expected a boolean/,
    );
  });

  test('gRPC balancer_name is round_robin or pick_first ("invalid balancer_name")', () => {
    expect(() =>
      parseComponent('exporter', 'otlp_grpc', { endpoint: 'a:1', balancer_name: 'random' }),
    ).toThrow(/balancer_name "random" is not allowed; use one of "round_robin", "pick_first"/);
  });

  test('Connector.forward and Processor.custom still parse and render', () => {
    expect(Connector.forward().toConfig()).toEqual({});
    expect(parseComponent('processor', 'transform', { error_mode: 'ignore' }).toConfig()).toEqual({
      error_mode: 'ignore',
    });
    expect(Processor.memoryLimiter().toConfig()).toEqual({
      check_interval: '1s',
      limit_percentage: 80,
      spike_limit_percentage: 25,
    });
  });
});
