/**
 * Field declarations of collector components: each modelled field is declared once — its prop name,
 * the collector's config key, its Go type, its range or allowed values, its default — and the factory's
 * prop checks, the rendering and the strict parsing derive from that declaration. Rules between
 * fields (a maximum above a minimum) are written once per component and run on both paths.
 *
 * A declaration is typed against the props interface (`FieldSpecs<Props>`): a prop without a
 * declaration, or a declaration of a prop that does not exist, does not compile. The doc comments stay
 * on the props interface, where TypeScript and the API reference read them.
 */
import {
  fail,
  NumberRule,
  optBoolean,
  optNumber,
  optOneOf,
  optString,
  optStringList,
} from '../../common/guards';
import {
  asObject,
  checkKeys,
  compact,
  ConfigObject,
  ConfigValue,
  formatDuration,
  opt,
  optDuration,
  optStrings,
} from './config-values';

/**
 * The Go type of a field, which fixes how it is checked, rendered and parsed:
 * `string`, `boolean`, `uint32` (an unsigned 32-bit integer: the decoder refuses negatives and wraps
 * larger values around silently), `int` (a signed integer), `number` (a float), `duration` (seconds in
 * props, a Go duration such as `200ms` in the config; a number in a config is nanoseconds) and
 * `strings` (a list of strings).
 */
export type FieldType = 'string' | 'boolean' | 'uint32' | 'int' | 'number' | 'duration' | 'strings';

/** The declaration of one field. */
export interface FieldSpec {
  /** The config key the collector reads, e.g. `send_batch_size`. */
  readonly key: string;
  /** The Go type of the field. */
  readonly type: FieldType;
  /** Smallest value (numbers; durations in seconds). @default - the type's own bound (0 for uint32) */
  readonly min?: number;
  /** Largest value (numbers). @default - the type's own bound (2^32-1 for uint32) */
  readonly max?: number;
  /** The smallest value is excluded (e.g. a duration that must be above 0). @default false */
  readonly exclusiveMin?: boolean;
  /** Allowed values of a string. @default - any string */
  readonly oneOf?: readonly string[];
  /** An empty string is allowed. @default false */
  readonly allowEmpty?: boolean;
  /** The collector's default when the key is absent (documentation and messages). @default - none */
  readonly collectorDefault?: string;
  /** How to write a good value (message fix for strings and lists). @default - by type */
  readonly fix?: string;
}

/** The declarations of every prop of `P` (except the instance `name`). */
export type FieldSpecs<P> = { readonly [K in Exclude<keyof P, 'name'>]-?: FieldSpec };

/** A component's declaration: its fields and the config keys the collector accepts that are kept verbatim without a prop. */
export interface ComponentFields<P> {
  /** The modelled fields, in rendering order. */
  readonly fields: FieldSpecs<P>;
  /** Keys the collector accepts that the model does not type (checked by the parser's own code, kept as written). @default - none */
  readonly unmodelledKeys?: readonly string[];
}

const UINT32_MAX = 4294967295;

function numberRule(f: FieldSpec): NumberRule {
  const integer = f.type === 'uint32' || f.type === 'int';
  const min = f.min ?? (f.type === 'uint32' ? 0 : undefined);
  const max = f.max ?? (f.type === 'uint32' ? UINT32_MAX : undefined);
  return { min, max, integer, exclusiveMin: f.exclusiveMin, example: f.collectorDefault };
}

/** The prop names of a declaration. */
export function propNames<P>(spec: ComponentFields<P>): string[] {
  return Object.keys(spec.fields);
}

/** The factory side: checks every declared prop of `props` (paths are the prop names). */
export function checkFieldProps<P>(spec: ComponentFields<P>, props: P, where: string): void {
  for (const [prop, f] of Object.entries(spec.fields) as [string, FieldSpec][]) {
    const v = (props as Record<string, unknown>)[prop];
    switch (f.type) {
      case 'string':
        if (f.oneOf) optOneOf(where, prop, v, f.oneOf);
        else optString(where, prop, v, f.fix ?? 'pass a string', f.allowEmpty);
        break;
      case 'boolean':
        optBoolean(where, prop, v);
        break;
      case 'strings':
        optStringList(where, prop, v, f.fix ?? 'pass a list of strings');
        break;
      default:
        // numbers, and durations in seconds
        optNumber(where, prop, v, numberRule(f));
    }
  }
}

/** Renders the declared props (in declaration order, unset ones left out). */
export function renderFields<P>(spec: ComponentFields<P>, props: P): ConfigObject {
  const out: Record<string, ConfigValue | undefined> = {};
  for (const [prop, f] of Object.entries(spec.fields) as [string, FieldSpec][]) {
    const v = (props as Record<string, unknown>)[prop];
    if (v === undefined) continue;
    out[f.key] =
      f.type === 'duration'
        ? formatDuration(v as number)
        : f.type === 'strings'
          ? [...(v as string[])]
          : (v as ConfigValue);
  }
  return compact(out);
}

/**
 * The parser side: refuses keys that are neither declared nor `unmodelledKeys` (with the closest
 * key), checks every declared key by its Go type and range (messages name the config key; null is
 * unset, as for the collector's decoder) and returns the values as props (durations in seconds).
 */
export function parseFields<P>(
  spec: ComponentFields<P>,
  config: unknown,
  where: string,
): { props: Partial<P>; config: Record<string, unknown> } {
  const o = asObject(config, where);
  const fields = Object.entries(spec.fields) as [string, FieldSpec][];
  checkKeys(o, [...fields.map(([, f]) => f.key), ...(spec.unmodelledKeys ?? [])], where);
  const props: Record<string, unknown> = {};
  for (const [prop, f] of fields) {
    const v = parseField(o, f, where);
    if (v !== undefined) props[prop] = v;
  }
  return { props: props as Partial<P>, config: o };
}

function parseField(o: Record<string, unknown>, f: FieldSpec, where: string): unknown {
  const k = f.key;
  switch (f.type) {
    case 'string': {
      const s = opt(o, k, 'string', where);
      if (f.oneOf) optOneOf(where, k, s, f.oneOf);
      return s;
    }
    case 'boolean':
      return opt(o, k, 'boolean', where);
    case 'strings':
      return optStrings(o, k, where);
    case 'duration':
      return optDuration(o, k, where, f.min ?? Number.NEGATIVE_INFINITY, f.exclusiveMin);
    case 'uint32': {
      const n = opt(o, k, 'number', where);
      if (n === undefined) return undefined;
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`${where}.${k}: ${n} is not an unsigned integer; the collector cannot decode it`);
      const max = f.max ?? UINT32_MAX;
      if (n > UINT32_MAX)
        throw new Error(
          `${where}.${k}: ${n} does not fit the collector's 32-bit field (it would wrap around); use at most ${max}`,
        );
      if (f.min !== undefined && n < f.min) fail(where, k, n, 'is out of range', `use at least ${f.min}`);
      if (n > max) fail(where, k, n, 'is out of range', `use at most ${max}`);
      return n;
    }
    default: {
      const n = opt(o, k, 'number', where);
      return n === undefined ? undefined : optNumber(where, k, n, numberRule(f));
    }
  }
}
