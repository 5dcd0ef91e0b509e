import { Testing } from 'cdk8s';
import { Backend, Jaeger, Tempo } from '../../lib/backends';
import { testChart } from '../helpers/temp';

const image = (objects: any[], kind: string) => objects.find((o) => o.kind === kind).spec.template.spec.containers[0].image;

describe('backend images are pinned, as collector images are', () => {
  test.each([
    ['new Tempo', () => new Tempo(testChart('c'), 'tempo', { image: 'grafana/tempo' }), /^tempo "tempo": image "grafana\/tempo" is not a pinned image reference; use \[registry\[:port\]\/\]repo:tag or repo@sha256:<digest>$/],
    ['Backend.tempo', () => Backend.tempo({ image: 'mirror.example/grafana/tempo' }), /^tempo "tempo": image "mirror\.example\/grafana\/tempo" is not a pinned image reference/],
    ['new Jaeger', () => new Jaeger(testChart('c'), 'jaeger', { name: 'traces', image: 'jaegertracing/jaeger' }), /^jaeger "traces": image "jaegertracing\/jaeger" is not a pinned image reference/],
    ['Backend.jaeger', () => Backend.jaeger({ image: 'registry.example:5000/jaeger' }), /^jaeger "jaeger": image "registry\.example:5000\/jaeger" is not a pinned image reference/],
  ])('%s refuses an untagged image', (_n, build, message) => {
    expect(build).toThrow(message);
  });

  test('a tag, a digest, a registry port and :latest are accepted and emitted as given', () => {
    const digest = `mirror.example/grafana/tempo@sha256:${'b'.repeat(64)}`;
    const c1 = testChart('a');
    new Tempo(c1, 'tempo', { image: digest });
    const c2 = testChart('b');
    new Jaeger(c2, 'jaeger', { image: 'registry.example:5000/jaegertracing/jaeger:2.20.0' });
    const c3 = testChart('d');
    new Jaeger(c3, 'jaeger', { image: 'jaegertracing/jaeger:latest' });
    expect(image(Testing.synth(c1), 'StatefulSet')).toBe(digest);
    expect(image(Testing.synth(c2), 'Deployment')).toBe('registry.example:5000/jaegertracing/jaeger:2.20.0');
    expect(image(Testing.synth(c3), 'Deployment')).toBe('jaegertracing/jaeger:latest');
  });
});
