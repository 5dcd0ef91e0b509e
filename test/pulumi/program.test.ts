import * as pulumi from '@pulumi/pulumi';
import { Testing } from 'cdk8s';

const created: { type: string; name: string; inputs: any }[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      created.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'otel-tracing',
  'dev',
  false,
);

describe('the Pulumi program (Pulumi.yaml -> examples/pulumi) under mocks', () => {
  test('registers every object the cdk8s app synthesizes, one for one, layered', async () => {
    const program = require('../../examples/pulumi');
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const synthesized = program.app.charts.flatMap((c: any) => Testing.synth(c));
    expect(program.objectCount).toBe(synthesized.length);
    const k8sResources = created.filter((c) => c.type.startsWith('kubernetes:'));
    expect(k8sResources).toHaveLength(synthesized.length);
    for (const obj of synthesized) {
      const match = k8sResources.filter((r) => r.inputs.kind === obj.kind && r.inputs.metadata?.name === obj.metadata.name);
      expect(match).toHaveLength(1);
      expect(match[0].inputs).toEqual(obj);
    }
    // namespace first, then the collectors' RBAC, then the CRs, then the workloads
    expect(program.layers).toEqual([0, 2, 3, 4]);
    expect(created.find((c) => c.type === 'otel-tracing:k8s:TracingResources')?.name).toBe('tracing');
  });
});
