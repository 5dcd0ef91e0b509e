/**
 * A light stand-in for `@kubernetes-models/validate` while kubernetes-models validators load.
 *
 * The validators of kubernetes-models are precompiled ajv code; at load time they only read a few
 * format checkers from `@kubernetes-models/validate` (int32, int64, double, byte, quantity,
 * date-time), and at run time they call its `runValidateFunc`. Loading the real module costs
 * ~15 ms in a cold process (ajv-formats-draft2019 with an e-mail address grammar, is-cidr,
 * ajv-i18n), a tenth of what validating a small stack costs. So while this library loads a
 * kubernetes-models kind, the module cache holds this stand-in instead, unless the real module is
 * already loaded:
 *
 * - `formats`: the same checks (ajv-formats' int32, int64 and double number checks, its date-time
 *   checker loaded when a date-time value is first checked; the byte and quantity expressions of
 *   @kubernetes-models/validate 4.x); any other format is read from the real module, loaded on
 *   first use;
 * - `runValidateFunc`: runs the validator; only when it fails does it hand over to the real
 *   `runValidateFunc` (which runs it again and throws the ValidationError with ajv-i18n messages).
 *
 * The lazy loader (`models-loader.ts`) hands the stand-in directly to the modules it compiles;
 * the module-cache swap below serves its fallback (loading a kind through kubernetes-models' own
 * modules). The stand-in leaves the module cache as soon as the kind is loaded: code that requires
 * `@kubernetes-models/validate` later gets the real module, and validators loaded under the
 * stand-in behave exactly as with the real one.
 */
import * as path from 'path';

// From @kubernetes-models/validate 4.x (dist/formats.js): base64 and Kubernetes quantities.
const rBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const rSignedNumber = /[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)/;
const rBinarySI = /[KMGTPE]i/;
const rDecimalSI = /(?:[YZEPTGMkhdcmunpfazy]|da)/;
const rDecimalExponent = new RegExp(`[eE]${rSignedNumber.source}`);
const rQuantitySuffix = new RegExp(`(?:${rBinarySI.source}|${rDecimalSI.source}|${rDecimalExponent.source})?`);
const rQuantity = new RegExp(`^${rSignedNumber.source}${rQuantitySuffix.source}$`);

/** ajv-formats' format table as @kubernetes-models/validate (at `realPath`) resolves it. */
export function ajvFormatsPath(realPath: string): string {
  return require.resolve('ajv-formats/dist/formats.js', { paths: [path.dirname(realPath)] });
}

const MAX_INT32 = 2 ** 31 - 1;
const MIN_INT32 = -(2 ** 31);

/**
 * The stand-in's own format checkers: the same checks @kubernetes-models/validate 4.x serves for
 * these names (int32, int64 and double are ajv-formats' number checks; byte and quantity its own
 * expressions). `date-time` hands over to ajv-formats' RFC 3339 checker, loaded (through
 * `ajvFormats`) the first time a date-time value is checked: manifests rarely carry one.
 */
export function lightFormats(ajvFormats: () => Record<string, any>): Record<string, unknown> {
  let dateTime: { validate: (value: string) => boolean } | undefined;
  return {
    int32: { type: 'number', validate: (value: number) => Number.isInteger(value) && value <= MAX_INT32 && value >= MIN_INT32 },
    int64: { type: 'number', validate: (value: number) => Number.isInteger(value) },
    double: { type: 'number', validate: () => true },
    'date-time': { validate: (value: string) => (dateTime ??= ajvFormats()['date-time']).validate(value) },
    byte: { type: 'string', validate: (value: string) => rBase64.test(value) },
    quantity: { type: 'string', validate: rQuantity },
  };
}

let realPathCache: string | undefined;

/** Path of the real @kubernetes-models/validate, as kubernetes-models resolves it (throws when not found). */
function realPath(): string {
  realPathCache ??= require.resolve('@kubernetes-models/validate', { paths: [path.dirname(require.resolve('kubernetes-models/package.json'))] });
  return realPathCache;
}

let shim: Record<string, unknown> | undefined;

/**
 * The stand-in's exports. Nothing is resolved or loaded until needed: the real module (for a
 * format outside the light set, or to throw a failed validation's error) and ajv-formats (for
 * date-time values).
 */
function standIn(): Record<string, unknown> {
  if (shim) return shim;
  let real: any;
  const loadReal = (): any => {
    if (real) return real;
    const file = realPath();
    const cached = require.cache[file];
    const isStandIn = cached?.exports === exports;
    if (isStandIn) delete require.cache[file];
    try {
      real = require(file);
    } finally {
      if (isStandIn) require.cache[file] = cached;
    }
    return real;
  };
  const light = lightFormats(() => require(ajvFormatsPath(realPath())).fullFormats);
  const formats = new Proxy(light, {
    get: (t, k) => (typeof k === 'string' && Object.prototype.hasOwnProperty.call(t, k) ? t[k] : loadReal().formats[k]),
    has: (t, k) => k in t || k in loadReal().formats,
    ownKeys: () => Reflect.ownKeys(loadReal().formats),
    getOwnPropertyDescriptor: (t, k) => {
      const d = Object.getOwnPropertyDescriptor(loadReal().formats, k);
      return d && typeof k === 'string' && k in t ? { ...d, value: t[k] } : d;
    },
  });
  const exports: Record<string, unknown> = {
    formats,
    runValidateFunc(fn: (data: unknown) => boolean & { errors?: unknown }, data: unknown): void {
      if (!fn(data) && (fn as { errors?: unknown }).errors) loadReal().runValidateFunc(fn, data);
    },
  };
  Object.defineProperty(exports, '__esModule', { value: true });
  shim = exports;
  return shim;
}

/**
 * The stand-in's exports (`formats`, `runValidateFunc`), for loaders that hand modules their
 * `@kubernetes-models/validate` themselves (`models-loader.ts`).
 */
export function lightValidateModule(): Record<string, unknown> {
  return standIn();
}

/**
 * Runs `load` (which requires kubernetes-models modules) with the stand-in in the module cache,
 * unless the real `@kubernetes-models/validate` is loaded already (or cannot be found).
 */
export function withLightModelsRuntime<T>(load: () => T): T {
  let file: string;
  try {
    file = realPath();
  } catch {
    return load(); // another layout: load the real module as usual
  }
  if (require.cache[file]) return load();
  const Module = require('module') as { new (id: string): NodeJS.Module };
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = standIn();
  require.cache[file] = m;
  try {
    return load();
  } finally {
    if (require.cache[file] === m) delete require.cache[file];
  }
}
