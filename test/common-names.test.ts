import { Chart } from 'cdk8s';
import { checkPinnedImage, resolveNamespace } from '../lib/common/k8s-names';
import { testApp, testChart } from './helpers/temp';

describe('checkPinnedImage', () => {
  test.each([
    'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.158.0',
    'registry.local:5000/otel/opentelemetry-collector-k8s:0.158.0',
    'otel/opentelemetry-collector-contrib@sha256:' + 'a'.repeat(64),
    'localhost:5000/collector:1.0@sha256:' + 'b'.repeat(64),
  ])('accepts %s', (image) => {
    expect(checkPinnedImage('x', image)).toBe(image);
  });
  test.each([
    ['no tag', 'otel/opentelemetry-collector-contrib'],
    ['registry port but no tag', 'registry.local:5000/otel/collector'],
    ['spaces', 'otel/collector: 1'],
    ['uppercase repository', 'otel/Collector:1'],
  ])('refuses %s', (_n, image) => {
    expect(() => checkPinnedImage('agent', image)).toThrow(/agent: image .* is not a pinned image reference; use \[registry\[:port\]\/\]repo:tag or repo@sha256:<digest>/);
  });
});

describe('resolveNamespace', () => {
  test('explicit, then chart, then default; DNS-1123 labels may start with a digit', () => {
    const chart = new Chart(testApp(), 'c', { namespace: 'obs' });
    expect(resolveNamespace(chart, 'x', '1-obs')).toBe('1-obs');
    expect(resolveNamespace(chart, 'x')).toBe('obs');
    expect(resolveNamespace(new Chart(testApp(), 'd'), 'x')).toBe('default');
  });
  test('refuses an invalid namespace, naming the rule', () => {
    expect(() => resolveNamespace(testChart(), 'tempo', 'Obs_1')).toThrow(/tempo: namespace "Obs_1" is not a valid DNS-1123 label/);
  });
});
