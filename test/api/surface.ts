import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The public API of the package, read the way a consumer's compiler reads it: the library's
 * declarations are emitted in memory with the published build's options (tsconfig.build.json,
 * `stripInternal`), then every entry point of the `exports` map is walked from the emitted `.d.ts`.
 *
 * - `report`: the normalized declaration text of every exported symbol (comments removed, printed by
 *   the compiler's printer, sorted by name), per entry point, plus the types the public surface
 *   names but no entry point exports. Checked in as api/otel-k8s.api.md (`npm run api:update`).
 * - `undocumented`: exported symbols, and public or protected members of exported classes,
 *   interfaces and enums, without a doc comment (TypeDoc's `notDocumented` kinds: classes,
 *   interfaces, enums and their members, functions, variables, type aliases, properties, methods,
 *   accessors; a member inherits the doc comment of the member it implements or overrides).
 */
export const ROOT = path.resolve(__dirname, '..', '..');
export const REPORT_FILE = path.join(ROOT, 'api', 'otel-k8s.api.md');
export const PACKAGE_NAME = '@otel-tracing/k8s-constructs';

/**
 * Public members without a doc comment, asserted exactly. lib/instrumentation/inject.ts is being
 * reworked (inject for every declared cdk8s-plus major); its InjectLanguage constructor parameters get
 * their doc comments there. Remove the entries when they do.
 */
export const KNOWN_UNDOCUMENTED = [
  '@otel-tracing/k8s-constructs: InjectLanguage.language',
  '@otel-tracing/k8s-constructs: InjectLanguage.containerNames',
  '@otel-tracing/k8s-constructs: InjectLanguage.extraAnnotations',
];

/** Entry points: import specifier -> source file (the `exports` map of package.json, `./package.json` aside). */
export function entryPoints(): Record<string, string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const out: Record<string, string> = {};
  for (const [sub, target] of Object.entries(
    pkg.exports as Record<string, string | Record<string, string>>,
  )) {
    if (sub === './package.json') continue;
    const types = typeof target === 'string' ? target : target.types;
    const source = types.replace(/^\.\/build\//, '').replace(/\.d\.ts$/, '.ts');
    out[sub === '.' ? PACKAGE_NAME : `${PACKAGE_NAME}/${sub.slice(2)}`] = source;
  }
  return out;
}

/** What `publicSurface` found. */
export interface Surface {
  /** The report text (api/otel-k8s.api.md). */
  readonly report: string;
  /** `entry: Name` or `entry: Name.member` for every public symbol without a doc comment. */
  readonly undocumented: string[];
  /** Emit or type errors of the emitted declarations (should be none). */
  readonly diagnostics: string[];
}

function formatDiagnostic(d: ts.Diagnostic): string {
  const where = d.file
    ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} `
    : '';
  return `${where}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
}

/** Emits the library's declarations in memory (published options); file name -> text. */
function emitDeclarations(diagnostics: string[]): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(formatDiagnostic(d));
      },
    },
  )!;
  const options: ts.CompilerOptions = {
    ...config.options,
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
  };
  const program = ts.createProgram({ rootNames: config.fileNames, options });
  const emitted = new Map<string, string>();
  const result = program.emit(undefined, (file, text) => emitted.set(path.resolve(file), text));
  diagnostics.push(
    ...[...config.errors, ...ts.getPreEmitDiagnostics(program), ...result.diagnostics].map(formatDiagnostic),
  );
  return emitted;
}

const PRINTER = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The statement that declares `decl` (a variable's statement, else the declaration itself). */
function statementOf(decl: ts.Declaration): ts.Node {
  if (ts.isVariableDeclaration(decl)) return decl.parent.parent;
  return decl;
}

function hasDoc(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim().length > 0;
}

function isPrivate(decl: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(decl);
  return (
    (flags & ts.ModifierFlags.Private) !== 0 ||
    (ts.isClassElement(decl) && decl.name !== undefined && ts.isPrivateIdentifier(decl.name))
  );
}

/** Members that must carry a doc comment. */
function documentableMembers(symbol: ts.Symbol): ts.Symbol[] {
  const members: ts.Symbol[] = [];
  const add = (table: ts.SymbolTable | undefined) =>
    table?.forEach((m) => {
      const decl = m.declarations?.[0];
      if (!decl || isPrivate(decl)) return;
      if (
        m.flags &
        (ts.SymbolFlags.Property |
          ts.SymbolFlags.Method |
          ts.SymbolFlags.Accessor |
          ts.SymbolFlags.EnumMember)
      )
        members.push(m);
    });
  if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum)) {
    add(symbol.members);
    add(symbol.exports);
  }
  return members.filter((m) => m.name !== 'prototype');
}

