import {
  AttributeAction,
  CollectorConfig,
  CollectorDistribution,
  Exporter,
  Processor,
  Receiver,
} from '../../../lib/collector/config';
import { parseComponent } from '../../../lib/collector/config/collector-config';

/** A whole config around one processor, for parse/validate round trips. */
function configWith(id: string, processor: Record<string, unknown>): Record<string, unknown> {
  return {
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
    processors: { [id]: processor },
    exporters: { debug: {} },
    service: { pipelines: { traces: { receivers: ['otlp'], processors: [id], exporters: ['debug'] } } },
  };
}

const errorsOf = (c: CollectorConfig) =>
  c.validate({ silence: ['memory-limiter-first'] }).filter((f) => f.severity === 'error');
/** Options that do nothing: warnings (the collector accepts them silently; the factories refuse them). */
const ignoredOf = (c: CollectorConfig) =>
  c.validate({ silence: ['memory-limiter-first'] }).filter((f) => f.rule === 'ignored-option');

describe('redaction processor', () => {
  test('renders the collector keys; the HMAC key is a Secret-backed env reference, never a literal', () => {
    const p = Processor.redaction({
      allowAllKeys: true,
      blockedValues: ['4[0-9]{12}(?:[0-9]{3})?', '[a-z]+@example\\.com'],
      blockedKeyPatterns: ['^password$'],
      ignoredKeys: ['safe'],
      hashFunction: 'hmac-sha256',
      hmacKeyFrom: { name: 'redaction', key: 'hmac-key' },
      redactAllTypes: true,
      summary: 'debug',
    });
    expect(p.id).toBe('redaction');
    expect(p.toConfig()).toEqual({
      allow_all_keys: true,
      blocked_key_patterns: ['^password$'],
      hash_function: 'hmac-sha256',
      hmac_key: '${env:OTEL_REDACTION_HMAC_KEY}',
      ignored_keys: ['safe'],
      redact_all_types: true,
      blocked_values: ['4[0-9]{12}(?:[0-9]{3})?', '[a-z]+@example\\.com'],
      summary: 'debug',
    });
    expect(p.secretEnv()).toEqual([
      { name: 'OTEL_REDACTION_HMAC_KEY', secretKeyRef: { name: 'redaction', key: 'hmac-key' } },
    ]);
    // a named instance gets its own variable, and the variable name can be chosen
    expect(
      Processor.redaction({
        name: 'pii',
        hashFunction: 'hmac-sha512',
        hmacKeyFrom: { name: 's', key: 'k' },
      }).secretEnv()[0].name,
    ).toBe('OTEL_REDACTION_PII_HMAC_KEY');
    expect(
      Processor.redaction({
        hashFunction: 'hmac-sha512',
        hmacKeyFrom: { name: 's', key: 'k' },
        hmacKeyEnvVar: 'MY_KEY',
      }).toConfig().hmac_key,
    ).toBe('${env:MY_KEY}');
  });

  test('a config using it validates, recommends a distribution that has it, and round-trips through fromObject', () => {
    const config = new CollectorConfig();
    config.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      processors: [
        Processor.redaction({
          allowedKeys: ['http.route', 'http.method'],
          blockedValues: ['\\d{16}'],
          summary: 'info',
        }),
      ],
      exporters: [Exporter.debug()],
    });
    expect(errorsOf(config)).toEqual([]);
    expect(
      config.validate({ distribution: CollectorDistribution.K8S }).filter((f) => f.severity === 'error'),
    ).toEqual([]);
    const core = config
      .validate({ distribution: CollectorDistribution.CORE })
      .filter((f) => f.rule === 'distribution-missing-component');
    expect(core.map((f) => f.path)).toEqual(['processors.redaction']);
    expect(config.recommendedDistribution()?.id).toBe('k8s');
    const parsed = CollectorConfig.fromObject(config.toObject());
    expect(parsed.toObject()).toEqual(config.toObject());
    expect(parsed.processor('redaction')?.type).toBe('redaction');
  });

  test('refuses options that do nothing, missing HMAC keys, non-RE2 patterns and wrong types', () => {
    expect(() => Processor.redaction({ allowAllKeys: true, allowedKeys: ['a'] })).toThrow(
      /processors.redaction: allowedKeys a list is not read when allowAllKeys is true/,
    );
    expect(() => Processor.redaction({ hashFunction: 'hmac-sha256' })).toThrow(
      /hmacKeyFrom undefined is missing; hash function "hmac-sha256" needs an HMAC key/,
    );
    expect(() => Processor.redaction({ hashFunction: 'sha3', hmacKeyFrom: { name: 's', key: 'k' } })).toThrow(
      /hmacKeyFrom .* is not read with hash function "sha3"/,
    );
    expect(() => Processor.redaction({ hmacKeyEnvVar: 'K' })).toThrow(
      /hmacKeyEnvVar "K" is not used without an hmac-\* hash function/,
    );
    expect(() => Processor.redaction({ blockedValues: ['(?<=card )\\d+'] })).toThrow(
      /blockedValues\[0\] .* uses look-behind/,
    );
    expect(() => Processor.redaction({ hashFunction: 'sha256' as never })).toThrow(
      /hashFunction "sha256" is not allowed; use "sha1" \(closest\)|hashFunction "sha256" is not allowed/,
    );
    expect(() => Processor.redaction({ summary: 'verbose' as never })).toThrow(
      /summary "verbose" is not allowed/,
    );
    expect(() => Processor.redaction({ blockedValues: 'x' as never })).toThrow(
      /blockedValues "x" is a string, not a list/,
    );
    expect(() => Processor.redaction({ hmacKey: 'literal' } as never)).toThrow(
      /hmacKey is not a known prop; known: .*hmacKeyFrom/,
    );
  });

  test('parsing: strict keys, RE2, hmac_key only as a reference, options that do nothing are findings', () => {
    const ok = parseComponent('processor', 'redaction', {
      allow_all_keys: false,
      allowed_keys: ['a'],
      hash_function: 'HMAC-SHA512',
      hmac_key: '${env:KEY}',
      db_sanitizer: { sql: { enabled: true, attributes: ['db.statement'] } },
      url_sanitizer: { enabled: true },
    });
    expect(ok.problems()).toEqual([]);
    expect(ok.toConfig().hash_function).toBe('HMAC-SHA512');
    expect(() => parseComponent('processor', 'redaction', { hash_function: 'hmac-sha256' })).toThrow(
      /hmac_key must not be empty/,
    );
    expect(() =>
      parseComponent('processor', 'redaction', { hash_function: 'hmac-sha256', hmac_key: 'sekrit-sekrit' }),
    ).toThrow(/hmac_key: a literal key would put a credential into the manifest/);
    expect(() => parseComponent('processor', 'redaction', { blocked_values: ['(?!x)'] })).toThrow(
      /blocked_values\[0\]: "\(\?!x\)" uses look-ahead/,
    );
    expect(() => parseComponent('processor', 'redaction', { hash_function: 'crc32' })).toThrow(
      /hash_function: "crc32" is not a hash function/,
    );
    expect(() => parseComponent('processor', 'redaction', { allowed_key: ['a'] })).toThrow(
      /unknown key "allowed_key"; did you mean "allowed_keys"\?/,
    );
    const config = CollectorConfig.fromObject(
      configWith('redaction', {
        allow_all_keys: true,
        allowed_keys: ['a'],
        hmac_key: '${env:K}',
        summary: 'loud',
      }),
    );
    expect(errorsOf(config)).toEqual([]);
    expect(ignoredOf(config).map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['warning', 'ignored-option', 'processors.redaction'],
      ['warning', 'ignored-option', 'processors.redaction'],
      ['warning', 'ignored-option', 'processors.redaction'],
    ]);
    expect(
      ignoredOf(config)
        .map((f) => f.message)
        .join('\n'),
    ).toMatch(/allowed_keys is not read[\s\S]*hmac_key is not read[\s\S]*summary "loud" writes no summary/);
  });
});

