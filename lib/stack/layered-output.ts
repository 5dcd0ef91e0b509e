import { fail, isPlainObject, optBoolean, optString, propsObject, reqString } from '../common/guards';
import fs = require('fs');
import path = require('path');
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';
import { inValidationPass } from '../common/validation-pass';
import { toYamlDocuments } from '../common/yaml';
import { APPLY_LAYER_NAMES, ApplyLayer, applyLayerOf, ARGOCD_SYNC_WAVE_ANNOTATION } from '../common/layers';
import { validateManifests, ValidateOptions, ValidationResult } from '../validation';

/** The Argo CD annotation that orders sync waves. */
export const ARGOCD_SYNC_WAVE = ARGOCD_SYNC_WAVE_ANNOTATION;

/** Props of `synthLayered`. */
export interface LayeredOutputProps {
  /** Folder to write to (created if missing; existing `*.k8s.yaml` files in it are removed first). */
  readonly outdir: string;
  /**
   * Annotate every object with `argocd.argoproj.io/sync-wave` = its layer number (0 CRDs … 4 workloads),
   * unless it already carries one.
   * @default false
   */
  readonly argoCdSyncWaves?: boolean;
  /**
   * A Mermaid pipeline picture to write beside the manifests as `pipeline.mmd`.
   * @default - none
   */
  readonly diagram?: string;
  /**
   * Validation of the objects before anything is written (`kubernetesVersion`, `crdPaths`, `strict`, ...);
   * `false` turns it off.
   * @default - validate for the newest shipped Kubernetes minor with the shipped CRDs and those in the output
   */
  readonly validation?: ValidateOptions | false;
  /**
   * Where validation warnings (e.g. a custom resource whose CRD is unknown) are reported.
   * @default - printed on stderr
   */
  readonly onWarning?: (message: string) => void;
}

/** What `synthLayered` wrote. */
export interface LayeredOutput {
  /** Files written, in apply order. */
  readonly files: readonly string[];
  /** Objects per layer name. */
  readonly objectsPerLayer: Readonly<Record<string, number>>;
  /** The validation result, when validation ran. */
  readonly validation?: ValidationResult;
}

