import { Exporter, Processor, Receiver } from '../../lib';
import { CollectorConfig } from '../../lib/collector/config';
import { rememberRendered, renderedConfigFor } from '../../lib/collector/rendered-configs';

let made = 0;
/** A config whose content no other test renders (the registry is per process). */
function config(): CollectorConfig {
  made++;
  const c = new CollectorConfig();
  c.addPipeline('traces', {
    receivers: [Receiver.otlp()],
    processors: [Processor.batch()],
    exporters: [Exporter.debug({ name: `t${made}` })],
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
    const old = JSON.stringify(rememberRendered(c, c.toObject()));
    const late = c.add(Processor.batch({ name: 'late' }));
    c.pipeline('traces')!.processors.push(late.id);
    expect(JSON.stringify(c.toObject())).not.toBe(old);
    expect(renderedConfigFor(JSON.parse(old))).toBeUndefined();
    // what it renders now is found once a runtime rendered it
    expect(renderedConfigFor(JSON.parse(JSON.stringify(c.toObject())))).toBeUndefined();
    rememberRendered(c, c.toObject());
    expect(renderedConfigFor(JSON.parse(JSON.stringify(c.toObject())))).toBe(c);
  });

  test('two instances rendering the same content: the newest that still renders it is used', () => {
    const a = config();
    const b = new CollectorConfig();
    b.addPipeline('traces', { receivers: [Receiver.otlp()], processors: [Processor.batch()], exporters: [Exporter.debug({ name: `t${made}` })] });
    rememberRendered(a, a.toObject());
    rememberRendered(b, b.toObject());
    expect(renderedConfigFor(JSON.parse(JSON.stringify(a.toObject())))).toBe(b);
    b.add(Processor.batch({ name: 'other' }));
    expect(renderedConfigFor(JSON.parse(JSON.stringify(a.toObject())))).toBe(a);
  });

  test('anything else is not found', () => {
    expect(renderedConfigFor({ receivers: { otlp: {} } })).toBeUndefined();
    expect(renderedConfigFor(null)).toBeUndefined();
    expect(renderedConfigFor('receivers: {}')).toBeUndefined();
  });
});
