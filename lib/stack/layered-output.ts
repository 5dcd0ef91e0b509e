import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { toYaml } from '../common/yaml';
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
  if (errors.length) throw new Error(`validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/** Every object of an app or chart, in chart order and dependency order within each chart. */
export function synthObjects(root: App | Chart): any[] {
  const charts = root instanceof App ? root.charts : [root];
  return charts.flatMap((c) => c.toJson());
}

/**
 * Synthesizes an app (or chart) into one file per apply layer — `00-crds.k8s.yaml`,
 * `01-cert-manager.k8s.yaml`, `02-operator-rbac.k8s.yaml` (the operator, ServiceAccounts, RBAC), `03-custom-resources.k8s.yaml`,
 * `04-workloads.k8s.yaml` — so GitOps tools and humans apply them in order. Runs the construct
 * validations and the manifest validation first and writes nothing when either fails.
 */
export function synthLayered(root: App | Chart, props: LayeredOutputProps): LayeredOutput {
  runConstructValidations(root);
  const objects = synthObjects(root);
  let validation: ValidationResult | undefined;
  if (props.validation !== false) {
    validation = validateManifests(objects, props.validation ?? {});
    if (!validation.ok) throw new Error(`synthesized manifests are not valid:\n${validation.toString()}`);
    const warn = props.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
    for (const w of validation.warnings) warn(`warning: ${w.rule} in ${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name ?? ''} at ${w.path}: ${w.message}`);
  }
  const layers = new Map<ApplyLayer, any[]>();
  for (const o of objects) {
    const layer = applyLayerOf(o);
    if (props.argoCdSyncWaves && !o.metadata?.annotations?.[ARGOCD_SYNC_WAVE]) {
      o.metadata = { ...o.metadata, annotations: { ...o.metadata?.annotations, [ARGOCD_SYNC_WAVE]: String(layer) } };
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
    fs.writeFileSync(file, docs.map((d) => toYaml(d, { lineWidth: 0 })).join('---\n'));
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
