import { Instrumentation, Propagator, Sampler } from '../../lib/instrumentation';
import { testChart } from '../helpers/temp';

const js = (v: unknown) => v as never;
const make = (props: unknown) => new Instrumentation(testChart('c'), 'i', js({ endpoint: 'http://agent:4318', ...(props as object) }));

describe('instrumentation: messages of the prop checks name the path, the value and the fix', () => {
  test.each([
    ['a typo gets the closest key', () => make({ sampeler: Sampler.alwaysOn() }), /^instrumentation "i": sampeler is not a known prop; did you mean sampler\?/],
    ['a nested typo', () => make({ java: { volumeSizeLimitMib: 100 } }), /^instrumentation "i": java\.volumeSizeLimitMib is not a known prop; did you mean volumeSizeLimitMiB\?/],
    ['a propagator given as a string', () => make({ propagators: ['b3'] }), /^instrumentation "i": propagators\[0\] "b3" is not a Propagator; build it with Propagator\.TRACECONTEXT, Propagator\.B3, \.\.\. or Propagator\.of\("b3"\)$/],
    ['null endpoint', () => new Instrumentation(testChart('c'), 'i', js({ endpoint: null })), /^instrumentation "i": endpoint null is missing; pass an http\(s\) URL or an IOtlpDestination/],
    ['a destination without otlpHttpUrl', () => new Instrumentation(testChart('c'), 'i', js({ endpoint: { otlpGrpcUrl: 'http://a:4317', requiredEnv: [] } })), /^instrumentation "i": endpoint\.otlpHttpUrl undefined is missing; pass the OTLP\/HTTP URL of the destination$/],
    ['env as an object', () => make({ env: { OTEL_LOG_LEVEL: 'debug' } }), /^instrumentation "i": env \{"OTEL_LOG_LEVEL":"debug"\} is not a list; pass a list of \{ name, value \} env vars$/],
    ['a secretKeyRef without key', () => make({ env: [{ name: 'TOKEN', secretKeyRef: { name: 's' } }] }), /^instrumentation "i": env\[0\]\.secretKeyRef\.key undefined is missing; pass the key inside the Secret$/],
    ['a resource number as a string', () => make({ java: { resources: { memoryLimitMiB: '128' } } }), /^instrumentation "i": java\.resources\.memoryLimitMiB "128" is a number given as a string; pass the number 128 without quotes$/],
    ['a jaeger_remote polling interval as a string', () => Sampler.jaegerRemote(js({ endpoint: 'http://j:5779', pollingIntervalMs: '1000' })), /^instrumentation sampler: jaeger_remote: pollingIntervalMs "1000" is a number given as a string/],
    ['findAll of null', () => Instrumentation.findAll(js(null)), /^Instrumentation\.findAll: scope null is not a construct/],
  ])('%s', (_n, call, message) => {
    expect(call).toThrow(message);
  });

  test('Propagator values pass', () => {
    expect(make({ propagators: [Propagator.B3, Propagator.of('jaeger')] }).spec.propagators).toEqual(['b3', 'jaeger']);
  });
});
