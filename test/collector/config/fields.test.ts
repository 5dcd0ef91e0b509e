import { Exporter, Extension, Processor } from '../../../lib/collector/config';
import { parseComponent } from '../../../lib/collector/config/collector-config';
import {
  BATCH_FIELDS,
  DEBUG_FIELDS,
  MEMORY_LIMITER_FIELDS,
  FILE_STORAGE_FIELDS,
  HEALTH_CHECK_FIELDS,
  PPROF_FIELDS,
  ZPAGES_FIELDS,
} from '../../../lib/collector/config/component-fields';
import { ComponentFields, FieldSpec, parseFields, renderFields } from '../../../lib/collector/config/fields';

/** The converted components: factory, declaration, valid props, the kind/type to parse. */
const converted = [
  {
    kind: 'processor' as const,
    type: 'memory_limiter',
    spec: MEMORY_LIMITER_FIELDS as ComponentFields<unknown>,
    build: (p: object) => Processor.memoryLimiter(p),
    props: { checkIntervalSec: 2, limitMiB: 400, spikeLimitMiB: 80 },
  },
  {
    kind: 'exporter' as const,
    type: 'debug',
    spec: DEBUG_FIELDS as ComponentFields<unknown>,
    build: (p: object) => Exporter.debug(p),
    props: { verbosity: 'detailed', samplingInitial: 0, samplingThereafter: 10 },
  },
  {
    kind: 'processor' as const,
    type: 'batch',
    spec: BATCH_FIELDS as ComponentFields<unknown>,
    build: (p: object) => Processor.batch(p),
    props: { sendBatchSize: 100, sendBatchMaxSize: 200, timeoutSec: 0.5, metadataKeys: ['tenant'] },
  },
  {
    kind: 'extension' as const,
    type: 'health_check',
    spec: HEALTH_CHECK_FIELDS as ComponentFields<unknown>,
    build: (p: object) => Extension.healthCheck(p),
    props: { endpoint: '0.0.0.0:13133', path: '/health' },
  },
  {
    kind: 'extension' as const,
    type: 'zpages',
    spec: ZPAGES_FIELDS as ComponentFields<unknown>,
    build: (p: object) => Extension.zpages(p),
    props: { endpoint: '0.0.0.0:55679' },
  },
  {
    kind: 'extension' as const,
    type: 'pprof',
    spec: PPROF_FIELDS as ComponentFields<unknown>,
    build: (p: object) => Extension.pprof(p),
    props: { endpoint: 'localhost:1777' },
  },
  {
    kind: 'extension' as const,
    type: 'file_storage',
    spec: FILE_STORAGE_FIELDS as ComponentFields<unknown>,
    build: (p: object) => Extension.fileStorage(p as never),
    props: { directory: '/var/lib/otelcol', timeoutSec: 2, createDirectory: true },
  },
];

