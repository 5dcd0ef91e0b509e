import { Exporter, Processor, Receiver } from '../../lib';
import { CollectorConfig } from '../../lib/collector/config';
import { rememberRendered, renderedConfigFor } from '../../lib/collector/rendered-configs';

function config(): CollectorConfig {
  const c = new CollectorConfig();
  c.addPipeline('traces', {
    receivers: [Receiver.otlp()],
    processors: [Processor.batch()],
    exporters: [Exporter.debug()],
  });
  return c;
}

describe('configs the runtimes rendered are checked with their model instance, not parsed back', () => {
  test('a rendered config is found by its content, whatever the key order (cdk8s sorts keys)', () => {
    const c = config();
    const rendered = rememberRendered(c, c.toObject());
    const sorted = JSON.parse(
      JSON.stringify(rendered, (_k, v) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, v[k]]),
            )
          : v,
      ),
    );
    expect(Object.keys(sorted)).not.toEqual(Object.keys(rendered));
    expect(renderedConfigFor(sorted)).toBe(c);
    expect(renderedConfigFor(JSON.parse(JSON.stringify(rendered)))).toBe(c);
  });

  test('a config changed after it was rendered is not used for the old text (it is parsed like any other)', () => {
    const c = config();
    const old = rememberRendered(c, c.toObject());
    const late = c.add(Processor.batch({ name: 'late' }));
    c.pipeline('traces')!.processors.push(late.id);
    expect(JSON.stringify(c.toObject())).not.toBe(JSON.stringify(old));
    expect(renderedConfigFor(JSON.parse(JSON.stringify(old)))).toBeUndefined();
  });

  test('anything else is not found', () => {
    expect(renderedConfigFor({ receivers: { otlp: {} } })).toBeUndefined();
    expect(renderedConfigFor(null)).toBeUndefined();
    expect(renderedConfigFor('receivers: {}')).toBeUndefined();
  });
});
