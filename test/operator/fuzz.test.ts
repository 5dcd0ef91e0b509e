import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as operator from '../../lib/operator';
import { runConstructValidations, synthObjects } from '../../lib/stack/layered-output';
import { FuzzCase, formatProblems, runFuzzCase, staleExemptions, uncovered } from '../helpers/fuzz';
import { describeWithReference, ref } from '../helpers/reference';
import { tempDir, testChart } from '../helpers/temp';

const { OpenTelemetryOperator, OperatorManifestSource, WebhookCertificates } = operator;

const MANIFEST = ref('opentelemetry-operator', 'opentelemetry-operator.yaml');
const FAKE_CA_B64 = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n').toString('base64');
const ENV_VAR = 'OTEL_K8S_FUZZ_OPERATOR_MANIFEST';

/** Synthesizes what `build` adds to a fresh chart (construct validations included). */
function synth(build: (chart: ReturnType<typeof testChart>) => unknown): unknown {
  const chart = testChart('c');
  build(chart);
  runConstructValidations(chart);
  return synthObjects(chart);
}

/** Markers replaced by the real thing in the call; mutated values pass through. */
const sourceOf = (s: unknown) => (s === 'file' ? OperatorManifestSource.fromFile(MANIFEST) : s);
const scopeIn = (scope: Construct, s: unknown) => (s === 'scope' ? scope : s);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function cases(): FuzzCase[] {
  return [
    { name: 'OperatorManifestSource.fromFile', args: [MANIFEST], call: (p) => OperatorManifestSource.fromFile(p as never).description },
    { name: 'OperatorManifestSource.fromEnv', args: [ENV_VAR], call: (v) => OperatorManifestSource.fromEnv(v as never).description },
    {
      name: 'OperatorManifestSource.fromRelease',
      args: [{ cacheDir: tempDir('operator-cache-') }],
      call: (o) => OperatorManifestSource.fromRelease(o as never).description,
    },
    {
      name: 'WebhookCertificates.certManager',
      args: [{ installedBy: 'scope' }],
      call: (o) => {
        const chart = testChart('c');
        const opts = isObject(o) && 'installedBy' in o ? { ...o, installedBy: scopeIn(chart, o.installedBy) } : o;
        return WebhookCertificates.certManager(opts as never).kind;
      },
    },
    {
      name: 'WebhookCertificates.existingSecret',
      args: [{ secretName: 'operator-webhook-tls', caBundleBase64: FAKE_CA_B64 }],
      call: (o) => WebhookCertificates.existingSecret(o as never).kind,
    },
    {
      name: 'new OpenTelemetryOperator',
      args: [
        {
          source: 'file',
          namespace: 'otel-system',
          image: 'ghcr.io/open-telemetry/opentelemetry-operator/opentelemetry-operator:0.158.0',
          goInstrumentation: true,
          nginxInstrumentation: false,
          resources: { cpuRequestMillis: 100, memoryRequestMiB: 64, cpuLimitMillis: 500, memoryLimitMiB: 256 },
          extraArgs: ['--zap-log-level=debug'],
          certificates: WebhookCertificates.existingSecret({ secretName: 'operator-webhook-tls', caBundleBase64: FAKE_CA_B64 }),
          createNamespace: true,
          chartPerLayer: false,
          argoCdSyncWaves: { crds: -5, certificates: -4, operator: -3, customResources: 1 },
        },
      ],
      // argoCdSyncWaves is `true` or the waves; waves may be negative (applied before wave 0)
      accepts: { '0.argoCdSyncWaves': ['boolean'], '0.argoCdSyncWaves.crds': ['negative'] },
      call: (p) => synth((c) => new OpenTelemetryOperator(c, 'operator', (isObject(p) ? { ...p, source: sourceOf(p.source) } : p) as never)),
    },
    {
      name: 'new OpenTelemetryOperator (external)',
      args: [{ source: OperatorManifestSource.external(), namespace: 'ops', goInstrumentation: true, argoCdSyncWaves: true }],
      call: (p) => synth((c) => new OpenTelemetryOperator(c, 'operator', p as never)),
    },
    {
      name: 'OpenTelemetryOperator.findAll',
      args: ['scope'],
      call: (s) => {
        const chart = testChart('c');
        new OpenTelemetryOperator(chart, 'operator', { source: OperatorManifestSource.external() });
        return OpenTelemetryOperator.findAll(scopeIn(chart, s) as never).map((o) => o.namespace);
      },
    },
    {
      name: 'OpenTelemetryOperator#addCustomResource',
      args: ['resource'],
      call: (r) =>
        synth((c) => {
          const op = new OpenTelemetryOperator(c, 'operator', { source: OperatorManifestSource.external(), argoCdSyncWaves: true });
          const cr = new ApiObject(c, 'cr', { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'thing' } });
          op.addCustomResource((r === 'resource' ? cr : r) as never);
        }),
    },
  ];
}

/** Entry points without a case, each with its reason. */
const EXEMPT: Record<string, string> = {
  'OperatorManifestSource.external': 'takes no arguments',
  'OpenTelemetryOperator#patchManager': 'private (TypeScript): called by the constructor with the props it has checked',
};

describeWithReference('operator room: wrong-typed and out-of-range props give only our errors', () => {
  beforeAll(() => {
    process.env[ENV_VAR] = MANIFEST;
  });
  afterAll(() => {
    delete process.env[ENV_VAR];
  });
  test('every public entry point has a case or a stated reason', () => {
    expect(uncovered(operator, cases(), EXEMPT)).toEqual([]);
    expect(staleExemptions(operator, EXEMPT)).toEqual([]);
  });
  test.each(cases().map((c) => [c.name, c]))('%s', (_n, c) => {
    const run = runFuzzCase(c as FuzzCase);
    expect(run.calls).toBeGreaterThan(1);
    expect(formatProblems(run.problems)).toEqual([]);
  });
});
