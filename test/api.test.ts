/**
 * The public API (test/api/surface.ts): the checked-in report api/otel-k8s.api.md equals the API the
 * package publishes, the published declarations compile, and every public symbol has a doc comment.
 */
import * as fs from 'fs';
import { KNOWN_UNDOCUMENTED, REPORT_FILE, Surface, entryPoints, publicSurface } from './api/surface';

let surface: Surface;
beforeAll(() => {
  surface = publicSurface();
}, 120_000);

test('the entry points are the exports map', () => {
  expect(entryPoints()).toEqual({
    '@otel-tracing/k8s-constructs': 'lib/index.ts',
    '@otel-tracing/k8s-constructs/pulumi': 'lib/pulumi/index.ts',
    '@otel-tracing/k8s-constructs/validation/cdk8s-plugin': 'lib/validation/cdk8s-plugin.ts',
  });
});

test('the published declarations compile on their own', () => {
  expect(surface.diagnostics).toEqual([]);
});

test('api/otel-k8s.api.md is the current public API (if not: review, update CHANGELOG.md, npm run api:update)', () => {
  const checkedIn = fs.readFileSync(REPORT_FILE, 'utf8');
  if (checkedIn !== surface.report) {
    // a readable failure: the first differing lines, not two 2500-line strings
    const a = checkedIn.split('\n');
    const b = surface.report.split('\n');
    const i = a.findIndex((line, n) => line !== b[n]);
    const at = i < 0 ? Math.min(a.length, b.length) : i;
    throw new Error(
      `api/otel-k8s.api.md is out of date from line ${at + 1}:\n` +
        `  checked in: ${JSON.stringify(a.slice(at, at + 3))}\n  current:    ${JSON.stringify(b.slice(at, at + 3))}\n` +
        'review the API change, note it in CHANGELOG.md, then run npm run api:update',
    );
  }
  expect(surface.report).toContain('## @otel-tracing/k8s-constructs/pulumi');
  expect(surface.report).toMatch(/export declare class TracingResources extends pulumi\.ComponentResource/);
});

test('every public symbol and member has a doc comment (known exceptions exactly)', () => {
  expect(surface.undocumented).toEqual(KNOWN_UNDOCUMENTED);
});
