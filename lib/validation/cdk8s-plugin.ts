import * as fs from 'fs';
import * as path from 'path';
import { parseYamlDocuments } from '../common/yaml';
import { CrdRegistry } from './crd-registry';
import { objectLabel } from './findings';
import { validateManifests } from './validate-manifests';

/** Properties of the cdk8s validation plugin (the `properties:` block in `cdk8s.yaml`). */
export interface TracingValidationProps {
  /**
   * Folders of CRD YAML files to validate custom resources against, relative to the working
   * directory. Folders that do not exist are reported and skipped. CRDs present in the
   * synthesized manifests are always used.
   * @default - the folders listed in the env var OTEL_K8S_CRD_DIRS (path-delimiter separated), else none
   */
  readonly crdDirs?: string[];
  /**
   * Rule ids reported as warnings instead of errors.
   * @default - none
   */
  readonly downgrade?: string[];
  /**
   * Fail on warnings too.
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
 *   - package: ./build/lib/validation/cdk8s-plugin.js
 *     class: TracingManifestValidation
 *     version: 0.1.0
 *     properties: { crdDirs: [../shared/reference/opentelemetry-operator/crds] }
 * ```
 */
export class TracingManifestValidation {
  constructor(private readonly props: TracingValidationProps = {}) {}

  public async validate(context: PluginContext): Promise<void> {
    const dirs = this.props.crdDirs ?? (process.env.OTEL_K8S_CRD_DIRS ?? '').split(path.delimiter).filter(Boolean);
    const crds = new CrdRegistry();
    for (const d of dirs) {
      if (fs.existsSync(d)) crds.loadDir(d);
      else context.logger.log(`tracing validation: CRD folder ${d} not found; custom resources not covered by the synthesized CRDs will only get a warning`);
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
    const result = validateManifests(objects, { crds, downgrade: this.props.downgrade });
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
