import {
  AttributeAction,
  CollectorConfig,
  CollectorDistribution,
  envRef,
  Exporter,
  Extension,
  LoadBalancingResolver,
  Pipeline,
  Policy,
  Processor,
  Receiver,
  sizeTailSampling,
} from '../../../lib/collector/config';

/**
 * Every bad input must throw eagerly with a message that names the bad value, where it is, and the fix.
 * Each row: [what is wrong, the call, a regex matching value + location + fix].
 */
const leaf = Policy.alwaysSample({ name: 'leaf' });
const cases: [string, () => unknown, RegExp][] = [
  [
    'probabilistic percentage above 100',
    () => Policy.probabilistic({ name: 'p', samplingPercentage: 150 }),
    /policy "p": samplingPercentage 150 is out of range; pass a number between 0 and 100/,
  ],
  [
    'negative latency threshold',
    () => Policy.latency({ name: 'slow', thresholdMs: -1 }),
    /policy "slow": thresholdMs -1 is out of range; pass a whole number at least 0/,
  ],
  [
    'latency upper below lower',
    () => Policy.latency({ name: 'l', thresholdMs: 500, upperThresholdMs: 100 }),
    /policy "l": upper_threshold_ms 100 is below threshold_ms 500; raise upperThresholdMs/,
  ],
  [
    'numeric attribute min > max',
    () => Policy.numericAttribute({ name: 'n', key: 'k', minValue: 500, maxValue: 100 }),
    /policy "n": min_value 500 is greater than max_value 100; swap them/,
  ],
  [
    'numeric attribute without bounds',
    () => Policy.numericAttribute({ name: 'n', key: 'k' }),
    /policy "n": neither min_value nor max_value is set; set at least one bound/,
  ],
  [
    'unknown status code',
    () => Policy.statusCode('FAILED' as never),
    /policy "status_code": codes\[0\] "FAILED" is not allowed; use one of "OK", "ERROR", "UNSET"/,
  ],
  ['empty status code list', () => Policy.statusCode(), /status_codes is empty; pass at least one/],
  [
    'string attribute without values',
    () => Policy.stringAttribute({ name: 's', key: 'k', values: [] }),
    /policy "s": values is empty; list at least one value/,
  ],
  [
    'invalid regex in string attribute',
    () => Policy.stringAttribute({ name: 's', key: 'k', values: ['('], enabledRegexMatching: true }),
    /policy "s": values\[0\] "\(" is not a valid regular expression/,
  ],
  [
    'span count min > max',
    () => Policy.spanCount({ name: 'sc', minSpans: 20, maxSpans: 2 }),
    /policy "sc": min_spans 20 is greater than max_spans 2; raise maxSpans/,
  ],
  [
    'rate limiting zero',
    () => Policy.rateLimiting({ name: 'r', spansPerSecond: 0 }),
    /policy "r": spansPerSecond 0 is out of range; pass a whole number at least 1/,
  ],
  [
    'ottl without conditions',
    () => Policy.ottlCondition({ name: 'o' }),
    /policy "o": no condition; set span and\/or spanEvent/,
  ],
  [
    'empty policy name',
    () => Policy.alwaysSample({ name: ' ' }),
    /name is empty; give every policy a unique, non-empty name/,
  ],
  [
    'and nested in and',
    () => Policy.and('outer', Policy.and('inner', leaf)),
    /policy "outer": sub-policy \[0\] "inner" is a and policy; and accepts leaf policies only, move it to the top level/,
  ],
  [
    'composite inside drop',
    () => Policy.drop('d', Policy.composite({ name: 'c', maxTotalSpansPerSecond: 10, subPolicies: [leaf] })),
    /policy "d": sub-policy \[0\] "c" is a composite policy; drop accepts leaf policies only/,
  ],
  [
    'not wrapping a not',
    () => Policy.not('n2', Policy.not('n1', leaf)),
    /policy "n2": sub-policy \[0\] "n1" is a not policy/,
  ],
  [
    'composite policy_order naming an unknown policy',
    () =>
      Policy.composite({
        name: 'c',
        maxTotalSpansPerSecond: 10,
        subPolicies: [leaf],
        policyOrder: ['ghost'],
      }),
    /policy "c": policy_order\[0\] "ghost" is not a sub-policy; use one of leaf/,
  ],
  [
    'composite rate_allocation above 100 %',
    () =>
      Policy.composite({
        name: 'c',
        maxTotalSpansPerSecond: 10,
        subPolicies: [leaf, Policy.alwaysSample({ name: 'leaf2' })],
        rateAllocation: [
          { policy: 'leaf', percent: 60 },
          { policy: 'leaf2', percent: 50 },
        ],
      }),
    /policy "c": rate_allocation percents add up to 110 %; reduce them to 100 % or less/,
  ],
  [
    'composite rate_allocation naming an unknown policy',
    () =>
      Policy.composite({
        name: 'c',
        maxTotalSpansPerSecond: 10,
        subPolicies: [leaf],
        rateAllocation: [{ policy: 'x', percent: 5 }],
      }),
    /policy "c": rate_allocation\[0\] policy "x" is not a sub-policy/,
  ],
  [
    'duplicate policy names',
    () => Processor.tailSampling({ policies: [Policy.statusCode('ERROR'), Policy.statusCode('UNSET')] }),
    /processors.tail_sampling: policy name "status_code" at \[1\] is used twice; give each policy a unique name/,
  ],
  [
    'tail_sampling without policies',
    () => Processor.tailSampling({ policies: [] }),
    /processors.tail_sampling: policies is empty; add at least one Policy/,
  ],
  [
    'declared traffic overflows num_traces',
    () =>
      Processor.tailSampling({
        name: 'gw',
        decisionWaitSec: 10,
        numTraces: 1000,
        expectedTraffic: { tracesPerSec: 500, spansPerTrace: 20 },
        policies: [leaf],
      }),
    /processors.tail_sampling\/gw: num_traces 1000 overflows with 500 traces\/s x 10s decision_wait; set numTraces to at least 7500/,
  ],
  [
    'sizing with zero traffic',
    () => sizeTailSampling({ tracesPerSec: 0, spansPerTrace: 10, decisionWaitSec: 10 }),
    /sizeTailSampling: tracesPerSec 0 is out of range; pass a number above 0/,
  ],
  [
    'memory_limiter with both forms',
    () => Processor.memoryLimiter({ limitMiB: 400, limitPercentage: 80 }),
    /processors.memory_limiter: both limit_mib and limit_percentage are set; use either/,
  ],
  [
    'memory_limiter negative limit (upstream negative_unsigned_limits)',
    () => Processor.memoryLimiter({ limitMiB: -2000 }),
    /processors.memory_limiter: limitMiB -2000 is out of range; pass a whole number between 0 and 4294967295/,
  ],
  [
    'memory_limiter spike >= limit',
    () => Processor.memoryLimiter({ limitPercentage: 50, spikeLimitPercentage: 60 }),
    /spike_limit_percentage 60 must be below limit_percentage 50/,
  ],
  [
    'batch max below size',
    () => Processor.batch({ sendBatchSize: 1000, sendBatchMaxSize: 10 }),
    /processors.batch: send_batch_max_size 10 is below send_batch_size 1000; raise sendBatchMaxSize/,
  ],
  [
    'probabilistic_sampler above 100',
    () => Processor.probabilisticSampler({ samplingPercentage: 101 }),
    /processors.probabilistic_sampler: samplingPercentage 101 is out of range; pass a number between 0 and 100/,
  ],
  [
    'k8s pod_association resource_attribute without name',
    () => Processor.k8sAttributes({ podAssociation: [[{ from: 'resource_attribute' }]] }),
    /processors.k8s_attributes: pod_association\[0\].sources\[0\] from resource_attribute needs a name/,
  ],
  [
    'attributes without actions',
    () => Processor.attributes({ actions: [] }),
    /processors.attributes: actions is empty; add at least one AttributeAction/,
  ],
  ['hash action with empty key', () => AttributeAction.hash(''), /attribute action hash: key "" is empty/],
  [
    'otlp exporter without endpoint',
    () => Exporter.otlpGrpc({ name: 'tempo', endpoint: '' }),
    /exporters.otlp_grpc\/tempo: endpoint is required; set it to host:port/,
  ],
  [
    'otlp exporter endpoint without port',
    () => Exporter.otlpGrpc({ endpoint: 'example.com' }),
    /exporters.otlp_grpc: endpoint "example.com" needs a numeric port .*e.g. "example.com:4317"/,
  ],
  [
    'otlp exporter invalid tls version',
    () => Exporter.otlpGrpc({ endpoint: 'a:1', tls: { minVersion: 'asd' } }),
    /exporters.otlp_grpc: tls.minVersion "asd" is not allowed; use one of "1.0", "1.1", "1.2", "1.3"/,
  ],
  [
    'otlp exporter negative timeout',
    () => Exporter.otlpGrpc({ endpoint: 'a:1', timeoutSec: -5 }),
    /exporters.otlp_grpc: timeoutSec -5 is out of range; pass a number at least 0/,
  ],
  [
    'retry randomization factor out of range',
    () => Exporter.otlpGrpc({ endpoint: 'a:1', retryOnFailure: { randomizationFactor: -5 } }),
    /exporters.otlp_grpc: retryOnFailure.randomizationFactor -5 is out of range; pass a number between 0 and 1/,
  ],
  [
    'unknown compression',
    () => Exporter.otlpGrpc({ endpoint: 'a:1', compression: 'brotli' as never }),
    /exporters.otlp_grpc: compression "brotli" is not allowed; use one of "gzip"/,
  ],
  [
    'otlp_http with a non-URL endpoint',
    () => Exporter.otlpHttp({ endpoint: 'tempo:4318' }),
    /exporters.otlp_http: endpoint "tempo:4318" must use http:\/\/ or https:\/\//,
  ],
  [
    'otlp_http invalid encoding (upstream bad_invalid_encoding)',
    () => Exporter.otlpHttp({ endpoint: 'http://a:4318', encoding: 'invalid' as never }),
    /exporters.otlp_http: encoding "invalid" is not allowed; use one of "proto", "json"/,
  ],
  [
    'debug verbosity typo',
    () => Exporter.debug({ verbosity: 'verbose' as never }),
    /exporters.debug: verbosity "verbose" is not allowed; use one of "basic", "normal", "detailed"/,
  ],
  [
    'load_balancing routing key',
    () =>
      Exporter.loadBalancing({ routingKey: 'trace' as never, resolver: LoadBalancingResolver.static(['a']) }),
    /exporters.load_balancing: routingKey "trace" is not allowed; use "traceID" \(closest\)/,
  ],
  [
    'load_balancing k8s service not name.namespace',
    () => LoadBalancingResolver.k8s({ service: 'Gateway/obs' }),
    /resolver k8s: service "Gateway\/obs" is not "name" or "name.namespace"/,
  ],
  [
    'static resolver without hosts',
    () => LoadBalancingResolver.static([]),
    /resolver static: hostnames is empty/,
  ],
  [
    'otlp receiver with both protocols off',
    () => Receiver.otlp({ grpc: false, http: false }),
    /receivers.otlp: both grpc and http are disabled; enable at least one protocol/,
  ],
  [
    'otlp receiver endpoint without port',
    () => Receiver.otlp({ grpc: { endpoint: '0.0.0.0' } }),
    /receivers.otlp.protocols.grpc: endpoint "0.0.0.0" is not host:port/,
  ],
  [
    'invalid component type',
    () => Receiver.custom('my-receiver'),
    /receiver type "my-receiver" is invalid; a type starts with a letter and has at most 63 letters, digits or underscores/,
  ],
  ['invalid component name', () => Exporter.debug({ name: 'a b' }), /exporter "debug" name "a b" is invalid/],
  [
    'invalid pipeline id',
    () => new Pipeline('spans'),
    /pipeline id "spans" is invalid; it must be traces, metrics, logs or profiles/,
  ],
  [
    'health_check path without slash',
    () => Extension.healthCheck({ path: 'health' }),
    /extensions.health_check: path "health" must start with "\/"/,
  ],
  [
    'file_storage relative directory',
    () => Extension.fileStorage({ directory: 'queue' }),
    /extensions.file_storage: directory "queue" must be an absolute path/,
  ],
  [
    'env var name with a dash',
    () => envRef('BACKEND-AUTH'),
    /env reference "BACKEND-AUTH" is not a valid environment variable name; use letters, digits and underscores/,
  ],
  [
    'duplicate component id',
    () => {
      const c = new CollectorConfig();
      c.addExporter(Exporter.debug());
      c.addExporter(Exporter.debug());
    },
    /exporters.debug is already defined; give the new exporter another name/,
  ],
  [
    'component of the wrong kind',
    () => new CollectorConfig().addReceiver(Processor.batch()),
    /batch is a processor, not a receiver; use addProcessor\(\) instead/,
  ],
  [
    'silencing an error rule',
    () => new CollectorConfig({ silencedRules: ['undefined-component'] }),
    /silencedRules: "undefined-component" is not a warning rule/,
  ],
  [
    'non-official image',
    () => CollectorDistribution.fromImage('example.com/otelcol:1'),
    /collector image "example.com\/otelcol:1" is not an official distribution/,
  ],
];

describe('bad inputs are rejected eagerly with what/where/fix', () => {
  test('there are at least 25 distinct bad inputs', () => {
    expect(new Set(cases.map((c) => c[0])).size).toBeGreaterThanOrEqual(25);
  });
  test.each(cases)('%s', (_what, fn, message) => {
    expect(fn).toThrow(message);
  });
});

test('a number given as a string says so instead of calling it out of range', () => {
  expect(() => Policy.latency({ name: 'slow', thresholdMs: '1000' as unknown as number })).toThrow(
    /thresholdMs "1000" is a number given as a string; pass the number 1000 without quotes/,
  );
});