describe('probabilistic_sampler hash_seed with a mode that ignores it', () => {
  test('the factory refuses hash_seed with proportional and equalizing, keeps it with hash_seed and no mode', () => {
    expect(() =>
      Processor.probabilisticSampler({ samplingPercentage: 10, hashSeed: 7, mode: 'proportional' }),
    ).toThrow(/processors.probabilistic_sampler: hashSeed 7 is ignored with mode "proportional"/);
    expect(() =>
      Processor.probabilisticSampler({ samplingPercentage: 10, hashSeed: 0, mode: 'equalizing' }),
    ).toThrow(/hashSeed 0 is ignored with mode "equalizing"/);
    expect(
      Processor.probabilisticSampler({ samplingPercentage: 10, hashSeed: 7, mode: 'hash_seed' }).toConfig(),
    ).toEqual({
      sampling_percentage: 10,
      hash_seed: 7,
      mode: 'hash_seed',
    });
    expect(Processor.probabilisticSampler({ samplingPercentage: 10, hashSeed: 7 }).toConfig()).toEqual({
      sampling_percentage: 10,
      hash_seed: 7,
    });
    expect(
      Processor.probabilisticSampler({ samplingPercentage: 10, mode: 'proportional' }).toConfig(),
    ).toEqual({
      sampling_percentage: 10,
      mode: 'proportional',
    });
  });

  test('a parsed config with it gets an ignored-option finding (the collector accepts it silently)', () => {
    const bad = CollectorConfig.fromObject(
      configWith('probabilistic_sampler', { sampling_percentage: 10, hash_seed: 22, mode: 'proportional' }),
    );
    expect(errorsOf(bad)).toEqual([]);
    expect(ignoredOf(bad)).toEqual([
      {
        severity: 'warning',
        rule: 'ignored-option',
        path: 'processors.probabilistic_sampler',
        message: expect.stringMatching(
          /^hash_seed 22 is ignored with mode "proportional" .*; remove hash_seed, or set mode: hash_seed/,
        ),
      },
    ]);
    const good = CollectorConfig.fromObject(
      configWith('probabilistic_sampler', { sampling_percentage: 10, hash_seed: 22 }),
    );
    expect(errorsOf(good)).toEqual([]);
  });
});

