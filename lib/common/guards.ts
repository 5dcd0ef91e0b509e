/**
 * Checks of the values a caller passes to a public entry point, for TypeScript and plain
 * JavaScript callers alike: types, finite numbers, ranges, union members, lists, instances of our
 * classes, known keys of nested objects, regular expressions the collector's Go (RE2) engine
 * accepts, and OTTL conditions with balanced syntax and known function names. Every message names
 * the prop path, the bad value and the fix; nothing is coerced.
 */

/** A readable rendering of a value for messages (`"abc"`, `NaN`, `null`, `[1,2]`, `an object`). */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  try {
    const s = JSON.stringify(value);
    return s && s.length <= 60 ? s : 'an object';
  } catch {
    return 'an object';
  }
}

/** Throws the library's standard bad-input error: `<where>: <path> <value> <problem>; <fix>`. */
export function fail(where: string, path: string, value: unknown, problem: string, fix: string): never {
  throw new Error(`${where}: ${path} ${show(value)} ${problem}; ${fix}`);
}

/** A plain object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The props object of a constructor or factory: `undefined` gives `{}` when allowed, anything that is
 * not a plain object is refused; keys outside `known` are refused with the closest known key.
 */
export function propsObject<T extends object>(where: string, props: unknown, known: readonly string[] | undefined, optional = true): T {
  if (props === undefined && optional) return {} as T;
  if (!isPlainObject(props)) fail(where, 'props', props, 'is not an object', 'pass an object literal of props');
  if (known) checkKnownKeys(where, '', props, known);
  return props as T;
}

/** Refuses keys of `obj` that are not in `known` (a typo gets the closest known key as the fix). */
export function checkKnownKeys(where: string, path: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (known.includes(k) || obj[k] === undefined) continue;
    const near = closest(k, known);
    throw new Error(
      `${where}: ${path ? `${path}.` : ''}${k} is not a known prop; ${near ? `did you mean ${near}? ` : ''}known: ${known.join(', ')}`,
    );
  }
}

/** The known word nearest to `word` (edit distance <= 2, or a case-insensitive match), if any. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    if (k.toLowerCase() === word.toLowerCase()) return k;
    const d = editDistance(word, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** An optional string (non-empty unless `allowEmpty`). Returns it. */
export function optString(where: string, path: string, v: unknown, fix = 'pass a string', allowEmpty = false): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(where, path, v, 'is not a string', fix);
  if (!allowEmpty && v.trim() === '') fail(where, path, v, 'is empty', fix);
  return v;
}

/** A required string. */
export function reqString(where: string, path: string, v: unknown, fix = 'pass a string'): string {
  if (v === undefined || v === null) fail(where, path, v, 'is missing', fix);
  return optString(where, path, v, fix)!;
}

/** An optional boolean. */
export function optBoolean(where: string, path: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') fail(where, path, v, 'is not a boolean', 'pass true or false');
  return v;
}

/** Options of the number checks. */
export interface NumberRule {
  /** Smallest allowed value. @default - none */
  readonly min?: number;
  /** Largest allowed value. @default - none */
  readonly max?: number;
  /** Whole numbers only. @default false */
  readonly integer?: boolean;
  /** The smallest value is excluded. @default false */
  readonly exclusiveMin?: boolean;
  /** An example value for the message. @default - none */
  readonly example?: string;
}

/** An optional finite number within the rule (a number given as a string is refused as such). */
export function optNumber(where: string, path: string, v: unknown, rule: NumberRule = {}): number | undefined {
  if (v === undefined) return undefined;
  const eg = rule.example ? ` (e.g. ${rule.example})` : '';
  const range =
    rule.min !== undefined && rule.max !== undefined
      ? `between ${rule.min} and ${rule.max}`
      : rule.min !== undefined
        ? `${rule.exclusiveMin ? 'above' : 'at least'} ${rule.min}`
        : rule.max !== undefined
          ? `at most ${rule.max}`
          : '';
  const kind = rule.integer ? 'a whole number' : range ? 'a number' : 'a finite number';
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
    fail(where, path, v, 'is a number given as a string', `pass the number ${Number(v)} without quotes`);
  }
  const want = `pass ${kind}${range ? ` ${range}` : ''}${eg}`;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, path, v, `is not ${rule.integer ? 'a whole number' : 'a finite number'}`, want);
  if (rule.integer && !Number.isInteger(v)) fail(where, path, v, 'is not a whole number', want);
  const below = rule.min !== undefined && (rule.exclusiveMin ? v <= rule.min : v < rule.min);
  const above = rule.max !== undefined && v > rule.max;
  if (below || above) fail(where, path, v, 'is out of range', want);
  return v;
}

