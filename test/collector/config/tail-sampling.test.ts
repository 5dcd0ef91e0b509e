import {
  CollectorConfig,
  Policy,
  Processor,
  Receiver,
  Exporter,
  sizeTailSampling,
  TailSamplingProcessor,
} from '../../../lib/collector/config';

describe('sizeTailSampling', () => {
  test('num_traces = ceil(rate x decision_wait x 1.5) and a memory estimate', () => {
    // 500 traces/s x 10 s x 1.5 = 7500 traces; x 20 spans = 150000 spans; x 3 KiB (measured in-memory
    // size, TRACING_DEFAULTS.avgSpanSizeBytes) = 439.5 MiB -> 440; suggested limit: ceil(440 / 0.8) = 550, + 128 = 678
    expect(sizeTailSampling({ tracesPerSec: 500, spansPerTrace: 20, decisionWaitSec: 10 })).toEqual({
      numTraces: 7500,
      expectedNewTracesPerSec: 500,
      spansInMemory: 150000,
      bufferMiB: 440,
      suggestedMemoryLimitMiB: 678,
    });
  });

  test('span size and safety factor are inputs', () => {
    // 100 x 30 x 2 = 6000 traces; x 10 spans x 2048 B = 122880000 B = 117.19 MiB -> 118
    const s = sizeTailSampling({
      tracesPerSec: 100,
      spansPerTrace: 10,
      decisionWaitSec: 30,
      safetyFactor: 2,
      avgSpanSizeBytes: 2048,
    });
    expect([s.numTraces, s.bufferMiB]).toEqual([6000, 118]);
  });

  test('declared traffic sizes num_traces when it is not set', () => {
    const ts = Processor.tailSampling({
      decisionWaitSec: 10,
      expectedTraffic: { tracesPerSec: 200, spansPerTrace: 8 },
      policies: [Policy.statusCode('ERROR')],
    });
    // 200 x 10 x 1.5 = 3000
    expect(ts.toConfig()).toMatchObject({ num_traces: 3000, expected_new_traces_per_sec: 200 });
    expect(ts.numTraces).toBe(3000);
    // an explicit value that is large enough wins
    const big = Processor.tailSampling({
      decisionWaitSec: 10,
      numTraces: 5000,
      expectedTraffic: { tracesPerSec: 200, spansPerTrace: 8 },
      policies: [Policy.alwaysSample()],
    });
    expect(big.toConfig().num_traces).toBe(5000);
  });
});