/** Runs the construct tree's `node.addValidation` checks; throws with all messages. */
export function runConstructValidations(root: IConstruct): void {
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    for (const msg of c.node.validate()) errors.push(`[${c.node.path}] ${msg}`);
  }
  if (errors.length)
    throw new Error(`validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/** Every object of an app or chart, in chart order and dependency order within each chart. */
export function synthObjects(root: App | Chart): any[] {
  checkRoot('synthObjects', root);
  // one validation pass: cdk8s validates the whole app again for each chart
  return inValidationPass(() => {
    if (!(root instanceof App)) return root.toJson();
    // Every `Chart.toJson()` of cdk8s first resolves the dependencies of the whole app and runs
    // every construct's validations; nothing changes the tree between two charts, so after the
    // first chart the others are taken the way cdk8s takes a chart's objects (`chartToKube`: the
    // chart's dependency order, each object in its closest chart), without repeating the app-wide
    // work (a quarter of synthesizing 10,000 workloads in four charts). A chart class with its own
    // `toJson` is always asked for its objects (and may not resolve anything).
    let resolved = false;
    return root.charts.flatMap((c) => {
      if (c.toJson !== Chart.prototype.toJson) return c.toJson();
      if (resolved) return chartObjects(c);
      resolved = true;
      return c.toJson();
    });
  });
}

/** A chart's objects as cdk8s's `Chart.toJson()` gives them once the app's dependencies are resolved. */
function chartObjects(chart: Chart): any[] {
  return new DependencyGraph(chart.node)
    .topology()
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
    .map((x) => x.toJson());
}

function checkRoot(where: string, root: unknown): void {
  if (!(root instanceof App) && !(root instanceof Chart)) {
    fail(where, 'root', root, 'is neither a cdk8s App nor a Chart', 'pass the app (new App()) or a chart');
  }
}

/**
 * Synthesizes an app (or chart) into one file per apply layer — `00-crds.k8s.yaml`,
 * `01-cert-manager.k8s.yaml`, `02-operator-rbac.k8s.yaml` (the operator, ServiceAccounts, RBAC), `03-custom-resources.k8s.yaml`,
 * `04-workloads.k8s.yaml` — so GitOps tools and humans apply them in order. Runs the construct
 * validations and the manifest validation first and writes nothing when either fails.
 */
export function synthLayered(root: App | Chart, props: LayeredOutputProps): LayeredOutput {
  const where = 'synthLayered';
  checkRoot(where, root);
  props = propsObject<LayeredOutputProps>(
    where,
    props,
    ['outdir', 'argoCdSyncWaves', 'diagram', 'validation', 'onWarning'],
    false,
  );
  const outdir = reqString(where, 'outdir', props.outdir, 'pass the output folder, e.g. "dist"');
  if (outdir.trim() === '') fail(where, 'outdir', outdir, 'is empty', 'pass the output folder, e.g. "dist"');
  optBoolean(where, 'argoCdSyncWaves', props.argoCdSyncWaves);
  optString(where, 'diagram', props.diagram, 'pass the Mermaid text, e.g. stack.pipelineDiagram()');
  if (props.validation !== undefined && props.validation !== false && !isPlainObject(props.validation)) {
    fail(
      where,
      'validation',
      props.validation,
      'is neither false nor an object',
      'pass validation options ({ kubernetesVersion, crdPaths, strict }), false to skip, or omit it',
    );
  }
  if (props.onWarning !== undefined && typeof props.onWarning !== 'function') {
    fail(
      where,
      'onWarning',
      props.onWarning,
      'is not a function',
      'pass (message) => void, or omit it to print warnings to stderr',
    );
  }
  // one validation pass: the validations cdk8s runs again while synthesizing, and the manifest
  // rules on the configs the constructs built, reuse what the construct validations computed
  let validation: ValidationResult | undefined;
  const objects = inValidationPass(() => {
    runConstructValidations(root);
    const synthesized = synthObjects(root);
    if (props.validation !== false) validation = validateManifests(synthesized, props.validation ?? {});
    return synthesized;
  });
  if (validation) {
    if (!validation.ok) throw new Error(`synthesized manifests are not valid:\n${validation.toString()}`);
    const warn = props.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
    for (const w of validation.warnings)
      warn(
        `warning: ${w.rule} in ${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name ?? ''} at ${w.path}: ${w.message}`,
      );
  }
  const layers = new Map<ApplyLayer, any[]>();
  for (const o of objects) {
    const layer = applyLayerOf(o);
    if (props.argoCdSyncWaves && !o.metadata?.annotations?.[ARGOCD_SYNC_WAVE]) {
      o.metadata = {
        ...o.metadata,
        annotations: { ...o.metadata?.annotations, [ARGOCD_SYNC_WAVE]: String(layer) },
      };
    }
    const list = layers.get(layer);
    if (list) list.push(o);
    else layers.set(layer, [o]);
  }
  fs.mkdirSync(props.outdir, { recursive: true });
  for (const f of fs.readdirSync(props.outdir)) {
    if (f.endsWith('.k8s.yaml')) fs.rmSync(path.join(props.outdir, f));
  }
  const files: string[] = [];
  const objectsPerLayer: Record<string, number> = {};
  for (const layer of [...layers.keys()].sort((a, b) => a - b)) {
    const name = APPLY_LAYER_NAMES[layer];
    const file = path.join(props.outdir, `${String(layer).padStart(2, '0')}-${name}.k8s.yaml`);
    const docs = layers.get(layer)!;
    fs.writeFileSync(file, toYamlDocuments(docs, { lineWidth: 0 }));
    files.push(file);
    objectsPerLayer[name] = docs.length;
  }
  if (props.diagram) {
    const file = path.join(props.outdir, 'pipeline.mmd');
    fs.writeFileSync(file, props.diagram);
    files.push(file);
  }
  return { files, objectsPerLayer, validation };
}
