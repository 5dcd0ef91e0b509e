import fs = require('fs');
import { objectLabel } from '../common/findings';
import { parseYamlDocuments } from '../common/yaml';
import '../collector/collector-rules';
import { validateManifests } from '../validation/validate-manifests';

/** Properties of the cdk8s validation plugin (the `properties:` block in `cdk8s.yaml`). */
export interface TracingValidationProps {
  /**
   * Extra CRD files or folders for custom resources of other operators, relative to the working
   * directory (the pinned operator, cert-manager and prometheus-operator CRDs are shipped; CRDs in the
   * synthesized manifests are always used). The env var OTEL_K8S_CRD_PATHS adds more.
   * @default - none
   */
  readonly crdPaths?: string[];
  /**
   * Kubernetes minor of the target cluster (`1.33` ... `1.36`); also the env var OTEL_K8S_KUBERNETES_VERSION.
   * @default - the newest shipped minor
   */
  readonly kubernetesVersion?: string;
  /**
   * Rule ids reported as warnings instead of errors.
   * @default - none
   */
  readonly downgrade?: string[];
  /**
   * Fail on warnings too (a custom resource whose CRD is unknown becomes an error).
   * @default false
   */
  readonly strict?: boolean;
}

/** The subset of the cdk8s-cli plugin context this plugin uses (no runtime import of the CLI). */
interface PluginContext {
  readonly manifests: readonly string[];
  readonly logger: { log(message: string): void };
  readonly report: {
    addViolation(v: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
}

/**
 * cdk8s validation plugin: `cdk8s synth` runs it over every synthesized manifest and fails with
 * a readable report when an object would be rejected (or silently pruned) by the cluster.
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/@otel-tracing/k8s-constructs
 *     class: TracingManifestValidation
 *     version: 0.1.0
 *     properties: { kubernetesVersion: '1.34', crdPaths: [crds/] }
 * ```
 */
export class TracingManifestValidation {
  constructor(private readonly props: TracingValidationProps = {}) {}

  /** Called by cdk8s-cli after synthesis: validates every manifest and reports the findings. */
  public async validate(context: PluginContext): Promise<void> {
    const known = ['crdPaths', 'kubernetesVersion', 'downgrade', 'strict'];
    for (const k of Object.keys(this.props ?? {})) {
      if (!known.includes(k)) throw new Error(`tracing validation plugin: unknown property "${k}" in cdk8s.yaml; use ${known.join(', ')}`);
    }
    const objects: any[] = [];
    const fileOf = new Map<object, string>();
    for (const file of context.manifests) {
      for (const doc of parseYamlDocuments(fs.readFileSync(file, 'utf8'))) {
        const obj = doc.toJS();
        if (!obj) continue;
        objects.push(obj);
        fileOf.set(obj, file);
      }
    }
    const started = Date.now();
    const result = validateManifests(objects, {
      crdPaths: this.props.crdPaths,
      kubernetesVersion: this.props.kubernetesVersion,
      downgrade: this.props.downgrade,
      strict: this.props.strict,
    });
    for (const w of result.warnings) context.logger.log(`tracing validation: warning: ${w.rule} in ${objectLabel(w)} at ${w.path}: ${w.message}`);
    const objIndex = new Map<string, object>();
    for (const o of objects) objIndex.set(`${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name ?? ''}`, o);
    for (const f of result.findings) {
      if (f.severity === 'info') continue;
      const obj = objIndex.get(`${f.kind}|${f.namespace ?? ''}|${f.name ?? ''}`);
      context.report.addViolation({
        ruleName: `${f.severity}: ${f.rule} in ${objectLabel(f)}`,
        recommendation: f.message,
        fix: `edit the construct that emits ${f.kind} "${f.name}" at ${f.path}`,
        violatingResources: [
          { resourceName: f.name ?? '', locations: [f.path], manifestPath: (obj && fileOf.get(obj)) ?? '' },
        ],
      });
    }
    const failed = !result.ok || (this.props.strict === true && result.warnings.length > 0);
    context.report.submit(failed ? 'failure' : 'success', {
      objects: String(objects.length),
      errors: String(result.errors.length),
      warnings: String(result.warnings.length),
      'duration-ms': String(Date.now() - started),
    });
  }
}
