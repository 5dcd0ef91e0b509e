/**
 * The structural-schema interpreter behind CrdRegistry: each keyword with a passing and a failing
 * case, checked both as raw errors (`StructuralSchema.validate`) and as the findings
 * `validateManifests` reports (paths and messages).
 */
import { CrdRegistry, validateManifests } from '../../lib/validation';
import { StructuralSchema } from '../../lib/validation/structural-schema';

/** A CRD `example.com/v1 Thing` whose `spec` has the given schema. */
function crdWith(spec: any, root: any = {}): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'things.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Thing', plural: 'things' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec }, ...root } } }],
    },
  };
}

function thing(spec: unknown, extra: Record<string, unknown> = {}): any {
  return { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't', namespace: 'ns' }, spec, ...extra };
}

/** `path: message` of every error finding for a Thing with the given spec against a spec schema. */
function findings(spec: any, value: unknown, root: any = {}, extra: Record<string, unknown> = {}): string[] {
  const crds = new CrdRegistry().add(crdWith(spec, root));
  return validateManifests([thing(value, extra)], { crds }).errors.map((e) => `${e.path}: ${e.message}`);
}

/** Raw interpreter errors for `value` against `schema` (wrapped as field `x` of a root object). */
function raw(schema: any, value: unknown) {
  return new StructuralSchema({ type: 'object', properties: { x: schema } }).validate({ x: value });
}

