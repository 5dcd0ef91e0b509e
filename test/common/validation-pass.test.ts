/**
 * One synthesis computes a collector's rules once (lib/common/validation-pass.ts): cdk8s validates
 * the app again for every chart it synthesizes, and the manifest rules check the same configs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { CollectorConfig } from '../../lib/collector/config';
import { addValidationOncePerPass, inValidationPass, oncePerValidationPass } from '../../lib/common/validation-pass';
import { StackOperator, synthLayered, TracingStack } from '../../lib/stack';

function app(charts: number): { app: App; stack: TracingStack } {
  const a = new App();
  const chart = new Chart(a, 'tracing', { namespace: 'observability' });
  const stack = new TracingStack(chart, 'tracing', { operator: StackOperator.external() });
  for (let i = 1; i < charts; i++) new Chart(a, `other-${i}`);
  return { app: a, stack };
}

function outdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'otel-pass-'));
}

describe('validation passes', () => {
  test('synthLayered computes each collector config rule set once, however many charts cdk8s synthesizes', () => {
    for (const charts of [1, 4]) {
      const { app: a } = app(charts);
      const validate = jest.spyOn(CollectorConfig.prototype, 'validate');
      const dir = outdir();
      try {
        synthLayered(a, { outdir: dir, onWarning: () => undefined });
        // agent + gateway: once each (construct validation, cdk8s' validation per chart, manifest rules)
        expect([charts, validate.mock.calls.length]).toEqual([charts, 2]);
      } finally {
        validate.mockRestore();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test('outside a pass every node.validate() computes again: a change is seen', () => {
    const { stack } = app(1);
    const agent = stack.agent;
    expect(agent.node.validate()).toEqual([]);
    // an invalid change: a pipeline naming a processor that does not exist
    agent.config.pipeline('traces')!.processors.push('batch/missing');
    expect(agent.node.validate().join('\n')).toMatch(/batch\/missing/);
  });

  test('a change between two synthesis passes is seen by the second', () => {
    const { app: a, stack } = app(1);
    const dir = outdir();
    try {
      synthLayered(a, { outdir: dir, onWarning: () => undefined });
      stack.agent.config.pipeline('traces')!.processors.push('batch/missing');
      expect(() => synthLayered(a, { outdir: dir, onWarning: () => undefined })).toThrow(/batch\/missing/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('results are shared within a pass, by owner and key; nested passes join the outer one', () => {
    const owner = {};
    let n = 0;
    const compute = () => ++n;
    expect([oncePerValidationPass(owner, 'k', compute), oncePerValidationPass(owner, 'k', compute)]).toEqual([1, 2]);
    const inPass = inValidationPass(() => [
      oncePerValidationPass(owner, 'k', compute),
      oncePerValidationPass(owner, 'k', compute),
      oncePerValidationPass(owner, 'other', compute),
      oncePerValidationPass({}, 'k', compute),
      inValidationPass(() => oncePerValidationPass(owner, 'k', compute)),
    ]);
    expect(inPass).toEqual([3, 3, 4, 5, 3]);
    // a new pass computes again
    expect(inValidationPass(() => oncePerValidationPass(owner, 'k', compute))).toBe(6);
  });

  test('a pass ends when its function throws', () => {
    const owner = {};
    let n = 0;
    expect(() =>
      inValidationPass(() => {
        oncePerValidationPass(owner, 'k', () => ++n);
        throw new Error('boom');
      }),
    ).toThrow(/boom/);
    expect([oncePerValidationPass(owner, 'k', () => ++n), oncePerValidationPass(owner, 'k', () => ++n)]).toEqual([2, 3]);
  });

  test('addValidationOncePerPass: one computation per pass, a fresh one outside; a copy of the messages each time', () => {
    const chart = new Chart(new App(), 'c');
    let calls = 0;
    addValidationOncePerPass(chart.node, () => (calls++, ['clash']));
    inValidationPass(() => {
      const first = chart.node.validate();
      first.push('changed by the caller');
      expect(chart.node.validate()).toEqual(['clash']);
    });
    expect(calls).toBe(1);
    expect(chart.node.validate()).toEqual(['clash']);
    expect(chart.node.validate()).toEqual(['clash']);
    expect(calls).toBe(3);
  });
});
