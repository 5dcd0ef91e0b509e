/**
 * An interpreter of Kubernetes structural schemas (a CRD version's `openAPIV3Schema`) with the API
 * server's semantics. There is no compile step: the schema is walked alongside the data, and only
 * the parts of the schema that the data reaches are ever looked at. What a schema node needs at
 * validation time (its regular expression, its CEL rules, its property names) is prepared the
 * first time data reaches it and cached on the node.
 *
 * Semantics (those of the API server, which prunes unknown fields silently, so here they are errors):
 * - `type` (+ `nullable`): a `null` value passes anywhere (the API server prunes nulls before validating);
 * - `properties` / `additionalProperties`: an unknown field is an error unless the node has
 *   `x-kubernetes-preserve-unknown-fields: true`; an object without properties and without
 *   preserve-unknown-fields keeps no field at all;
 * - `items`, `required`, `enum`, `pattern` (ECMAScript regular expressions; a pattern JavaScript
 *   cannot compile, RE2 syntax such as `(?i)`, is skipped and listed by `unsupported()`), `format`
 *   (int32, int64, byte, date-time, duration; other formats pass), `minimum` / `maximum` /
 *   `exclusiveMinimum` / `exclusiveMaximum` (boolean as in OpenAPI v3.0, or a number),
 *   `multipleOf`, `minLength` / `maxLength`, `minItems` / `maxItems`, `minProperties` / `maxProperties`;
 * - `x-kubernetes-int-or-string`, `x-kubernetes-embedded-resource` (apiVersion, kind and metadata
 *   allowed), `x-kubernetes-list-type: set` (unique items) and `map` with
 *   `x-kubernetes-list-map-keys` (unique key tuples), `x-kubernetes-validations` (CEL rules through
 *   the small evaluator of `cel.ts`; rules outside its subset are listed by `unsupported()`);
 * - `allOf` / `anyOf` / `oneOf` / `not` as value validations (in a structural schema they declare
 *   no fields: the fields are declared outside them);
 * - the root object always allows `apiVersion`, `kind` and `metadata`.
 *
 * Built-in kinds (the Kubernetes OpenAPI v3 documents, see `schema-data.ts`) use the same interpreter
 * with `SchemaOptions.definitions`: `$ref` names a definition, resolved when data first reaches it (so
 * recursive types such as JSONSchemaProps cost nothing until used), the root declares its own
 * `apiVersion`/`kind`/`metadata`, and an `object` node without `properties` or `additionalProperties`
 * (RawExtension, FieldsV1) accepts any field, as the API server's decoder does. `format: quantity`
 * checks the resource quantity syntax.
 *
 * Errors have the shape of ajv's error objects (`instancePath` as a JSON pointer, `keyword`,
 * `params`, `message`), in the order ajv reported them for the same schema, so `schema-errors.ts`
 * turns them into findings the same way for custom resources and built-in kinds.
 */
import { jsonEqual } from '../common/json-equal';
import { compileCel, CelPredicate } from './cel';

/** One schema violation, shaped like an ajv error object. */
export interface SchemaError {
  /** JSON pointer of the offending value (`/spec/ports/0`). */
  readonly instancePath: string;
  /** The schema keyword that failed (`type`, `required`, `x-k8s-cel`, ...). */
  readonly keyword: string;
  /** Keyword-specific details (`missingProperty`, `additionalProperty`, `allowedValues`, ...). */
  readonly params: Record<string, any>;
  /** ajv's message for keywords `schema-errors.ts` has no wording of its own for. */
  readonly message?: string;
}

/** A CEL rule or a pattern the interpreter cannot run: skipped, and listed by `unsupported()`. */
export interface SchemaIssue {
  /** `x-kubernetes-validations` (a CEL rule) or `pattern`. */
  readonly keyword: 'x-kubernetes-validations' | 'pattern';
  /** The rule or the pattern. */
  readonly rule: string;
  /** Why it cannot run. */
  readonly reason: string;
}

