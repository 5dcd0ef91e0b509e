import { Backend, IndexRotation, Jaeger, JaegerStorage, Tempo, TempoStorage } from '../../lib/backends';
import { testChart } from '../helpers/temp';

/** Calls with values a TypeScript caller cannot write (plain JavaScript, `as any`). */
const js = (v: unknown) => v as never;

describe('backends: messages of the prop checks name the path, the value and the fix', () => {
  test.each([
    ['a typo gets the closest key', () => new Tempo(testChart('c'), 't', js({ retentionHour: 48 })), /^tempo "tempo": retentionHour is not a known prop; did you mean retentionHours\? known: name, namespace/],
    ['null is refused like a wrong type', () => Backend.jaeger(js({ storage: null })), /^jaeger "jaeger": storage null is not a JaegerStorage; build it with JaegerStorage\.memory\(\)/],
    ['a number given as a string', () => new Jaeger(testChart('c'), 'j', js({ memoryLimitMiB: '512' })), /^jaeger "jaeger": memoryLimitMiB "512" is a number given as a string; pass the number 512 without quotes$/],
    ['NaN', () => TempoStorage.local(js({ sizeGiB: NaN })), /^tempo storage local: sizeGiB NaN is invalid; use a positive whole number of GiB, e.g. 10$/],
    ['a nested object of the wrong type', () => Backend.tempo(js({ metricsGenerator: 'http://prom:9090' })), /^tempo "tempo": metricsGenerator "http:\/\/prom:9090" is not an object; pass an object literal$/],
    ['a nested key', () => TempoStorage.s3(js({ bucket: 'b', region: 'r', credentials: { accessKeyId: { name: 's', key: 'k' }, secretAcessKey: { name: 's', key: 'k' } } })), /credentials\.secretAcessKey is not a known prop; did you mean secretAccessKey\?/],
    ['a string where a list is expected', () => JaegerStorage.elasticsearch(js({ serverUrls: 'http://es:9200' })), /^jaeger storage elasticsearch: serverUrls "http:\/\/es:9200" is a string, not a list; list server URLs/],
    ['a plain object where one of our classes is expected', () => JaegerStorage.opensearch(js({ serverUrls: ['http://os:9200'], rotation: { date_layout: '2006' } })), /^jaeger storage opensearch: rotation \{"date_layout":"2006"\} is not a IndexRotation; build it with IndexRotation\.daily\(\)/],
    ['a literal credential', () => TempoStorage.gcs(js({ bucketName: 'b', credentials: 'KEY' })), /^tempo storage gcs: credentials: a literal credential string is not accepted; reference a Secret instead/],
    ['an options object of the wrong type for Backend.otlp', () => Backend.otlp('https://otlp.example.com', js('grpc')), /^otlp backend: props "grpc" is not an object; pass an object literal of props$/],
  ])('%s', (_n, call, message) => {
    expect(call).toThrow(message);
  });

  test('valid props still build the same objects (IndexRotation instances pass)', () => {
    const s = JaegerStorage.elasticsearch({ serverUrls: ['http://es:9200'], rotation: IndexRotation.hourly() });
    expect(s.kind).toBe('elasticsearch');
  });
});