/** A required finite number within the rule. */
export function reqNumber(where: string, path: string, v: unknown, rule: NumberRule = {}): number {
  if (v === undefined || v === null) fail(where, path, v, 'is missing', `pass a number${rule.example ? ` (e.g. ${rule.example})` : ''}`);
  return optNumber(where, path, v, rule)!;
}

/** An optional member of a union of literals. */
export function optOneOf<T extends string | number | boolean>(where: string, path: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) {
    const near = typeof v === 'string' ? closest(v, allowed.map(String)) : undefined;
    fail(where, path, v, 'is not allowed', `use ${near ? `${JSON.stringify(near)} (closest) or ` : ''}one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return v as T;
}

/**
 * An optional list whose items pass `item` (a string where a list is expected is refused, not
 * rendered letter by letter). Returns a copy.
 */
export function optList<T>(where: string, path: string, v: unknown, item: (x: unknown, itemPath: string) => T, fix = 'pass a list'): T[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) fail(where, path, v, typeof v === 'string' ? 'is a string, not a list' : 'is not a list', fix);
  return v.map((x, i) => item(x, `${path}[${i}]`));
}

/** A list of strings (each non-empty). */
export function optStringList(where: string, path: string, v: unknown, fix = 'pass a list of strings'): string[] | undefined {
  return optList(where, path, v, (x, p) => reqString(where, p, x, fix), fix);
}

/** An optional map of string values. */
export function optStringMap(where: string, path: string, v: unknown, fix = 'pass an object of string values'): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) fail(where, path, v, 'is not an object', fix);
  for (const [k, x] of Object.entries(v)) {
    if (k.trim() === '') fail(where, path, v, 'has an empty key', 'name every entry');
    if (typeof x !== 'string') fail(where, `${path}.${k}`, x, 'is not a string', fix);
  }
  return { ...(v as Record<string, string>) };
}

/**
 * An optional instance of one of our classes (made by its static factories). A plain object, a
 * string or an instance from another copy of the package gets a message naming the factory.
 */
export function optInstance<T>(where: string, path: string, v: unknown, cls: abstract new (...args: any[]) => T, factories: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof cls)) {
    const other = v !== null && typeof v === 'object' && (v as any).constructor?.name === cls.name;
    fail(
      where,
      path,
      v,
      other ? `is a ${cls.name} from another copy of this package` : `is not a ${cls.name}`,
      other ? 'install one copy of @otel-tracing/k8s-constructs (npm ls @otel-tracing/k8s-constructs)' : `build it with ${factories}`,
    );
  }
  return v;
}

/** A required instance of one of our classes. */
export function reqInstance<T>(where: string, path: string, v: unknown, cls: abstract new (...args: any[]) => T, factories: string): T {
  if (v === undefined || v === null) fail(where, path, v, 'is missing', `build it with ${factories}`);
  return optInstance(where, path, v, cls, factories)!;
}

/**
 * Why a regular expression would be refused by the collector's Go regexp (RE2) engine, or
 * `undefined` when it compiles there. JavaScript-only syntax: look-ahead/look-behind, back
 * references, possessive and atomic groups, `\Z`-less JS escapes such as `\cX`.
 */
export function re2Problem(pattern: string): string | undefined {
  if (/\(\?[=!]/.test(pattern)) return 'uses look-ahead ((?=...) or (?!...)), which Go regular expressions (RE2) do not support';
  if (/\(\?<[=!]/.test(pattern)) return 'uses look-behind ((?<=...) or (?<!...)), which Go regular expressions (RE2) do not support';
  if (/\\[1-9]/.test(pattern.replace(/\\\\/g, ''))) return 'uses a back reference (\\1...), which Go regular expressions (RE2) do not support';
  if (/\\k<[^>]*>/.test(pattern)) return 'uses a named back reference (\\k<name>), which Go regular expressions (RE2) do not support';
  if (/\(\?>/.test(pattern)) return 'uses an atomic group ((?>...)), which Go regular expressions (RE2) do not support';
  if (/[*+?}]\+/.test(pattern.replace(/\\./g, ''))) return 'uses a possessive quantifier (*+, ++, ?+), which Go regular expressions (RE2) do not support';
  if (/\\c[A-Za-z]/.test(pattern)) return 'uses \\cX (a JavaScript control escape), which Go regular expressions (RE2) do not support';
  try {
    // what is left must at least be a well-formed expression (Go's syntax is close to this for the rest)
    new RegExp(pattern.replace(/\(\?P</g, '(?<').replace(/\(\?[imsU]+\)/g, '').replace(/\(\?[imsU]*-?[imsU]*:/g, '(?:'));
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  return undefined;
}

/** Refuses a regular expression the collector's RE2 engine would not compile. Returns it. */
export function checkRe2(where: string, path: string, pattern: unknown): string {
  const p = reqString(where, path, pattern, 'pass a regular expression (Go RE2 syntax) as a string');
  const problem = re2Problem(p);
  if (problem) fail(where, path, p, problem, 'rewrite it without that construct (see https://github.com/google/re2/wiki/Syntax)');
  return p;
}

/**
 * OTTL functions of collector 0.158 (pkg/ottl editors and converters), for the balanced-syntax check
 * of conditions and statements. Unknown names are refused with the closest one.
 */
export const OTTL_FUNCTIONS: readonly string[] = [
  // editors
  'append', 'delete_key', 'delete_matching_keys', 'flatten', 'keep_keys', 'keep_matching_keys', 'limit', 'merge_maps', 'replace_all_matches',
  'replace_all_patterns', 'replace_match', 'replace_pattern', 'set', 'truncate_all',
  // converters
  'Base64Decode', 'Concat', 'ConvertCase', 'ConvertAttributesToElementsXML', 'ConvertTextToElementsXML', 'Day', 'Decode', 'Double', 'Duration',
  'ExtractPatterns', 'ExtractGrokPatterns', 'FNV', 'Format', 'FormatTime', 'GetXML', 'Hex', 'Hour', 'Hours', 'InsertXML', 'Int', 'IsBool',
  'IsDouble', 'IsInt', 'IsList', 'IsMap', 'IsMatch', 'IsRootSpan', 'IsString', 'Keys', 'Len', 'Log', 'MD5', 'Microseconds', 'Milliseconds',
  'Minute', 'Minutes', 'Month', 'Murmur3Hash', 'Murmur3Hash128', 'Nanosecond', 'Nanoseconds', 'Now', 'ParseCSV', 'ParseJSON',
  'ParseKeyValue', 'ParseSimplifiedXML', 'ParseXML', 'RemoveXML', 'Second', 'Seconds', 'SHA1', 'SHA256', 'SHA512', 'SliceToMap', 'Sort',
  'SpanID', 'Split', 'String', 'Substring', 'Time', 'ToKeyValueString', 'ToLowerCase', 'ToUpperCase', 'TraceID', 'TruncateTime',
  'Unix', 'UnixMicro', 'UnixMilli', 'UnixNano', 'UnixSeconds', 'UserAgent', 'UUID', 'Values', 'Weekday', 'Year', 'URL', 'IsValidLuhn',
  'Index', 'ContainsValue', 'Trim', 'TrimPrefix', 'TrimSuffix', 'HasPrefix', 'HasSuffix', 'CommunityID', 'ParseInt', 'ProfileID',
  'IsInCIDR', 'XXH3', 'XXH128', 'Zip',
];

/**
 * Why an OTTL condition or statement is malformed, or `undefined`: balanced `()`, `[]`, `{}` and
 * quotes, and every called function known (see `OTTL_FUNCTIONS`). This is a syntax check, not a
 * parse of the grammar: the collector has the last word.
 */
export function ottlProblem(text: string, functions: readonly string[] = OTTL_FUNCTIONS): string | undefined {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in pairs) {
      if (stack.pop() !== pairs[c]) return `has an unbalanced "${c}" at offset ${i}`;
    }
  }
  if (quote) return `has an unterminated ${quote === '"' ? 'double' : 'single'}-quoted string`;
  if (stack.length) return `has an unclosed "${stack[stack.length - 1]}"`;
  const outside = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  for (const m of outside.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    if (!functions.includes(m[1])) {
      const near = closest(m[1], functions);
      return `calls unknown OTTL function ${m[1]}()${near ? ` (did you mean ${near}?)` : ''}`;
    }
  }
  return undefined;
}

/** Refuses a malformed OTTL condition/statement. Returns it. */
export function checkOttl(where: string, path: string, text: unknown): string {
  const t = reqString(where, path, text, 'pass an OTTL condition as a string, e.g. \'attributes["http.route"] == "/health"\'');
  const problem = ottlProblem(t);
  if (problem) fail(where, path, t, problem, 'fix the expression (OTTL: https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/pkg/ottl)');
  return t;
}