interface CelRule {
  readonly predicate: CelPredicate;
  readonly message: string;
  readonly rule: string;
}

type Bound = { readonly limit: number; readonly exclusive: boolean };

/** What validation needs of one schema node, derived once, the first time data reaches the node. */
interface Prepared {
  /** Declared type (absent for int-or-string and for value-validation-only nodes). */
  readonly type?: string;
  readonly intOrString: boolean;
  /**
   * Declared fields (including apiVersion/kind/metadata for the root and embedded resources): each
   * name's place in the schema's order, and the names and schemas in that order.
   */
  readonly fields?: { readonly index: ReadonlyMap<string, number>; readonly names: readonly string[]; readonly schemas: readonly any[] };
  /** Unknown fields: `false` = error, `true` = allowed, an object = the schema of map values. */
  readonly additional: boolean | object;
  readonly items?: any;
  readonly required?: readonly string[];
  readonly enumValues?: readonly unknown[];
  readonly pattern?: RegExp;
  readonly patternSource?: string;
  readonly format?: string;
  readonly maximum?: Bound;
  readonly minimum?: Bound;
  readonly multipleOf?: number;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly maxItems?: number;
  readonly minItems?: number;
  readonly maxProperties?: number;
  readonly minProperties?: number;
  readonly uniqueItems: boolean;
  readonly listMapKeys?: readonly string[];
  readonly cel?: readonly CelRule[];
  readonly allOf?: readonly any[];
  readonly anyOf?: readonly any[];
  readonly oneOf?: readonly any[];
  readonly not?: any;
  readonly issues: readonly SchemaIssue[];
}

/**
 * Pseudo-schemas of the fields every root object and every embedded resource may carry: an exact
 * type (no null) and nothing checked inside (metadata is checked by `validate-manifests.ts`).
 */