describe('policies', () => {
  test('default names are the policy type; withName renames', () => {
    expect(Policy.statusCode('ERROR').name).toBe('status_code');
    expect(Policy.statusCode('ERROR').withName('errors').toObject()).toEqual({
      name: 'errors',
      type: 'status_code',
      status_code: { status_codes: ['ERROR'] },
    });
  });

  test('composite takes leaves and and-policies; policy_order defaults to sub-policy order', () => {
    const c = Policy.composite({
      name: 'budget',
      maxTotalSpansPerSecond: 1000,
      subPolicies: [
        Policy.statusCode('ERROR', { name: 'err' }),
        Policy.and('both', Policy.alwaysSample({ name: 'all' })),
      ],
      rateAllocation: [{ policy: 'err', percent: 100 }],
    });
    expect(c.toObject()).toEqual({
      name: 'budget',
      type: 'composite',
      composite: {
        max_total_spans_per_second: 1000,
        policy_order: ['err', 'both'],
        composite_sub_policy: [
          { name: 'err', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
          { name: 'both', type: 'and', and: { and_sub_policy: [{ name: 'all', type: 'always_sample' }] } },
        ],
        rate_allocation: [{ policy: 'err', percent: 100 }],
      },
    });
  });

  test('drop and not render their sub-policy keys', () => {
    const leaf = Policy.stringAttribute({ name: 'health', key: 'url.path', values: ['/healthz'] });
    expect(Policy.drop('d', leaf).toObject()).toEqual({
      name: 'd',
      type: 'drop',
      drop: { drop_sub_policy: [leaf.toObject()] },
    });
    expect(Policy.not('n', leaf).toObject()).toEqual({
      name: 'n',
      type: 'not',
      not: { not_sub_policy: leaf.toObject() },
    });
  });

  test('every factory-built policy parses back to itself', () => {
    const policies = [
      Policy.alwaysSample(),
      Policy.latency({ thresholdMs: 10, upperThresholdMs: 20 }),
      Policy.numericAttribute({ key: 'k', maxValue: 3, invertMatch: true }),
      Policy.probabilistic(12.5),
      Policy.statusCode('ERROR', 'UNSET'),
      Policy.stringAttribute({ key: 'k', values: ['a'], invertMatch: true }),
      Policy.rateLimiting({ spansPerSecond: 5 }),
      Policy.bytesLimiting({ bytesPerSecond: 100 }),
      Policy.spanCount({ minSpans: 1 }),
      Policy.traceState({ key: 'k', values: ['v'] }),
      Policy.booleanAttribute({ key: 'b', value: false }),
      Policy.ottlCondition({ span: ['name == "x"'] }),
      Policy.and('and', Policy.alwaysSample()),
      Policy.drop('drop', Policy.alwaysSample()),
      Policy.not('not', Policy.alwaysSample()),
      Policy.composite({ name: 'c', maxTotalSpansPerSecond: 1, subPolicies: [Policy.alwaysSample()] }),
    ];
    expect(policies).toHaveLength(16); // every policy type
    for (const p of policies) expect(Policy.fromObject(p.toObject()).toObject()).toEqual(p.toObject());
  });

  test('parse errors carry the component path of the policy', () => {
    expect(
      () =>
        Processor.tailSampling({ name: 'x', policies: [Policy.alwaysSample()] }) &&
        CollectorConfig.fromObject({
          receivers: { otlp: { protocols: { grpc: {} } } },
          processors: {
            'tail_sampling/x': {
              policies: [
                { name: 'a', type: 'always_sample' },
                { name: 'b', type: 'always_sample' },
                { name: 'c', type: 'probabilistic', probabilistic: { sampling_percentage: 150 } },
              ],
            },
          },
          exporters: { debug: {} },
          service: {
            pipelines: {
              traces: { receivers: ['otlp'], processors: ['tail_sampling/x'], exporters: ['debug'] },
            },
          },
        }),
    ).toThrow(
      /processors.tail_sampling\/x.policies\[2\].probabilistic: sampling_percentage 150 is out of range; pass a number between 0 and 100/,
    );
  });

  test.each([
    [
      { name: 'a', type: 'latency', latency: { threshold_ms: 1, threshold: 2 } },
      /latency: unknown key "threshold"; did you mean "threshold_ms"\?/,
    ],
    [{ name: 'a', type: 'sometimes' }, /unknown policy type "sometimes"/],
    [{ type: 'always_sample' }, /policy of type always_sample has no name/],
    [
      {
        name: 'a',
        type: 'and',
        and: {
          and_sub_policy: [
            { name: 'b', type: 'drop', drop: { drop_sub_policy: [{ name: 'c', type: 'always_sample' }] } },
          ],
        },
      },
      /policies\[0\]: tail_sampling policy "a": sub-policy \[0\] "b" is a drop policy; and accepts leaf policies only/,
    ],
    [
      { name: 'a', type: 'drop', drop: { drop_sub_policy: [] } },
      /policies\[0\]: tail_sampling policy "a": no sub-policies/,
    ],
  ])('malformed policy %# is rejected', (obj, message) => {
    expect(() => Policy.fromObject(obj, 'processors.tail_sampling.policies[0]')).toThrow(message);
  });
});

describe('tail_sampling in a gateway pipeline', () => {
  test('gateway-style config: load-balanced agents, sampling gateway', () => {
    const c = new CollectorConfig();
    const ts = Processor.tailSampling({
      decisionWaitSec: 10,
      expectedTraffic: { tracesPerSec: 1000, spansPerTrace: 10 },
      policies: [
        Policy.statusCode('ERROR').withName('errors'),
        Policy.latency({ name: 'slow', thresholdMs: 1000 }),
        Policy.probabilistic({ name: 'rest', samplingPercentage: 10 }),
      ],
    });
    c.addPipeline('traces', {
      receivers: [Receiver.otlp({ http: false })],
      processors: [Processor.memoryLimiter(), ts, Processor.batch()],
      exporters: [Exporter.otlpGrpc({ name: 'tempo', endpoint: 'tempo:4317', tls: { insecure: true } })],
    });
    expect(c.validate()).toEqual([]);
    expect((c.toObject() as any).processors.tail_sampling.num_traces).toBe(15000);
    expect(c.listeningPorts().map((p) => p.port)).toEqual([4317]);
  });
});

describe('upstream keys and service blocks survive a parse/render round trip', () => {
  test('tail_sampling keys of the upstream schema are parsed and rendered', () => {
    const upstream = {
      decision_wait: '10s',
      decision_wait_after_root_received: '2s',
      maximum_trace_size_bytes: 1048576,
      drop_pending_traces_on_shutdown: true,
      policies: [{ name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } }],
    };
    const rendered = TailSamplingProcessor.fromConfig(upstream).toConfig();
    expect(rendered).toEqual(upstream);
  });

  test('decision_wait_after_root_received longer than decision_wait is refused', () => {
    expect(() =>
      Processor.tailSampling({
        policies: [Policy.alwaysSample({ name: 'all' })],
        decisionWaitSec: 5,
        decisionWaitAfterRootReceivedSec: 10,
      }),
    ).toThrow(
      /decision_wait_after_root_received 10s is longer than decision_wait 5s; it can only shorten the wait/,
    );
  });

  test('service.telemetry is kept, unknown service keys are refused', () => {
    const base = {
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
      exporters: { debug: {} },
      service: {
        pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } },
        telemetry: {
          logs: { level: 'debug' },
          metrics: {
            level: 'detailed',
            readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }],
          },
        },
      },
    };
    const out = CollectorConfig.fromObject(base).toObject() as any;
    expect(out.service.telemetry).toEqual(base.service.telemetry);
    expect(() =>
      CollectorConfig.fromObject({ ...base, service: { ...base.service, pipelinez: {} } }),
    ).toThrow(/service: unknown key "?pipelinez"?/);
    expect(() =>
      CollectorConfig.fromObject({
        ...base,
        service: { ...base.service, telemetry: { metrics: { readers: [{ periodic: {} }] } } },
      }),
    ).toThrow(/service\.telemetry\.metrics\.readers: only one pull reader with a prometheus exporter/);
  });
});