/** Computes the report and the undocumented symbols. */
export function publicSurface(): Surface {
  const diagnostics: string[] = [];
  const emitted = emitDeclarations(diagnostics);
  const entries = entryPoints();
  const entryFiles = Object.fromEntries(
    Object.entries(entries).map(([spec, src]) => [
      spec,
      path.join(ROOT, 'build', src.replace(/\.ts$/, '.d.ts')),
    ]),
  );
  const host = ts.createCompilerHost({});
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => emitted.get(path.resolve(f)) ?? readFile(f);
  host.fileExists = (f) => emitted.has(path.resolve(f)) || fileExists(f);
  const dtsOptions: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    types: ['node'],
  };
  const program = ts.createProgram({ rootNames: Object.values(entryFiles), options: dtsOptions, host });
  const ours = (sf: ts.SourceFile) => emitted.has(path.resolve(sf.fileName));
  diagnostics.push(
    ...ts
      .getPreEmitDiagnostics(program)
      .filter((d) => !d.file || ours(d.file))
      .map(formatDiagnostic),
  );
  const checker = program.getTypeChecker();
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

  const exported = new Set<ts.Symbol>();
  const perEntry: [string, [string, ts.Symbol][]][] = [];
  for (const [spec, file] of Object.entries(entryFiles)) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`entry point ${spec}: ${path.relative(ROOT, file)} was not emitted`);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    const symbols = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
    const list = symbols
      .map((s) => [s.name, resolve(s)] as [string, ts.Symbol])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, s] of list) exported.add(s);
    perEntry.push([spec, list]);
  }

  const undocumented: string[] = [];
  const printedIn = new Map<ts.Symbol, string>();
  const referenced = new Map<ts.Symbol, Set<string>>();
  const noteReferences = (node: ts.Node, from: string) => {
    const visit = (n: ts.Node) => {
      let target: ts.Node | undefined;
      if (ts.isTypeReferenceNode(n)) target = n.typeName;
      else if (ts.isExpressionWithTypeArguments(n)) target = n.expression;
      else if (ts.isTypeQueryNode(n)) target = n.exprName;
      if (target) {
        const s = checker.getSymbolAtLocation(ts.isQualifiedName(target) ? target.right : target);
        const r = s && resolve(s);
        const decl = r?.declarations?.[0];
        if (
          r &&
          decl &&
          ours(decl.getSourceFile()) &&
          !(r.flags & ts.SymbolFlags.TypeParameter) &&
          !exported.has(r)
        ) {
          const owner = decl.parent && ts.isModuleBlock(decl.parent) ? undefined : r;
          if (owner) (referenced.get(owner) ?? referenced.set(owner, new Set()).get(owner)!).add(from);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
  };

  const sections: string[] = [];
  for (const [spec, list] of perEntry) {
    const blocks: string[] = [];
    for (const [name, symbol] of list) {
      const decls = (symbol.declarations ?? []).filter((d) => ours(d.getSourceFile()));
      if (decls.length === 0) {
        blocks.push(`// ${name}: re-exported from outside the package`);
        continue;
      }
      if (printedIn.has(symbol)) {
        blocks.push(`// ${name}: see ${printedIn.get(symbol)}`);
        continue;
      }
      printedIn.set(symbol, spec);
      if (!hasDoc(symbol, checker)) undocumented.push(`${spec}: ${name}`);
      for (const m of documentableMembers(symbol))
        if (!hasDoc(m, checker)) undocumented.push(`${spec}: ${name}.${m.name}`);
      const file = path
        .relative(path.join(ROOT, 'build'), decls[0].getSourceFile().fileName)
        .replace(/\.d\.ts$/, '.ts');
      const seen = new Set<ts.Node>();
      const text = decls
        .map(statementOf)
        .filter((n) => !seen.has(n) && seen.add(n))
        .map((n) => {
          noteReferences(n, name);
          return PRINTER.printNode(ts.EmitHint.Unspecified, n, n.getSourceFile());
        })
        .join('\n');
      const alias = symbol.name !== name && symbol.name !== 'default' ? ` (exported as ${name})` : '';
      blocks.push(`// ${file}${alias}\n${text}`);
    }
    sections.push(`## ${spec}\n\n\`\`\`ts\n${blocks.join('\n\n')}\n\`\`\``);
  }

  const forgotten = [...referenced.entries()]
    .map(([s, from]) => {
      const decl = s.declarations![0];
      const file = path
        .relative(path.join(ROOT, 'build'), decl.getSourceFile().fileName)
        .replace(/\.d\.ts$/, '.ts');
      return `- \`${s.name}\` (${file}), named by ${[...from]
        .sort()
        .map((f) => `\`${f}\``)
        .join(', ')}`;
    })
    .sort();

  const report = [
    `# API report: ${PACKAGE_NAME}`,
    '',
    'Generated by `npm run api:update` from the declarations the package publishes (tsconfig.build.json,',
    '`stripInternal`); do not edit by hand. `test/api-report.test.ts` fails when the public API differs from',
    'this file: review the diff, update the CHANGELOG, then run `npm run api:update`.',
    '',
    ...sections.flatMap((s) => [s, '']),
    '## Named by the public API but not exported',
    '',
    'Consumers can use these only through inference; export them or mark the naming member `@internal`.',
    '',
    ...(forgotten.length > 0 ? forgotten : ['(none)']),
    '',
  ].join('\n');
  return { report, undocumented, diagnostics };
}
