import { pointerToPath } from './findings';
import type { SchemaError } from './structural-schema';

/** A schema problem, before it is attached to an object. */
export interface SchemaProblem {
  readonly rule: 'schema' | 'unknown-field' | 'cel';
  readonly path: string;
  readonly message: string;
}

function valueAt(obj: unknown, pointer: string): unknown {
  let cur: any = obj;
  for (const seg of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Turns raw schema errors (from the structural-schema interpreter, for custom resources and built-in
 * kinds alike; shaped like ajv's) into one readable
 * problem per path: the type/format noise that int-or-string and quantity `anyOf`/`oneOf`
 * branches produce collapses into one message.
 */
export function schemaProblems(errors: readonly SchemaError[], obj: unknown): SchemaProblem[] {
  const byPath = new Map<string, SchemaError[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const out: SchemaProblem[] = [];
  for (const [pointer, errs] of byPath) {
    const value = valueAt(obj, pointer);
    const union = errs.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const formats = errs.filter((e) => e.keyword === 'format').map((e) => e.params.format as string);
    if (union) {
      const types = [...new Set(errs.filter((e) => e.keyword === 'type').map((e) => e.params.type as string))];
      if (formats.includes('quantity')) {
        out.push({
          rule: 'schema',
          path: pointerToPath(pointer),
          message: `${show(value)} is not a valid quantity; use a number or a string like "500m", "128Mi", "2Gi"`,
        });
      } else {
        out.push({
          rule: 'schema',
          path: pointerToPath(pointer),
          message: `${show(value)} must be ${types.length ? types.join(' or ') : 'one of the allowed forms'}${formats.length ? ` (format ${formats.join(', ')})` : ''}`,
        });
      }
      continue;
    }
    for (const e of errs) out.push(problemFor(e, pointer, value));
  }
  return out;
}

function problemFor(e: SchemaError, pointer: string, value: unknown): SchemaProblem {
  const path = pointerToPath(pointer);
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = e.params.additionalProperty as string;
      return {
        rule: 'unknown-field',
        path: pointerToPath(pointer, field),
        message: `unknown field "${field}" (the API server would prune it silently); remove it or fix its spelling`,
      };
    }
    case 'required':
      return {
        rule: 'schema',
        path: pointerToPath(pointer, e.params.missingProperty as string),
        message: `missing required field "${e.params.missingProperty}"`,
      };
    case 'enum':
      return {
        rule: 'schema',
        path,
        message: `${show(value)} is not allowed; use one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'format':
      if (e.params.format === 'int32') {
        return { rule: 'schema', path, message: `${show(value)} is not a 32-bit integer (range -2147483648..2147483647)` };
      }
      if (e.params.format === 'int64') {
        return { rule: 'schema', path, message: `${show(value)} is not a 64-bit integer` };
      }
      return { rule: 'schema', path, message: `${show(value)} does not match format "${e.params.format}"` };
    case 'type':
      return { rule: 'schema', path, message: `${show(value)} must be of type ${e.params.type}` };
    case 'x-k8s-cel':
      return { rule: 'cel', path, message: `${e.message} (rule: ${e.params.rule})` };
    case 'pattern':
      return { rule: 'schema', path, message: `${show(value)} must match the pattern ${e.params.pattern}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { rule: 'schema', path, message: `${show(value)} ${e.message}` };
    default:
      return { rule: 'schema', path, message: `${show(value)}: ${e.message ?? e.keyword}` };
  }
}
