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
 * - `formats`: the same checkers (ajv-formats' own int32, int64, double and date-time objects; the
 *   byte and quantity expressions of @kubernetes-models/validate 4.x); any other format is read
 *   from the real module, loaded on first use;
 * - `runValidateFunc`: runs the validator; only when it fails does it hand over to the real
 *   `runValidateFunc` (which runs it again and throws the ValidationError with ajv-i18n messages).
 *
 * The stand-in leaves the module cache as soon as the kind is loaded: code that requires
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

/**
 * The stand-in's own format checkers, given ajv-formats' `fullFormats`: the same objects
 * @kubernetes-models/validate 4.x serves for these names.
 */
export function lightFormats(ajvFormats: Record<string, unknown>): Record<string, unknown> {
  return {
    int32: ajvFormats.int32,
    int64: ajvFormats.int64,
    double: ajvFormats.double,
    'date-time': ajvFormats['date-time'],
    byte: { type: 'string', validate: (value: string) => rBase64.test(value) },
    quantity: { type: 'string', validate: rQuantity },
  };
}

interface Runtime {
  readonly realPath: string;
  readonly exports: Record<string, unknown>;
}

let runtime: Runtime | null | undefined;

/** Path of the real module, as kubernetes-models resolves it, and the stand-in's exports. */
function standIn(): Runtime | null {
  if (runtime !== undefined) return runtime;
  try {
    const modelsDir = path.dirname(require.resolve('kubernetes-models/package.json'));
    const realPath = require.resolve('@kubernetes-models/validate', { paths: [modelsDir] });
    const ajvFormats = require(ajvFormatsPath(realPath)).fullFormats;
    let real: any;
    const loadReal = (): any => {
      if (real) return real;
      const cached = require.cache[realPath];
      const isStandIn = cached?.exports === shim;
      if (isStandIn) delete require.cache[realPath];
      try {
        real = require(realPath);
      } finally {
        if (isStandIn) require.cache[realPath] = cached;
      }
      return real;
    };
    const light = lightFormats(ajvFormats);
    const formats = new Proxy(light, {
      get: (t, k) => (typeof k === 'string' && Object.prototype.hasOwnProperty.call(t, k) ? t[k] : loadReal().formats[k]),
      has: (t, k) => k in t || k in loadReal().formats,
      ownKeys: () => Reflect.ownKeys(loadReal().formats),
      getOwnPropertyDescriptor: (t, k) => {
        const d = Object.getOwnPropertyDescriptor(loadReal().formats, k);
        return d && typeof k === 'string' && k in t ? { ...d, value: t[k] } : d;
      },
    });
    const shim: Record<string, unknown> = {
      formats,
      runValidateFunc(fn: (data: unknown) => boolean & { errors?: unknown }, data: unknown): void {
        if (!fn(data) && (fn as { errors?: unknown }).errors) loadReal().runValidateFunc(fn, data);
      },
    };
    Object.defineProperty(shim, '__esModule', { value: true });
    runtime = { realPath, exports: shim };
  } catch {
    runtime = null; // another layout: load the real module as usual
  }
  return runtime;
}

/**
 * The stand-in's exports (`formats`, `runValidateFunc`), for loaders that hand modules their
 * `@kubernetes-models/validate` themselves (`models-loader.ts`); `null` when the real module's
 * layout is not the expected one.
 */
export function lightValidateModule(): Record<string, unknown> | null {
  return standIn()?.exports ?? null;
}

/**
 * Runs `load` (which requires kubernetes-models modules) with the stand-in in the module cache,
 * unless the real `@kubernetes-models/validate` is loaded already.
 */
export function withLightModelsRuntime<T>(load: () => T): T {
  const rt = standIn();
  if (!rt || require.cache[rt.realPath]) return load();
  const Module = require('module') as { new (id: string): NodeJS.Module };
  const m = new Module(rt.realPath);
  m.filename = rt.realPath;
  m.loaded = true;
  m.exports = rt.exports;
  require.cache[rt.realPath] = m;
  try {
    return load();
  } finally {
    if (require.cache[rt.realPath] === m) delete require.cache[rt.realPath];
  }
}