describe('attributes processor include/exclude', () => {
  test('renders match properties and round-trips them', () => {
    const p = Processor.attributes({
      actions: [AttributeAction.hash('user.email')],
      include: {
        matchType: 'regexp',
        services: ['^checkout-.*'],
        attributes: [{ key: 'tenant', value: 'acme|globex' }],
      },
      exclude: { matchType: 'strict', spanNames: ['health'], attributes: [{ key: 'internal' }] },
    });
    expect(p.toConfig()).toEqual({
      actions: [{ key: 'user.email', action: 'hash' }],
      include: {
        match_type: 'regexp',
        services: ['^checkout-.*'],
        attributes: [{ key: 'tenant', value: 'acme|globex' }],
      },
      exclude: { match_type: 'strict', span_names: ['health'], attributes: [{ key: 'internal' }] },
    });
    expect(parseComponent('processor', 'attributes', p.toConfig()).toConfig()).toEqual(p.toConfig());
    const config = CollectorConfig.fromObject(configWith('attributes', p.toConfig()));
    expect(errorsOf(config)).toEqual([]);
    expect(config.toObject().processors).toEqual({ attributes: p.toConfig() });
  });

  test('refuses matches the collector would refuse at start, and empty matches', () => {
    const actions = [AttributeAction.delete('x')];
    expect(() =>
      Processor.attributes({ actions, include: { matchType: 'regexp', spanNames: ['(?=a)'] } }),
    ).toThrow(/include.spanNames\[0\] "\(\?=a\)" uses look-ahead/);
    expect(() =>
      Processor.attributes({
        actions,
        include: { matchType: 'regexp', attributes: [{ key: 'k', value: 5 }] },
      }),
    ).toThrow(/include.attributes\[0\].value 5 is not a string/);
    expect(() => Processor.attributes({ actions, exclude: { matchType: 'strict' } })).toThrow(
      /exclude .* has no criterion/,
    );
    expect(() => Processor.attributes({ actions, include: { services: ['a'] } as never })).toThrow(
      /include.matchType undefined is missing/,
    );
    expect(() =>
      Processor.attributes({ actions, include: { matchType: 'strict', span_names: ['a'] } as never }),
    ).toThrow(/include.span_names is not a known prop; did you mean spanNames\?/);
    expect(() =>
      Processor.resource({ actions, include: { matchType: 'strict', services: ['a'] } } as never),
    ).toThrow(/processors.resource: include is not a known prop/);
    expect(() =>
      parseComponent('processor', 'attributes', {
        actions: [{ key: 'x', action: 'delete' }],
        include: { services: ['a'] },
      }),
    ).toThrow(/include.match_type: null is not a match type/);
    expect(() =>
      parseComponent('processor', 'attributes', {
        actions: [{ key: 'x', action: 'delete' }],
        include: { match_type: 'regexp', attributes: [{ key: 'k', value: true }] },
      }),
    ).toThrow(/match_type regexp only supports string values/);
    expect(() =>
      parseComponent('processor', 'attributes', {
        actions: [{ key: 'x', action: 'delete' }],
        include: { match_type: 'strict', metric_names: ['m'] },
      }),
    ).toThrow(/metric_names should not be specified for trace spans/);
    // presence-only attribute matches need no match type (the collector builds no comparison for them)
    expect(
      parseComponent('processor', 'attributes', {
        actions: [{ key: 'x', action: 'delete' }],
        include: { attributes: [{ key: 'k' }] },
      }).toConfig(),
    ).toEqual({ actions: [{ key: 'x', action: 'delete' }], include: { attributes: [{ key: 'k' }] } });
  });
});
