/**
 * The Pulumi program behind `Pulumi.yaml`: the reference Tempo + tail-sampling stack, deployed with
 * @pulumi/kubernetes. Config `operatorManifest` (a local release manifest path) installs the
 * operator; empty means it is already in the cluster.
 */
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { OperatorManifestSource, WebhookCertificates } from '../../lib/operator';
import { TracingResources } from '../../lib/pulumi';
import { StackOperator } from '../../lib/stack';
import { tempoTailSamplingStack } from '../../stacks';

const config = new pulumi.Config();
const manifest = config.get('operatorManifest');
const operator = manifest
  ? StackOperator.install({ source: OperatorManifestSource.fromFile(manifest), certificates: WebhookCertificates.certManager() })
  : StackOperator.external();

export const app = new App();
tempoTailSamplingStack(app, 'tracing', { operator });

const resources = new TracingResources('tracing', { source: app });
export const objectCount = resources.registered.length;
export const layers = [...new Set(resources.registered.map((r) => r.layer))];
