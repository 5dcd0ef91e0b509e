import path = require('path');
import type * as YamlPackage from 'yaml';

/**
 * The one door to the `yaml` package (serializing config files and manifests, parsing CRDs and
 * manifests). Every cdk8s app already has a copy of `yaml` loaded: cdk8s bundles its own
 * (`cdk8s/node_modules/yaml`) and npm cannot dedupe bundled dependencies, so a plain
 * `import 'yaml'` loads a second copy of the same package (~10 ms of a cold synth). When cdk8s's
 * copy has the same major version as this package's own `yaml` and is not older (a stable
 * release), that copy is used; otherwise, or if it cannot be found, this package's own is.
 */
let loaded: typeof YamlPackage | undefined;

/** The `yaml` module (cdk8s's bundled copy when it is as recent as this package's own, else this package's). */
export function yamlPackage(): typeof YamlPackage {
  loaded ??= load();
  return loaded;
}

function load(): typeof YamlPackage {
  try {
    const cdk8sDir = path.dirname(require.resolve('cdk8s/package.json'));
    const main = require.resolve('yaml', { paths: [cdk8sDir] });
    const bundled = bundledVersion(main);
    const own: string = require('yaml/package.json').version;
    if (bundled !== undefined && sameMajorAndNotOlder(bundled, own)) return require(main);
  } catch {
    // cdk8s or a version not found: fall through to our own dependency
  }
  return require('yaml');
}

/**
 * True when `candidate` has `floor`'s major version and is not older: output (config files,
 * and the checksums taken from them) never comes from an older yaml than this package's own.
 */
export function sameMajorAndNotOlder(candidate: string, floor: string): boolean {
  const parse = (v: string) => /^(\d+)\.(\d+)\.(\d+)$/.exec(v)?.slice(1).map(Number);
  const c = parse(candidate);
  const f = parse(floor);
  if (!c || !f || c[0] !== f[0]) return false;
  return c[1] > f[1] || (c[1] === f[1] && c[2] >= f[2]);
}

/** `version` of the package that `main` (a file inside it) belongs to. */
function bundledVersion(main: string): string | undefined {
  let dir = path.dirname(main);
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = require(path.join(dir, 'package.json'));
      if (pkg?.name === 'yaml') return String(pkg.version);
    } catch {
      // no package.json at this level
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Options accepted by {@link toYaml}. */
export interface ToYamlOptions {
  /**
   * Fold long lines at this width; `0` never folds.
   * @default 80 (the `yaml` package's default)
   */
  readonly lineWidth?: number;
}

/**
 * Serializes one document (no `---`). Strings that a YAML 1.1 reader would take for something else
 * are quoted (`"2006-01-02"`, `"on"`, `"12:30"`): the readers of this output are Go programs (the
 * collector, Jaeger and Tempo use go-yaml, which still resolves 1.1 timestamps, so an unquoted
 * `date_layout: 2006-01-02` reaches Jaeger as a time and is refused; kubectl's YAML 1.1 reader turns
 * `on` into `true`). Quoting changes no value for a YAML 1.2 reader. No anchors or aliases are written.
 */
export function toYaml(value: unknown, options: ToYamlOptions = {}): string {
  return toYamlDocuments([value], options);
}

/**
 * Serializes several documents (each as `toYaml` describes), joined by `---` lines, with one `yaml`
 * Document (and its schema) reused for all of them instead of one per value (a few percent of writing
 * a large app).
 */
export function toYamlDocuments(values: readonly unknown[], options: ToYamlOptions = {}): string {
  if (values.length === 0) return '';
  const Y = yamlPackage();
  const doc = new Y.Document(null, { version: '1.1' });
  const toString = options.lineWidth === undefined ? {} : { lineWidth: options.lineWidth };
  return values
    .map((v) => {
      // a manifest never carries anchors/aliases (an object used twice is written twice), and the
      // duplicate tracking is a third of the serialization time of a large app
      doc.contents = doc.createNode(v, { aliasDuplicateObjects: false });
      return doc.toString(toString);
    })
    .join('---\n');
}

/** Parses one YAML document into plain data. */
export function parseYaml(text: string): any {
  return yamlPackage().parse(text);
}

/** Parses a multi-document YAML text into its documents (each `toJS()`-able, with `errors`). */
export function parseYamlDocuments(text: string): ReturnType<typeof YamlPackage.parseAllDocuments> {
  return yamlPackage().parseAllDocuments(text);
}