describe('structural schema interpreter: one keyword at a time', () => {
  test('type: each JSON type passes and fails; null passes (the API server prunes it)', () => {
    const cases: [string, unknown, unknown][] = [
      ['string', 'a', 1],
      ['integer', 3, 3.5],
      ['number', 3.5, '3.5'],
      ['boolean', false, 'false'],
      ['array', [], {}],
      ['object', {}, []],
    ];
    for (const [type, good, bad] of cases) {
      expect(raw({ type }, good)).toEqual([]);
      expect(raw({ type }, null)).toEqual([]);
      expect(raw({ type }, bad)).toEqual([expect.objectContaining({ instancePath: '/x', keyword: 'type' })]);
    }
    expect(findings({ type: 'object', properties: { replicas: { type: 'integer' } } }, { replicas: '3' })).toEqual([
      'spec.replicas: "3" must be of type integer,null',
    ]);
    expect(findings({ type: 'object', properties: { replicas: { type: 'integer', nullable: true } } }, { replicas: null })).toEqual([]);
  });

  test('properties: declared fields are validated, absent ones are not visited', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } };
    expect(findings(schema, { a: 'x' })).toEqual([]);
    expect(findings(schema, { a: 1, b: 2 })).toEqual(['spec.a: 1 must be of type string,null']);
  });

  test("errors in ajv's order: unknown fields first, in the data's key order, then declared fields in the schema's order", () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' }, c: { type: 'boolean' } } };
    const at = (errors: ReturnType<typeof raw>) => errors.map((e) => `${e.instancePath} ${e.keyword}${e.keyword === 'additionalProperties' ? ` ${(e.params as any).additionalProperty}` : ''}`);
    expect(at(raw(schema, { c: 'no', zz: 1, b: 'no', yy: 2, a: 3 }))).toEqual(['/x additionalProperties zz', '/x additionalProperties yy', '/x/a type', '/x/b type', '/x/c type']);
    expect(at(raw(schema, { a: 3, b: 'no', c: 'no' }))).toEqual(['/x/a type', '/x/b type', '/x/c type']);
    // map values (additionalProperties as a schema) beside declared fields
    const map = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'integer' } };
    expect(at(raw(map, { a: 1, q: 's', r: 2 }))).toEqual(['/x/q type', '/x/a type']);
    // value validations only (a branch): unknown fields are not its business, declared ones are checked
    expect(at(raw({ allOf: [schema] }, { zz: 1, b: 'no' }))).toEqual(['/x/b type']);
  });

  test('unknown fields are errors; preserve-unknown-fields keeps them; an object without properties keeps none', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(findings(schema, { a: 'x', b: 1 })).toEqual(['spec.b: unknown field "b" (the API server would prune it silently); remove it or fix its spelling']);
    expect(findings({ ...schema, 'x-kubernetes-preserve-unknown-fields': true }, { a: 'x', b: 1 })).toEqual([]);
    expect(findings({ ...schema, 'x-kubernetes-preserve-unknown-fields': true }, { a: 2, b: 1 })).toEqual(['spec.a: 2 must be of type string,null']);
    expect(findings({ type: 'object' }, {})).toEqual([]);
    expect(findings({ type: 'object' }, { anything: 1 })).toEqual([expect.stringMatching(/^spec\.anything: unknown field "anything"/)]);
    expect(findings({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, { anything: { deep: 1 } })).toEqual([]);
  });

  test('additionalProperties: the schema of map values; false refuses every field', () => {
    const map = { type: 'object', additionalProperties: { type: 'string' } };
    expect(findings(map, { a: 'x', 'b/c': 'y' })).toEqual([]);
    expect(findings(map, { a: 'x', 'b/c': 2 })).toEqual(['spec.b/c: 2 must be of type string,null']);
    expect(findings({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }, { z: 1 })).toEqual([
      expect.stringMatching(/^spec\.z: unknown field "z"/),
    ]);
  });

  test('the root always allows apiVersion, kind and metadata, and refuses other unknown fields', () => {
    expect(findings({ type: 'object' }, {}, {})).toEqual([]);
    expect(findings({ type: 'object' }, {}, {}, { status: {} })).toEqual([expect.stringMatching(/^status: unknown field "status"/)]);
    expect(new StructuralSchema({ type: 'object' }).validate({ apiVersion: 'a/v1', kind: 'K', metadata: { any: 1 } })).toEqual([]);
    expect(new StructuralSchema({ type: 'object' }).validate({ apiVersion: 1, kind: 'K', metadata: 'm' })).toEqual([
      expect.objectContaining({ instancePath: '/apiVersion', keyword: 'type', params: { type: 'string' } }),
      expect.objectContaining({ instancePath: '/metadata', keyword: 'type', params: { type: 'object' } }),
    ]);
  });

  test('items: every item is validated with its index in the path', () => {
    const schema = { type: 'object', properties: { ports: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' } } } } } };
    expect(findings(schema, { ports: [{ port: 1 }, { port: 2 }] })).toEqual([]);
    expect(findings(schema, { ports: [{ port: 1 }, { port: 'x', name: 'n' }] })).toEqual([
      'spec.ports[1].name: unknown field "name" (the API server would prune it silently); remove it or fix its spelling',
      'spec.ports[1].port: "x" must be of type integer,null',
    ]);
  });

  test('required', () => {
    const schema = { type: 'object', required: ['config'], properties: { config: { type: 'string' } } };
    expect(findings(schema, { config: 'x' })).toEqual([]);
    expect(findings(schema, {})).toEqual(['spec.config: missing required field "config"']);
  });

  test('enum', () => {
    const schema = { type: 'object', properties: { mode: { type: 'string', enum: ['daemonset', 'deployment'] } } };
    expect(findings(schema, { mode: 'deployment' })).toEqual([]);
    expect(findings(schema, { mode: 'sidecars' })).toEqual(['spec.mode: "sidecars" is not allowed; use one of "daemonset", "deployment"']);
  });

  test('pattern: compiled once per schema node; a pattern JavaScript cannot compile is skipped and listed', () => {
    const schema = { type: 'string', pattern: '^[a-z]+$' };
    expect(raw(schema, 'abc')).toEqual([]);
    expect(raw(schema, 'ABC')).toEqual([expect.objectContaining({ keyword: 'pattern', params: { pattern: '^[a-z]+$' } })]);
    expect(findings({ type: 'object', properties: { name: schema } }, { name: 'A' })).toEqual(['spec.name: "A" must match the pattern ^[a-z]+$']);

    const re2 = { type: 'string', pattern: '(?i)^abc$' };
    expect(raw(re2, 'anything')).toEqual([]);
    const crds = new CrdRegistry().add(crdWith({ type: 'object', properties: { name: re2 } }));
    expect(crds.unsupportedRules()).toEqual([
      expect.objectContaining({ crdName: 'things.example.com', version: 'v1', keyword: 'pattern', rule: '(?i)^abc$', reason: expect.stringMatching(/not a JavaScript regular expression/) }),
    ]);
  });

  test('format: int32, int64, byte, date-time, duration checked; unknown formats pass', () => {
    expect(raw({ type: 'integer', format: 'int32' }, 2 ** 31 - 1)).toEqual([]);
    expect(raw({ type: 'integer', format: 'int32' }, 2 ** 31)).toEqual([expect.objectContaining({ keyword: 'format', params: { format: 'int32' } })]);
    expect(raw({ type: 'integer', format: 'int64' }, 2 ** 53 - 1)).toEqual([]);
    expect(raw({ type: 'integer', format: 'int64' }, 2 ** 53)).toEqual([expect.objectContaining({ keyword: 'format', params: { format: 'int64' } })]);
    expect(raw({ type: 'string', format: 'byte' }, 'YWJj')).toEqual([]);
    expect(raw({ type: 'string', format: 'byte' }, 'abc')).toEqual([expect.objectContaining({ keyword: 'format' })]);
    expect(raw({ type: 'string', format: 'date-time' }, '2024-01-02T03:04:05Z')).toEqual([]);
    expect(raw({ type: 'string', format: 'date-time' }, '2024-01-02')).toEqual([expect.objectContaining({ keyword: 'format' })]);
    expect(raw({ type: 'string', format: 'duration' }, '1h30m')).toEqual([]);
    expect(raw({ type: 'string', format: 'duration' }, 'P1D')).toEqual([expect.objectContaining({ keyword: 'format' })]);
    expect(raw({ type: 'string', format: 'no-such-format' }, 'whatever')).toEqual([]);
    expect(findings({ type: 'object', properties: { size: { type: 'integer', format: 'int32' } } }, { size: 3_000_000_000 })).toEqual([
      'spec.size: 3000000000 is not a 32-bit integer (range -2147483648..2147483647)',
    ]);
    expect(findings({ type: 'object', properties: { size: { type: 'integer', format: 'int64' } } }, { size: 2 ** 60 })).toEqual([
      expect.stringMatching(/^spec\.size: .* is not a 64-bit integer$/),
    ]);
  });

  test('minimum / maximum, inclusive and exclusive (OpenAPI v3.0 boolean form)', () => {
    expect(raw({ type: 'integer', minimum: 1, maximum: 10 }, 1)).toEqual([]);
    expect(raw({ type: 'integer', minimum: 1, maximum: 10 }, 10)).toEqual([]);
    expect(findings({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } } }, { n: 0 })).toEqual(['spec.n: 0 must be >= 1']);
    expect(findings({ type: 'object', properties: { n: { type: 'integer', maximum: 10 } } }, { n: 11 })).toEqual(['spec.n: 11 must be <= 10']);
    expect(raw({ type: 'number', minimum: 0, exclusiveMinimum: true }, 0.5)).toEqual([]);
    expect(raw({ type: 'number', minimum: 0, exclusiveMinimum: true }, 0)).toEqual([expect.objectContaining({ keyword: 'exclusiveMinimum', message: 'must be > 0' })]);
    expect(raw({ type: 'number', maximum: 1, exclusiveMaximum: true }, 0.5)).toEqual([]);
    expect(raw({ type: 'number', maximum: 1, exclusiveMaximum: true }, 1)).toEqual([expect.objectContaining({ keyword: 'exclusiveMaximum', message: 'must be < 1' })]);
  });

  test('multipleOf', () => {
    expect(raw({ type: 'integer', multipleOf: 5 }, 15)).toEqual([]);
    expect(raw({ type: 'integer', multipleOf: 5 }, 12)).toEqual([expect.objectContaining({ keyword: 'multipleOf', message: 'must be multiple of 5' })]);
  });

  test('minLength / maxLength (in code points)', () => {
    expect(raw({ type: 'string', minLength: 2, maxLength: 3 }, 'ab')).toEqual([]);
    expect(raw({ type: 'string', maxLength: 2 }, '😀😀')).toEqual([]);
    expect(findings({ type: 'object', properties: { s: { type: 'string', minLength: 2 } } }, { s: 'a' })).toEqual(['spec.s: "a": must NOT have fewer than 2 characters']);
    expect(findings({ type: 'object', properties: { s: { type: 'string', maxLength: 3 } } }, { s: 'abcd' })).toEqual(['spec.s: "abcd": must NOT have more than 3 characters']);
  });

  test('minItems / maxItems', () => {
    expect(raw({ type: 'array', minItems: 1, maxItems: 2 }, [1])).toEqual([]);
    expect(raw({ type: 'array', minItems: 1 }, [])).toEqual([expect.objectContaining({ keyword: 'minItems', message: 'must NOT have fewer than 1 items' })]);
    expect(raw({ type: 'array', maxItems: 2 }, [1, 2, 3])).toEqual([expect.objectContaining({ keyword: 'maxItems', message: 'must NOT have more than 2 items' })]);
  });

  test('minProperties / maxProperties', () => {
    const map = { type: 'object', additionalProperties: { type: 'string' } };
    expect(raw({ ...map, minProperties: 1, maxProperties: 2 }, { a: 'x' })).toEqual([]);
    expect(raw({ ...map, minProperties: 1 }, {})).toEqual([expect.objectContaining({ keyword: 'minProperties', message: 'must NOT have fewer than 1 properties' })]);
    expect(raw({ ...map, maxProperties: 1 }, { a: 'x', b: 'y' })).toEqual([expect.objectContaining({ keyword: 'maxProperties', message: 'must NOT have more than 1 properties' })]);
  });

  test('x-kubernetes-int-or-string', () => {
    const schema = { type: 'object', properties: { target: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } };
    expect(findings(schema, { target: 8080 })).toEqual([]);
    expect(findings(schema, { target: 'http' })).toEqual([]);
    expect(findings(schema, { target: 1.5 })).toEqual(['spec.target: 1.5 must be integer or string']);
    expect(findings(schema, { target: true })).toEqual(['spec.target: true must be integer or string']);
    // a quantity: int-or-string with a pattern for the string form
    const quantity = { type: 'object', properties: { memory: { 'x-kubernetes-int-or-string': true, pattern: '^[0-9]+(Mi|Gi)?$' } } };
    expect(findings(quantity, { memory: '128Mi' })).toEqual([]);
    expect(findings(quantity, { memory: 'lots' })).toEqual([expect.stringMatching(/^spec\.memory: "lots" must match the pattern/)]);
  });

  test('x-kubernetes-embedded-resource: apiVersion, kind and metadata are allowed', () => {
    const schema = {
      type: 'object',
      properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
    };
    expect(findings(schema, { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { a: 1 } } })).toEqual([]);
    expect(findings(schema, { template: { kind: 'Pod', status: {} } })).toEqual([expect.stringMatching(/^spec\.template\.status: unknown field "status"/)]);
    expect(findings(schema, { template: { kind: 3 } })).toEqual(['spec.template.kind: 3 must be of type string']);
  });

  test('x-kubernetes-list-type set: items are unique', () => {
    const schema = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } } };
    expect(findings(schema, { tags: ['a', 'b'] })).toEqual([]);
    expect(findings(schema, { tags: ['a', 'b', 'a'] })).toEqual(['spec.tags: ["a","b","a"]: must NOT have duplicate items (items ## 2 and 0 are identical)']);
    const objects = { type: 'object', properties: { refs: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, 'x-kubernetes-list-type': 'set' } } };
    expect(findings(objects, { refs: [{ a: 1 }, { a: 2 }] })).toEqual([]);
    expect(findings(objects, { refs: [{ a: 1 }, { a: 1 }] })).toEqual([expect.stringMatching(/^spec\.refs: .*duplicate items/)]);
  });

  test('x-kubernetes-list-type map: list-map-keys are unique', () => {
    const schema = {
      type: 'object',
      properties: {
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string' } } },
        },
      },
    };
    expect(findings(schema, { ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }] })).toEqual([]);
    expect(findings(schema, { ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'TCP' }] })).toEqual([
      expect.stringMatching(/^spec\.ports: .*duplicate entry with port=80, protocol="TCP"; list-map keys must be unique$/),
    ]);
  });

  test('x-kubernetes-validations: CEL rules, compiled once; unsupported rules are listed, never run', () => {
    const schema = {
      type: 'object',
      properties: { mode: { type: 'string' }, tolerations: { type: 'array', items: { type: 'string' } } },
      'x-kubernetes-validations': [
        { rule: "!(self.mode == 'sidecar' && has(self.tolerations))", message: 'sidecar mode takes no tolerations' },
        { rule: 'self.tolerations.all(t, t != "")' },
      ],
    };
    expect(findings(schema, { mode: 'daemonset', tolerations: ['a'] })).toEqual([]);
    expect(findings(schema, { mode: 'sidecar', tolerations: ['a'] })).toEqual([
      `spec: sidecar mode takes no tolerations (rule: !(self.mode == 'sidecar' && has(self.tolerations)))`,
    ]);
    const crds = new CrdRegistry().add(crdWith(schema));
    expect(crds.unsupportedRules()).toEqual([
      expect.objectContaining({ keyword: 'x-kubernetes-validations', rule: 'self.tolerations.all(t, t != "")', reason: expect.stringMatching(/unexpected token/) }),
    ]);
    // a rule without a message reports the rule
    const bare = { type: 'object', properties: { n: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.n > 1' }] };
    expect(findings(bare, { n: 1 })).toEqual(['spec: failed rule: self.n > 1 (rule: self.n > 1)']);
  });

  test('allOf / anyOf / oneOf / not are value validations (they declare no fields)', () => {
    const base = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } };
    const anyOf = { ...base, anyOf: [{ required: ['a'] }, { required: ['b'] }] };
    expect(findings(anyOf, { b: 'x' })).toEqual([]);
    expect(findings(anyOf, {})).toEqual(['spec: {} must be one of the allowed forms']);
    const oneOf = { ...base, oneOf: [{ required: ['a'] }, { required: ['b'] }] };
    expect(findings(oneOf, { a: 'x' })).toEqual([]);
    expect(findings(oneOf, { a: 'x', b: 'y' })).toEqual(['spec: {"a":"x","b":"y"} must be one of the allowed forms']);
    const allOf = { ...base, allOf: [{ required: ['a'] }, { properties: { b: { maxLength: 1 } } }] };
    expect(findings(allOf, { a: 'x', b: 'y' })).toEqual([]);
    expect(findings(allOf, { a: 'x', b: 'yy' })).toEqual(['spec.b: "yy": must NOT have more than 1 characters']);
    const not = { ...base, not: { required: ['a', 'b'] } };
    expect(findings(not, { a: 'x' })).toEqual([]);
    expect(findings(not, { a: 'x', b: 'y' })).toEqual(['spec: {"a":"x","b":"y"}: must NOT be valid']);
  });

  test('only the schema nodes the data reaches are prepared', () => {
    const big: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) big[`f${i}`] = { type: 'object', properties: { g: { type: 'string' } } };
    const schema = new StructuralSchema({ type: 'object', properties: { spec: { type: 'object', properties: big } } });
    expect(schema.validate({ spec: { f1: { g: 'x' } } })).toEqual([]);
    // root, spec, f1, f1.g
    expect(schema.preparedNodeCount()).toBe(4);
    schema.validate({ spec: { f1: { g: 'y' } } });
    expect(schema.preparedNodeCount()).toBe(4);
    schema.unsupported();
    expect(schema.preparedNodeCount()).toBe(2 + 50 * 2);
  });
});
