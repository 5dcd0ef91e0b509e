/**
 * The Kubernetes schema files are read whole but parsed per definition, on first lookup
 * (lib/common/schema-data.ts, layout written by schemas/generate.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  kubernetesSchemas,
  parseKubernetesFile,
  schemaDir,
  supportedKubernetesVersions,
} from '../../lib/common/schema-data';
import { kubernetesJson } from '../../schemas/generate';

const file = (minor: string) => fs.readFileSync(path.join(schemaDir(), `kubernetes-${minor}.json`), 'utf8');

describe('Kubernetes schema files, parsed per definition', () => {
  test.each(supportedKubernetesVersions())(
    '%s: the lazy reading equals JSON.parse of the whole file',
    (minor) => {
      const text = file(minor);
      const whole = JSON.parse(text);
      const lazy = parseKubernetesFile(text);
      expect(lazy.kubernetesVersion).toBe(whole.kubernetesVersion);
      expect(lazy.kinds).toEqual(whole.kinds);
      expect(Object.keys(lazy.defs)).toEqual(Object.keys(whole.defs));
      expect(Object.keys(lazy.defs).length).toBeGreaterThan(500);
      for (const name of Object.keys(whole.defs))
        expect([name, lazy.defs[name]]).toEqual([name, whole.defs[name]]);
    },
  );

  test('the shipped files are in the generator layout (one definition per line)', () => {
    for (const minor of supportedKubernetesVersions()) {
      const text = file(minor);
      expect([minor, kubernetesJson(JSON.parse(text)) === text]).toEqual([minor, true]);
    }
  });

  test('a definition is parsed when first looked up, then kept (same object each time)', () => {
    const text = file('1.36');
    const name = 'io.k8s.api.core.v1.ConfigMap';
    // counted around each step, asserted afterwards (expect itself may parse JSON)
    const parse = jest.spyOn(JSON, 'parse');
    const calls: string[][] = [];
    const step = <T>(f: () => T): T => {
      parse.mockClear();
      const r = f();
      calls.push(parse.mock.calls.map((c) => String(c[0]).slice(0, 40)));
      return r;
    };
    let lazy: ReturnType<typeof parseKubernetesFile>;
    let first: any, again: any, has: boolean, missing: any, hasMissing: boolean;
    try {
      lazy = step(() => parseKubernetesFile(text));
      first = step(() => lazy.defs[name]);
      again = step(() => lazy.defs[name]);
      has = step(() => name in lazy.defs);
      missing = step(() => lazy.defs['no.such.Definition']);
      hasMissing = step(() => 'no.such.Definition' in lazy.defs);
    } finally {
      parse.mockRestore();
    }
    expect(calls.map((c) => c.length)).toEqual([1, 1, 0, 0, 0, 0]);
    expect(calls[0][0]).toMatch(/^\{"kubernetesVersion":/); // the head (release, kinds) only
    expect(calls[1][0]).toMatch(/^\{"properties":\{"apiVersion"/);
    expect(first.properties.data).toBeDefined();
    expect(again).toBe(first);
    expect([has, missing, hasMissing]).toEqual([true, undefined, false]);
    expect(() => {
      (lazy.defs as any)[name] = {};
    }).toThrow(TypeError);
  });

  test('definitions are found by a binary search over the sorted lines; an unsorted file is still read right', () => {
    const text = file('1.34');
    const at = text.indexOf(',"defs":{\n') + ',"defs":{\n'.length;
    const end = text.lastIndexOf('\n}}');
    const lines = text.slice(at, end).split(',\n');
    expect([...lines].sort()).toEqual(lines); // the generator sorts them: what the search relies on
    // the same definitions in reverse order: every search misses, the full index answers
    const reversed = `${text.slice(0, at)}${[...lines].reverse().join(',\n')}${text.slice(end)}`;
    const whole = JSON.parse(text).defs;
    const lazy = parseKubernetesFile(reversed).defs;
    const sorted = parseKubernetesFile(text).defs;
    for (const name of ['io.k8s.api.core.v1.Pod', 'io.k8s.api.apps.v1.Deployment', Object.keys(whole)[0], Object.keys(whole).at(-1)!]) {
      expect([name, lazy[name]]).toEqual([name, whole[name]]);
      expect([name, sorted[name]]).toEqual([name, whole[name]]);
    }
    expect(lazy['io.k8s.api.core.v1.NoSuchKind']).toBeUndefined();
    expect(['constructor' in lazy, lazy.toString, 'io.k8s.api.core.v1.Pod' in lazy]).toEqual([false, undefined, true]);
    // a file with a line out of the layout falls back to parsing it whole: own names only
    const broken = `${text.slice(0, at)}${JSON.stringify('bad\\name')}:{},\n${text.slice(at)}`;
    const fallback = parseKubernetesFile(broken).defs;
    expect([fallback.constructor, 'toString' in fallback, fallback['io.k8s.api.core.v1.Pod']]).toEqual([undefined, false, whole['io.k8s.api.core.v1.Pod']]);
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(whole).sort());
  });

  test('another layout (compact JSON) is parsed whole', () => {
    const whole = JSON.parse(file('1.33'));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const lazy = parseKubernetesFile(JSON.stringify(whole));
      expect(parse).toHaveBeenCalledTimes(1);
      expect(lazy.defs).toEqual(whole.defs);
    } finally {
      parse.mockRestore();
    }
  });

  test('kubernetesSchemas serves the lazily parsed definitions', () => {
    const s = kubernetesSchemas('1.35');
    expect(s.release).toMatch(/^1\.35\.\d+$/);
    expect(s.definitions['io.k8s.api.core.v1.Service'].properties.spec.$ref).toBe(
      'io.k8s.api.core.v1.ServiceSpec',
    );
    // the lookup function serves the same objects as the view, without going through it
    expect(s.definition('io.k8s.api.core.v1.ServiceSpec')).toBe(s.definitions['io.k8s.api.core.v1.ServiceSpec']);
    expect(s.definition('io.k8s.api.core.v1.NoSuch')).toBeUndefined();
    const plain = parseKubernetesFile(JSON.stringify(JSON.parse(file('1.33'))));
    expect(plain.definition('io.k8s.api.core.v1.Pod')).toEqual(plain.defs['io.k8s.api.core.v1.Pod']);
    expect(plain.definition('toString')).toBeUndefined();
  });
});