describe('components that declare their fields once', () => {
  test.each(converted.map((c) => [c.type, c]))(
    '%s: the factory renders the declaration, the parser reads it back to the same props',
    (_t, c) => {
      const component = c.build(c.props);
      const config = component.toConfig();
      // every given prop appears under its declared config key, and nothing else
      const fields = c.spec.fields as Record<string, FieldSpec>;
      expect(Object.keys(config).sort()).toEqual(
        Object.keys(c.props)
          .map((k) => fields[k].key)
          .sort(),
      );
      expect(config).toEqual(renderFields(c.spec, c.props));
      expect(parseFields(c.spec, config, 'x').props).toEqual(c.props);
      expect(parseComponent(c.kind, c.type, config).toConfig()).toEqual(config);
    },
  );

  test('the same declaration names the prop for factory callers and the config key for parsed configs', () => {
    expect(() => Processor.batch({ sendBatchSize: -1 })).toThrow(
      /processors.batch: sendBatchSize -1 is out of range; pass a whole number between 0 and 4294967295/,
    );
    expect(() => parseComponent('processor', 'batch', { send_batch_size: -1 })).toThrow(
      /processors.batch.send_batch_size: -1 is not an unsigned integer/,
    );
    expect(() => Processor.batch({ timeoutSec: '1s' as never })).toThrow(
      /timeoutSec "1s" is not a finite number/,
    );
    expect(() => parseComponent('processor', 'batch', { timeout: 5 })).not.toThrow(); // nanoseconds, as the collector decodes a number
    expect(() => parseComponent('processor', 'batch', { timeout: true })).toThrow(
      /processors.batch.timeout: duration true is not a string/,
    );
    expect(() => Extension.fileStorage({ directory: '/q', createDirectory: 'yes' as never })).toThrow(
      /createDirectory "yes" is not a boolean/,
    );
    expect(() =>
      parseComponent('extension', 'file_storage', { directory: '/q', create_directory: 'yes' }),
    ).toThrow(/create_directory: expected a boolean/);
    expect(() => Extension.zpages({ endpoint: 55679 as never })).toThrow(
      /extensions.zpages: endpoint 55679 is not a string/,
    );
    expect(() => parseComponent('extension', 'zpages', { endpoint: 55679 })).toThrow(
      /extensions.zpages.endpoint: expected a string/,
    );
  });

  test('rules between fields run on both paths with one message', () => {
    const both = (factory: () => unknown, parsed: () => unknown, re: RegExp) => {
      expect(factory).toThrow(re);
      expect(parsed).toThrow(re);
    };
    both(
      () => Processor.batch({ sendBatchMaxSize: 100 }),
      () => parseComponent('processor', 'batch', { send_batch_max_size: 100 }),
      /send_batch_max_size 100 is below send_batch_size 8192 \(the default\)/,
    );
    both(
      () => Processor.memoryLimiter({ limitPercentage: 50, spikeLimitPercentage: 50 }),
      () =>
        parseComponent('processor', 'memory_limiter', {
          check_interval: '1s',
          limit_percentage: 50,
          spike_limit_percentage: 50,
        }),
      /memory_limiter: spike_limit_percentage 50 must be below limit_percentage 50/,
    );
    both(
      () => Processor.memoryLimiter({ limitMiB: 0 }),
      () => parseComponent('processor', 'memory_limiter', { check_interval: '1s', limit_mib: 0 }),
      /memory_limiter: limit_mib or limit_percentage must be greater than zero/,
    );
    // the factory's defaults (1s, 80 %, 25 %) are rendered, so its config parses back
    expect(Processor.memoryLimiter().toConfig()).toEqual({
      check_interval: '1s',
      limit_percentage: 80,
      spike_limit_percentage: 25,
    });
    expect(
      parseComponent('processor', 'memory_limiter', Processor.memoryLimiter().toConfig()).toConfig(),
    ).toEqual(Processor.memoryLimiter().toConfig());
    both(
      () => Processor.batch({ metadataKeys: ['Tenant', 'tenant'] }),
      () => parseComponent('processor', 'batch', { metadata_keys: ['Tenant', 'tenant'] }),
      /metadata_keys has "tenant" twice/,
    );
    both(
      () => Extension.healthCheck({ path: 'health' }),
      () => parseComponent('extension', 'health_check', { path: 'health' }),
      /health_check: path "health" must start with "\/"/,
    );
    both(
      () => Extension.fileStorage({ directory: 'queue' }),
      () => parseComponent('extension', 'file_storage', { directory: 'queue' }),
      /file_storage: directory "queue" must be an absolute path/,
    );
    // use_v2 health checks skip the legacy rules, as in the collector
    expect(parseComponent('extension', 'health_check', { use_v2: true, path: 'x' }).toConfig()).toEqual({
      use_v2: true,
      path: 'x',
    });
  });

  test('unmodelled keys the collector accepts are kept as written; unknown keys get the closest key', () => {
    expect(parseComponent('processor', 'batch', { metadata_cardinality_limit: 10 }).toConfig()).toEqual({
      metadata_cardinality_limit: 10,
    });
    expect(() => parseComponent('processor', 'batch', { send_batch_sise: 1 })).toThrow(
      /unknown key "send_batch_sise"; did you mean "send_batch_size"\?/,
    );
    expect(() => Processor.batch({ sendBatchSise: 1 } as never)).toThrow(
      /sendBatchSise is not a known prop; did you mean sendBatchSize\?/,
    );
  });
});
