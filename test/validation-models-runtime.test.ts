/**
 * The light stand-in of @kubernetes-models/validate (lib/validation/models-runtime.ts) serves the
 * format checkers kubernetes-models validators read at load time: they must behave exactly as the
 * real module's. (The module-cache swap itself only matters outside jest, whose module registry
 * does not use require.cache; `npm run bench` measures it.)
 */
import * as path from 'path';
import { ajvFormatsPath, lightFormats } from '../lib/validation/models-runtime';

const realPath = require.resolve('@kubernetes-models/validate', { paths: [path.dirname(require.resolve('kubernetes-models/package.json'))] });
const real = require(realPath).formats as Record<string, any>;
const light = lightFormats(() => require(ajvFormatsPath(realPath)).fullFormats) as Record<string, any>;

function check(format: any, value: unknown): boolean {
  const v = format.validate;
  return v instanceof RegExp ? v.test(value as string) : v(value);
}

const samples: Record<string, unknown[]> = {
  int32: [0, 1, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 1.5],
  int64: [0, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1.5],
  double: [0, 1.5, -3e300],
  'date-time': ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123+02:00', '2024-02-30T00:00:00Z', '2024-01-02', 'x', '2024-01-02t03:04:05z'],
  byte: ['', 'YWJj', 'YWI=', 'YQ==', 'abc', 'a===', 'YW J j'],
  quantity: ['1', '500m', '128Mi', '2Gi', '1e3', '+1.5', '.5', '2 GB', 'lots', '1Ki', '1.', 'da', '1da'],
};

test('every format the stand-in serves is the real one or behaves exactly like it', () => {
  expect(Object.keys(light).sort()).toEqual(Object.keys(samples).sort());
  for (const [name, values] of Object.entries(samples)) {
    expect(light[name].type).toBe(real[name].type);
    for (const v of values) expect({ name, v, ok: check(light[name], v) }).toEqual({ name, v, ok: check(real[name], v) });
  }
});

test('the stand-in serves exactly the formats kubernetes-models validators read', () => {
  const fs = require('fs') as typeof import('fs');
  const used = new Set<string>();
  for (const dir of [path.join(path.dirname(require.resolve('kubernetes-models/package.json')), '_schemas'), path.join(path.dirname(require.resolve('@kubernetes-models/apimachinery/package.json')), '_schemas')]) {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.js'))) {
      for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/_validate\.formats(?:\.([\w$]+)|\["([^"]+)"\])/g)) used.add(m[1] ?? m[2]);
    }
  }
  expect([...used].sort()).toEqual(Object.keys(light).sort());
});
