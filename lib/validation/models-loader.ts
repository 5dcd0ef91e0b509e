/**
 * A lazy loader for the compiled validators of kubernetes-models 4.x.
 *
 * Each definition of the Kubernetes OpenAPI schema is one generated CommonJS module in
 * `kubernetes-models/_schemas` (or `@kubernetes-models/apimachinery/_schemas`), and each module
 * requires every definition it refers to at load time: the StatefulSet validator alone pulls in
 * 127 modules (480 kB), ~20 ms of a cold process, although a typical StatefulSet reaches a third of
 * them (no status, no ephemeral containers, no volume types it does not use).
 *
 * The generated modules need only three kinds of `require`: a sibling definition (`./X.js`), an
 * apimachinery definition (`@kubernetes-models/apimachinery/_schemas/X`) and
 * `@kubernetes-models/validate` (for format checkers, read at load time). This loader compiles
 * them itself, resolves those names by joining paths (no module resolution), hands them the light
 * stand-in of `@kubernetes-models/validate` (see `models-runtime.ts`), and gives each module a
 * lazy handle for the definitions it refers to: a definition's module loads the first time data
 * reaches it, like the CRD schema interpreter only costs the parts of a schema the data reaches.
 *
 * Compiled code is cached on disk (V8 code cache, see `saveCompiledValidators`). The validators
 * themselves run unchanged. Another kubernetes-models layout makes `kindValidator` return
 * `undefined` (the caller then loads the kind the usual way); another `require` in a module goes
 * to Node's require; a definition module the loader cannot load is required the usual way when
 * data reaches it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { cachedDataVersionTag } from 'v8';
import * as vm from 'vm';
import { cacheDir, cacheKey, readCache, writeCache } from './disk-cache';
import { lightValidateModule, withLightModelsRuntime } from './models-runtime';

/** A compiled ajv validator: returns true when valid, else leaves its errors on `errors`. */
export type CompiledValidator = ((data: unknown) => boolean) & { errors?: unknown[] | null };

interface Layout {
  readonly modelsDir: string;
  readonly schemasDir: string;
  readonly apimachinerySchemasDir: string;
  readonly validateModule: Record<string, unknown>;
}

const APIMACHINERY_PREFIX = '@kubernetes-models/apimachinery/_schemas/';
const ROOT_SCHEMA = /require\("(?:\.\.\/)+_schemas\/(IoK8s[A-Za-z0-9]+)\.js"\)/;

let layout: Layout | null | undefined;
const modules = new Map<string, Record<string, unknown>>();
const roots = new Map<string, CompiledValidator | null>();

function findLayout(): Layout | null {
  if (layout !== undefined) return layout;
  try {
    const modelsDir = path.dirname(require.resolve('kubernetes-models/package.json'));
    const objectMeta = require.resolve(`${APIMACHINERY_PREFIX}IoK8sApimachineryPkgApisMetaV1ObjectMeta`, {
      paths: [modelsDir],
    });
    const validateModule = lightValidateModule();
    layout =
      validateModule && fs.existsSync(path.join(modelsDir, '_schemas'))
        ? {
            modelsDir,
            schemasDir: path.join(modelsDir, '_schemas'),
            apimachinerySchemasDir: path.dirname(objectMeta),
            validateModule,
          }
        : null;
  } catch {
    layout = null;
  }
  return layout;
}

/** The exports of one generated schema module, compiled and run on first call. */
function loadSchemaModule(file: string, l: Layout): Record<string, unknown> {
  const cached = modules.get(file);
  if (cached) return cached;
  const source = fs.readFileSync(file, 'utf8');
  const module = { exports: {} as Record<string, unknown> };
  modules.set(file, module.exports); // before running it: definitions may refer to each other
  const dir = path.dirname(file);
  const req = (id: string): unknown => {
    if (id === '@kubernetes-models/validate') return l.validateModule;
    if (id.startsWith('./')) return lazyDefinition(path.join(dir, id.endsWith('.js') ? id : `${id}.js`), l);
    if (id.startsWith(APIMACHINERY_PREFIX)) {
      return lazyDefinition(
        path.join(l.apimachinerySchemasDir, `${id.slice(APIMACHINERY_PREFIX.length)}.js`),
        l,
      );
    }
    // anything else (a newer kubernetes-models): Node's own require, from the module's location
    return createRequire(file)(id);
  };
  const fn = compile(file, source);
  try {
    fn.call(module.exports, module.exports, req, module, file, dir);
  } catch (e) {
    modules.delete(file);
    throw e;
  }
  if (module.exports !== modules.get(file)) modules.set(file, module.exports);
  return module.exports;
}