const EXACT_STRING = Object.freeze({ type: 'string' });
const EXACT_OBJECT = Object.freeze({ type: 'object' });
const EXACT = new Set<object>([EXACT_STRING, EXACT_OBJECT]);
const RESOURCE_FIELDS: readonly [string, object][] = [
  ['apiVersion', EXACT_STRING],
  ['kind', EXACT_STRING],
  ['metadata', EXACT_OBJECT],
];

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** String formats checked (others pass: the API server does not check them either, or leniently). */
const STRING_FORMATS: Record<string, (s: string) => boolean> = {
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s),
  duration: (s) => /^(-?(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+|0)$/.test(s),
  // resource.Quantity: <signedNumber><suffix>, suffix a binary (Ki..Ei), decimal (n u m k M G T P E) or exponent (e3, E-2)
  quantity: (s) => /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/.test(s),
};
const NUMBER_FORMATS: Record<string, (n: number) => boolean> = {
  int32: (n) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX,
  int64: (n) => Number.isSafeInteger(n),
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function hasType(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return isNumber(v) && v % 1 === 0;
    case 'number':
      return isNumber(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      return true;
  }
}

/** Length in Unicode code points, as JSON schema counts it. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    n++;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

function pointerSegment(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

function bound(node: any, key: 'minimum' | 'maximum', exclusiveKey: 'exclusiveMinimum' | 'exclusiveMaximum'): Bound | undefined {
  const ex = node[exclusiveKey];
  if (typeof node[key] === 'number') return { limit: node[key], exclusive: ex === true };
  // JSON schema draft 6+ spelling: the exclusive bound is the number itself.
  if (typeof ex === 'number') return { limit: ex, exclusive: true };
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** Derives what validation needs of one schema node. Cheap: looks at this node's own keys only. */
function prepare(node: any, root: boolean, freeFormObjects = false): Prepared {
  const issues: SchemaIssue[] = [];
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const type = EXACT.has(node) ? node.type : !intOrString && typeof node.type === 'string' ? node.type : undefined;

  // a field declared again (apiVersion/kind/metadata of a resource) keeps its first place
  let fields: { index: Map<string, number>; names: string[]; schemas: any[] } | undefined;
  const field = (k: string, v: unknown) => {
    fields ??= { index: new Map(), names: [], schemas: [] };
    const at = fields.index.get(k);
    if (at !== undefined) {
      fields.schemas[at] = v;
    } else {
      fields.index.set(k, fields.names.length);
      fields.names.push(k);
      fields.schemas.push(v);
    }
  };
  const declared = isObject(node.properties) ? node.properties : undefined;
  if (node['x-kubernetes-embedded-resource'] === true) for (const [k, v] of RESOURCE_FIELDS) field(k, v);
  if (declared) for (const k in declared) if (Object.prototype.hasOwnProperty.call(declared, k)) field(k, declared[k]);
  if (root) for (const [k, v] of RESOURCE_FIELDS) field(k, v);

  let additional: boolean | object = true;
  const ap = node.additionalProperties;
  if (ap === false || isObject(ap)) additional = ap;
  else if (ap === undefined && type === 'object' && node['x-kubernetes-preserve-unknown-fields'] !== true && !EXACT.has(node)) {
    // CRDs prune the fields of an object that declares none; built-in free-form types keep them
    additional = freeFormObjects && !declared ? true : false;
  }

  let pattern: RegExp | undefined;
  if (typeof node.pattern === 'string') {
    try {
      pattern = new RegExp(node.pattern);
    } catch (e) {
      issues.push({ keyword: 'pattern', rule: node.pattern, reason: `not a JavaScript regular expression (the pattern is skipped): ${(e as Error).message}` });
    }
  }

  let cel: CelRule[] | undefined;
  const rules = node['x-kubernetes-validations'];
  if (Array.isArray(rules)) {
    cel = [];
    for (const r of rules) {
      if (typeof r?.rule !== 'string') continue;
      try {
        cel.push({ predicate: compileCel(r.rule), message: r.message ?? `failed rule: ${r.rule}`, rule: r.rule });
      } catch (e) {
        issues.push({ keyword: 'x-kubernetes-validations', rule: r.rule, reason: (e as Error).message });
      }
    }
    if (!cel.length) cel = undefined;
  }

  const listType = node['x-kubernetes-list-type'];
  const mapKeys = node['x-kubernetes-list-map-keys'];
  return {
    type,
    intOrString,
    fields,
    additional,
    items: isObject(node.items) ? node.items : undefined,
    required: Array.isArray(node.required) && node.required.length ? node.required : undefined,
    enumValues: Array.isArray(node.enum) ? node.enum : undefined,
    pattern,
    patternSource: pattern ? node.pattern : undefined,
    format: typeof node.format === 'string' ? node.format : undefined,
    maximum: bound(node, 'maximum', 'exclusiveMaximum'),
    minimum: bound(node, 'minimum', 'exclusiveMinimum'),
    multipleOf: num(node.multipleOf),
    maxLength: num(node.maxLength),
    minLength: num(node.minLength),
    maxItems: num(node.maxItems),
    minItems: num(node.minItems),
    maxProperties: num(node.maxProperties),
    minProperties: num(node.minProperties),
    uniqueItems: listType === 'set' || node.uniqueItems === true,
    listMapKeys: listType === 'map' && Array.isArray(mapKeys) ? mapKeys : undefined,
    cel,
    allOf: Array.isArray(node.allOf) ? node.allOf : undefined,
    anyOf: !intOrString && Array.isArray(node.anyOf) ? node.anyOf : undefined,
    oneOf: Array.isArray(node.oneOf) ? node.oneOf : undefined,
    not: isObject(node.not) ? node.not : undefined,
    issues,
  };
}

/** How a node is reached: the root, a field or item, or the top of an allOf/anyOf/oneOf branch. */
const enum Mode {
  Field,
  Root,
  /** Value validations only: a branch declares no fields, so unknown fields are not its business. */
  Branch,
}

/** Options of `StructuralSchema`. */
export interface SchemaOptions {
  /**
   * Definitions that `$ref` nodes name (the Kubernetes OpenAPI documents of built-in kinds). With
   * them, the root declares its own `apiVersion`/`kind`/`metadata` and free-form objects keep their fields.
   * @default - a CRD schema: no `$ref`
   */
  readonly definitions?: Readonly<Record<string, any>>;
  /**
   * How to look a definition up by name, when `definitions` is a view that computes its entries (the
   * shipped Kubernetes files parse a definition on first lookup): called instead of indexing it.
   * @default - `definitions[name]`
   */
  readonly definition?: (name: string) => any;
}

/**
 * One CRD version's structural schema (or a set of Kubernetes OpenAPI definitions), ready to validate
 * objects against. Every schema node is prepared at most once (see `preparedNodeCount`).
 */
export class StructuralSchema {
  private readonly prepared = new WeakMap<object, Prepared>();
  private readonly rootPrepared: Prepared;
  private readonly definitions?: Readonly<Record<string, any>>;
  private readonly definition: (name: string) => any;
  private count = 0;

  constructor(
    private readonly root: any,
    options: SchemaOptions = {},
  ) {
    this.definitions = options.definitions;
    const defs = options.definitions;
    this.definition = options.definition ?? ((name) => defs?.[name]);
    this.root = this.resolve(root);
    this.rootPrepared = this.prep(this.root, !this.definitions);
  }

  /** A validator of another definition of the same set (shares every prepared node). */
  public validateDefinition(name: string, data: unknown): SchemaError[] {
    const node = this.definitions ? this.definition(name) : undefined;
    if (!node) throw new Error(`schema: no definition ${name}`);
    const errors: SchemaError[] = [];
    this.visit(this.prep(node), node, data, '', errors, Mode.Root);
    return errors;
  }

  /** The node a `$ref` names (nodes without `$ref` are returned as they are). */
  private resolve(node: any): any {
    let n = node;
    for (let hops = 0; isObject(n) && typeof n.$ref === 'string' && this.definitions; hops++) {
      const target = this.definition(n.$ref);
      if (!target || hops > 32) throw new Error(`schema: unresolvable $ref ${n.$ref}`);
      n = target;
    }
    return n;
  }

  /** Schema nodes prepared so far (those data reached, or all of them after `unsupported()`). */
  public preparedNodeCount(): number {
    return this.count;
  }

  /** Validates one object (a whole custom resource); returns the violations, empty when valid. */
  public validate(data: unknown): SchemaError[] {
    const errors: SchemaError[] = [];
    this.visit(this.rootPrepared, this.root, data, '', errors, Mode.Root);
    return errors;
  }

  /**
   * CEL rules outside the evaluator's subset and patterns JavaScript cannot compile, anywhere in
   * the schema (prepares every node: the whole schema is walked once).
   */
  public unsupported(): SchemaIssue[] {
    const out: SchemaIssue[] = [];
    const seen = new Set<object>();
    const walk = (node: any, root: boolean) => {
      if (!isObject(node) || seen.has(node)) return;
      seen.add(node);
      for (const p of Object.values(isObject(node.properties) ? node.properties : {})) walk(p, false);
      walk(node.items, false);
      walk(node.additionalProperties, false);
      walk(node.not, false);
      for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(node[k])) for (const b of node[k]) walk(b, false);
      out.push(...this.prep(node, root).issues);
    };
    walk(this.root, true);
    return out;
  }

  private prep(node: any, root = false): Prepared {
    let p = this.prepared.get(node);
    if (!p) {
      const target = this.resolve(node);
      p = target === node ? prepare(node, root, !!this.definitions) : this.prep(target, root);
      this.prepared.set(node, p);
      this.count++;
    }
    return p;
  }

  /** Validates `data` (never undefined) at `path` against the node; appends errors in ajv's order. */
  private visit(p: Prepared, node: any, data: unknown, path: string, errors: SchemaError[], mode: Mode): void {
    // A null is pruned by the API server before validation (or allowed by nullable): nothing to check.
    // The pseudo-schemas of apiVersion/kind/metadata have an exact type, as before.
    const exact = EXACT.has(node);
    if (data === null && !exact) return;
    if (p.type !== undefined && !hasType(p.type, data)) {
      errors.push({ instancePath: path, keyword: 'type', params: { type: exact ? p.type : [p.type, 'null'] }, message: `must be ${exact ? p.type : `${p.type},null`}` });
    }

    // Keywords that apply to any value, in ajv's order: enum, not, anyOf, oneOf, allOf, CEL.
    if (p.enumValues && !p.enumValues.some((v) => jsonEqual(v, data))) {
      errors.push({ instancePath: path, keyword: 'enum', params: { allowedValues: p.enumValues }, message: 'must be equal to one of the allowed values' });
    }
    if (p.not) {
      const sub: SchemaError[] = [];
      this.visit(this.prep(p.not), p.not, data, path, sub, Mode.Field);
      if (!sub.length) errors.push({ instancePath: path, keyword: 'not', params: {}, message: 'must NOT be valid' });
    }
    if (p.intOrString) {
      if (!hasType('integer', data) && typeof data !== 'string') {
        errors.push(
          { instancePath: path, keyword: 'type', params: { type: 'integer' }, message: 'must be integer' },
          { instancePath: path, keyword: 'type', params: { type: 'string' }, message: 'must be string' },
          { instancePath: path, keyword: 'anyOf', params: {}, message: 'must match a schema in anyOf' },
        );
      }
    } else if (p.anyOf) {
      const sub: SchemaError[] = [];
      let ok = false;
      for (const b of p.anyOf) {
        const before = sub.length;
        this.visit(this.prep(b), b, data, path, sub, Mode.Branch);
        if (sub.length === before) {
          ok = true;
          break;
        }
      }
      if (!ok) errors.push(...sub, { instancePath: path, keyword: 'anyOf', params: {}, message: 'must match a schema in anyOf' });
    }
    if (p.oneOf) {
      const sub: SchemaError[] = [];
      const passing: number[] = [];
      p.oneOf.forEach((b, i) => {
        const before = sub.length;
        this.visit(this.prep(b), b, data, path, sub, Mode.Branch);
        if (sub.length === before) passing.push(i);
      });
      if (passing.length !== 1) {
        errors.push(...sub, {
          instancePath: path,
          keyword: 'oneOf',
          params: { passingSchemas: passing.length > 1 ? passing.slice(0, 2) : null },
          message: 'must match exactly one schema in oneOf',
        });
      }
    }
    if (p.allOf) for (const b of p.allOf) this.visit(this.prep(b), b, data, path, errors, Mode.Branch);
    if (p.cel) {
      for (const r of p.cel) {
        let ok: boolean;
        try {
          ok = r.predicate(data);
        } catch {
          ok = true;
        }
        if (!ok) errors.push({ instancePath: path, keyword: 'x-k8s-cel', params: { rule: r.rule }, message: r.message });
      }
    }

    if (isNumber(data)) this.numberKeywords(p, data, path, errors);
    else if (typeof data === 'string') this.stringKeywords(p, data, path, errors);
    else if (Array.isArray(data)) this.arrayKeywords(p, data, path, errors);
    else if (isObject(data)) this.objectKeywords(p, data, path, errors, mode);
  }

  private numberKeywords(p: Prepared, n: number, path: string, errors: SchemaError[]): void {
    if (p.maximum && (p.maximum.exclusive ? !(n < p.maximum.limit) : !(n <= p.maximum.limit))) {
      const keyword = p.maximum.exclusive ? 'exclusiveMaximum' : 'maximum';
      const comparison = p.maximum.exclusive ? '<' : '<=';
      errors.push({ instancePath: path, keyword, params: { comparison, limit: p.maximum.limit }, message: `must be ${comparison} ${p.maximum.limit}` });
    }
    if (p.minimum && (p.minimum.exclusive ? !(n > p.minimum.limit) : !(n >= p.minimum.limit))) {
      const keyword = p.minimum.exclusive ? 'exclusiveMinimum' : 'minimum';
      const comparison = p.minimum.exclusive ? '>' : '>=';
      errors.push({ instancePath: path, keyword, params: { comparison, limit: p.minimum.limit }, message: `must be ${comparison} ${p.minimum.limit}` });
    }
    if (p.multipleOf !== undefined && p.multipleOf > 0) {
      const q = n / p.multipleOf;
      if (Math.abs(Math.round(q) - q) > 1e-9) {
        errors.push({ instancePath: path, keyword: 'multipleOf', params: { multipleOf: p.multipleOf }, message: `must be multiple of ${p.multipleOf}` });
      }
    }
    const check = p.format !== undefined ? NUMBER_FORMATS[p.format] : undefined;
    if (check && !check(n)) errors.push({ instancePath: path, keyword: 'format', params: { format: p.format }, message: `must match format "${p.format}"` });
  }

  private stringKeywords(p: Prepared, s: string, path: string, errors: SchemaError[]): void {
    if (p.maxLength !== undefined || p.minLength !== undefined) {
      const len = codePoints(s);
      if (p.maxLength !== undefined && len > p.maxLength) {
        errors.push({ instancePath: path, keyword: 'maxLength', params: { limit: p.maxLength }, message: `must NOT have more than ${p.maxLength} characters` });
      }
      if (p.minLength !== undefined && len < p.minLength) {
        errors.push({ instancePath: path, keyword: 'minLength', params: { limit: p.minLength }, message: `must NOT have fewer than ${p.minLength} characters` });
      }
    }
    if (p.pattern && !p.pattern.test(s)) {
      errors.push({ instancePath: path, keyword: 'pattern', params: { pattern: p.patternSource }, message: `must match pattern "${p.patternSource}"` });
    }
    const check = p.format !== undefined ? STRING_FORMATS[p.format] : undefined;
    if (check && !check(s)) errors.push({ instancePath: path, keyword: 'format', params: { format: p.format }, message: `must match format "${p.format}"` });
  }

  private arrayKeywords(p: Prepared, a: unknown[], path: string, errors: SchemaError[]): void {
    if (p.maxItems !== undefined && a.length > p.maxItems) {
      errors.push({ instancePath: path, keyword: 'maxItems', params: { limit: p.maxItems }, message: `must NOT have more than ${p.maxItems} items` });
    }
    if (p.minItems !== undefined && a.length < p.minItems) {
      errors.push({ instancePath: path, keyword: 'minItems', params: { limit: p.minItems }, message: `must NOT have fewer than ${p.minItems} items` });
    }
    if (p.uniqueItems && a.length > 1) {
      const dup = duplicateItems(a, p.items);
      if (dup) {
        errors.push({ instancePath: path, keyword: 'uniqueItems', params: dup, message: `must NOT have duplicate items (items ## ${dup.j} and ${dup.i} are identical)` });
      }
    }
    if (p.items) {
      const ip = this.prep(p.items);
      for (let i = 0; i < a.length; i++) {
        if (a[i] !== undefined) this.visit(ip, p.items, a[i], `${path}/${i}`, errors, Mode.Field);
      }
    }
    if (p.listMapKeys && a.length > 1) {
      const keys = p.listMapKeys;
      const seen = new Set<string>();
      for (const item of a) {
        if (!item || typeof item !== 'object') continue;
        const k = JSON.stringify(keys.map((key) => (item as any)[key]));
        if (seen.has(k)) {
          errors.push({
            instancePath: path,
            keyword: 'x-k8s-list-map-keys',
            params: { keys },
            message: `duplicate entry with ${keys.map((key) => `${key}=${JSON.stringify((item as any)[key])}`).join(', ')}; list-map keys must be unique`,
          });
          break;
        }
        seen.add(k);
      }
    }
  }

  private objectKeywords(p: Prepared, o: Record<string, unknown>, path: string, errors: SchemaError[], mode: Mode): void {
    if (p.maxProperties !== undefined || p.minProperties !== undefined) {
      const n = Object.keys(o).length;
      if (p.maxProperties !== undefined && n > p.maxProperties) {
        errors.push({ instancePath: path, keyword: 'maxProperties', params: { limit: p.maxProperties }, message: `must NOT have more than ${p.maxProperties} properties` });
      }
      if (p.minProperties !== undefined && n < p.minProperties) {
        errors.push({ instancePath: path, keyword: 'minProperties', params: { limit: p.minProperties }, message: `must NOT have fewer than ${p.minProperties} properties` });
      }
    }
    if (p.required) {
      for (const r of p.required) {
        if (o[r] === undefined) errors.push({ instancePath: path, keyword: 'required', params: { missingProperty: r }, message: `must have required property '${r}'` });
      }
    }
    // One pass over the data's own keys: unknown fields are checked at once (ajv's
    // additionalProperties precedes properties), in the data's key order; the declared fields the
    // data has are noted by their place in the schema and visited after, in the schema's order.
    // (An object has a few of the fields its schema declares: a PodSpec declares ~40.)
    const unknownFields = mode !== Mode.Branch && p.additional !== true;
    const index = p.fields?.index;
    if (!unknownFields && !index) return;
    let present: number[] | undefined;
    for (const k of Object.keys(o)) {
      const at = index?.get(k);
      if (at !== undefined) {
        (present ??= []).push(at);
      } else if (!unknownFields) {
        continue;
      } else if (p.additional === false) {
        errors.push({ instancePath: path, keyword: 'additionalProperties', params: { additionalProperty: k }, message: 'must NOT have additional properties' });
      } else if (o[k] !== undefined) {
        const ap = p.additional;
        this.visit(this.prep(ap), ap, o[k], `${path}/${pointerSegment(k)}`, errors, Mode.Field);
      }
    }
    if (!present) return;
    if (present.length > 1) present.sort((a, b) => a - b);
    for (const at of present) {
      const k = p.fields!.names[at];
      const v = o[k];
      if (v === undefined) continue;
      const sub = p.fields!.schemas[at];
      this.visit(this.prep(sub), sub, v, `${path}/${pointerSegment(k)}`, errors, Mode.Field);
    }
  }
}

/**
 * The first pair of equal items, found as ajv finds it (scanning from the end; `i` and `j` as ajv
 * reports them). Items of a primitive type are compared by value in one pass, items of other
 * types pairwise.
 */
function duplicateItems(a: readonly unknown[], items: any): { i: number; j: number } | undefined {
  const t = isObject(items) && items['x-kubernetes-int-or-string'] !== true && typeof items.type === 'string' ? items.type : undefined;
  if (t !== undefined && t !== 'object' && t !== 'array') {
    const seen = new Map<string, number>();
    for (let i = a.length; i--; ) {
      const x = a[i];
      if (x !== null && !hasType(t, x)) continue;
      const key = typeof x === 'string' ? `${x}_` : String(x);
      const j = seen.get(key);
      if (j !== undefined) return { i, j };
      seen.set(key, i);
    }
    return undefined;
  }
  for (let i = a.length; i--; ) {
    for (let j = i; j--; ) if (jsonEqual(a[i], a[j])) return { i, j };
  }
  return undefined;
}
