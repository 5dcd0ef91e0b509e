/**
 * The library's public option surface, read from its TypeScript declarations with the compiler API:
 * for each static factory of the named classes (and the props parameter of the named constructs), the
 * key paths of its plain-object parameters, in the notation of `api-record.ts`
 * (`Exporter.otlpGrpc.tls.caFile`, `Processor.k8sAttributes.labels[].from`). Class instances (Policy,
 * components, backends) are not entered: they are options of their own factories.
 */
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** What to enumerate. */
export interface SurfaceSpec {
  /** Classes whose static functions and static instances are factories. */
  readonly classes: readonly string[];
  /** Constructs whose constructor's third parameter is a props object. */
  readonly constructs: readonly string[];
}

/** The surface: factory names (`Exporter.otlpGrpc`, `TempoVersion.V3`) and option paths. */
export interface ApiSurface {
  readonly factories: Set<string>;
  readonly options: Set<string>;
}

/** Reads the surface from `lib/index.ts` (a few seconds: it type-checks the library). */
export function apiSurface(spec: SurfaceSpec): ApiSurface {
  const entry = path.join(ROOT, 'lib', 'index.ts');
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const exports = new Map<string, ts.Symbol>();
  const mod = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  for (const s of checker.getExportsOfModule(mod)) {
    exports.set(s.name, s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  }
  const factories = new Set<string>();
  const options = new Set<string>();

  const isClassInstance = (t: ts.Type): boolean => {
    const s = t.getSymbol() ?? t.aliasSymbol;
    if (!s) return false;
    if (s.flags & ts.SymbolFlags.Class) return true;
    // interfaces that describe constructs or objects built by factories (ITraceBackend, IOtlpDestination)
    return /^I[A-Z]/.test(s.name) && !!(s.flags & ts.SymbolFlags.Interface);
  };
  const expand = (t: ts.Type, prefix: string, depth: number, seen: Set<ts.Type>): void => {
    if (depth > 6 || seen.has(t)) return;
    if (t.isUnion() || t.isIntersection()) {
      for (const u of t.types) expand(u, prefix, depth, seen);
      return;
    }
    if (checker.isArrayType(t) || checker.isTupleType(t)) {
      const el = checker.getTypeArguments(t as ts.TypeReference)[0];
      if (el) expand(el, `${prefix}[]`, depth + 1, seen);
      return;
    }
    if (!(t.flags & ts.TypeFlags.Object) || isClassInstance(t) || t.getCallSignatures().length > 0) return;
    // Record<string, string> and friends: free-form maps, their keys are data
    if (checker.getIndexInfosOfType(t).length > 0 && t.getProperties().length === 0) return;
    const next = new Set(seen).add(t);
    for (const p of t.getProperties()) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (!decl) continue;
      if (
        ts.getCombinedModifierFlags(decl as ts.Declaration) &
        (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
      )
        continue;
      if (p.name.startsWith('_')) continue;
      const name = `${prefix}.${p.name}`;
      options.add(name);
      expand(checker.getTypeOfSymbolAtLocation(p, decl), name, depth + 1, next);
    }
  };
  const expandParams = (sig: ts.Signature, prefix: string, onlyIndex?: number): void => {
    sig.getParameters().forEach((p, i) => {
      if (onlyIndex !== undefined && i !== onlyIndex) return;
      const decl = p.valueDeclaration as ts.ParameterDeclaration;
      let t = checker.getTypeOfSymbolAtLocation(p, decl);
      if (decl.dotDotDotToken && checker.isArrayType(t))
        t = checker.getTypeArguments(t as ts.TypeReference)[0];
      expand(t, prefix, 0, new Set());
    });
  };

  for (const name of spec.classes) {
    const sym = exports.get(name);
    if (!sym) throw new Error(`api surface: ${name} is not exported from lib/index.ts`);
    const ctorType = checker.getTypeOfSymbolAtLocation(sym, sym.valueDeclaration!);
    const instanceType = checker.getDeclaredTypeOfSymbol(sym);
    for (const p of ctorType.getProperties()) {
      if (p.name === 'prototype' || p.name.startsWith('_')) continue;
      const decl = p.valueDeclaration;
      if (
        !decl ||
        ts.getCombinedModifierFlags(decl as ts.Declaration) &
          (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
      )
        continue;
      const t = checker.getTypeOfSymbolAtLocation(p, decl);
      const full = `${name}.${p.name}`;
      if (t.getCallSignatures().length > 0) {
        factories.add(full);
        for (const sig of t.getCallSignatures()) expandParams(sig, full);
      } else if (t === instanceType || checker.isTypeAssignableTo(t, instanceType)) {
        factories.add(full);
      }
    }
  }
  for (const name of spec.constructs) {
    const sym = exports.get(name);
    if (!sym) throw new Error(`api surface: ${name} is not exported from lib/index.ts`);
    const ctorType = checker.getTypeOfSymbolAtLocation(sym, sym.valueDeclaration!);
    factories.add(name);
    for (const sig of ctorType.getConstructSignatures()) expandParams(sig, name, 2);
  }
  return { factories, options };
}