/** Bump when the cached form changes. */
const CODE_CACHE_FORMAT = 'km-v8-v1';
/** Scripts compiled without a usable code cache in this process, to save after validation. */
const unsaved: { script: vm.Script; name: string }[] = [];
let fromCodeCache = 0;

/**
 * Compiles a generated module as a CommonJS function, with a V8 code cache from the disk cache
 * when there is one (see `disk-cache.ts`; keyed by the module's content and V8's cached-data tag,
 * which covers the V8 version, its flags and the CPU features: processes started with other
 * flags keep their own caches instead of rejecting and overwriting each other's).
 */
function compile(file: string, source: string): (...args: unknown[]) => void {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const name = cacheDir()
    ? cacheKey([CODE_CACHE_FORMAT, String(cachedDataVersionTag()), process.arch, file, source], '.v8')
    : undefined;
  const cachedData = name ? readCache(name) : undefined;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  if (name && (!cachedData || script.cachedDataRejected)) unsaved.push({ script, name });
  else if (cachedData) fromCodeCache++;
  return script.runInThisContext();
}

/**
 * Writes the V8 code caches of the validators this process compiled without one. Called after a
 * validation, so the caches also hold the functions that validation compiled (V8 compiles a
 * function the first time it runs): a later process skips compiling what this one needed.
 */
export function saveCompiledValidators(): void {
  for (const { script, name } of unsaved.splice(0)) writeCache(name, script.createCachedData());
}

/**
 * What a generated module gets for `require("./X.js")`: an object whose `validate` loads X on
 * first read. Generated code reads `_X.validate` when it validates (and `_X.validate.errors`
 * right after), so X loads only when data reaches it.
 */
function lazyDefinition(file: string, l: Layout): Record<string, unknown> {
  let target: Record<string, unknown> | undefined;
  const load = () => (target ??= loadSchemaModuleOrRequire(file, l));
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, k) => load()[k as string],
    has: (_t, k) => k in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_t, k) => {
      const d = Object.getOwnPropertyDescriptor(load(), k);
      return d && { ...d, configurable: true };
    },
  });
}

/**
 * A definition's module through this loader, or, if the loader cannot load it (a file it does not
 * expect), through Node's require with the stand-in runtime: a failure deep in the schema graph
 * during a validation falls back like a failure at the root does.
 */
function loadSchemaModuleOrRequire(file: string, l: Layout): Record<string, unknown> {
  try {
    return loadSchemaModule(file, l);
  } catch {
    return withLightModelsRuntime(() => require(file));
  }
}

/** `v1`, `apps/v1`, `rbac.authorization.k8s.io/v1beta1`: a DNS subdomain group (optional) and a version. */
const API_VERSION = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** True for an apiVersion and kind that can name a kubernetes-models module (no path tricks). */
export function isModelName(apiVersion: string, kind: string): boolean {
  return API_VERSION.test(apiVersion) && KIND.test(kind);
}

/**
 * The compiled validator of a built-in kind (`apps/v1`, `StatefulSet`), loaded lazily; `null`
 * when kubernetes-models has no such kind, `undefined` when this loader cannot serve it (the
 * caller then loads the kind through kubernetes-models' own modules).
 */
export function kindValidator(apiVersion: string, kind: string): CompiledValidator | null | undefined {
  const key = `${apiVersion}/${kind}`;
  if (roots.has(key)) return roots.get(key);
  const l = findLayout();
  if (!isModelName(apiVersion, kind)) return null;
  if (!l) return undefined;
  let model: string;
  try {
    model = fs.readFileSync(path.join(l.modelsDir, apiVersion, `${kind}.js`), 'utf8');
  } catch {
    roots.set(key, null);
    return null;
  }
  const m = ROOT_SCHEMA.exec(model);
  if (!m) return undefined;
  try {
    const fn = loadSchemaModule(path.join(l.schemasDir, `${m[1]}.js`), l).validate;
    if (typeof fn !== 'function') return undefined;
    roots.set(key, fn as CompiledValidator);
    return fn as CompiledValidator;
  } catch {
    return undefined;
  }
}

/** What the loader did in this process (for tests and benchmarks). */
export interface ModelsLoaderStats {
  /** Schema modules compiled and run. */
  readonly modules: number;
  /** Of those, compiled with a V8 code cache from disk that V8 accepted. */
  readonly fromCodeCache: number;
}

/** What the loader did in this process. */
export function modelsLoaderStats(): ModelsLoaderStats {
  return { modules: modules.size, fromCodeCache };
}
