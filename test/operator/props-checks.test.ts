import { OpenTelemetryOperator, OperatorManifestSource, WebhookCertificates } from '../../lib/operator';
import { testChart } from '../helpers/temp';

const js = (v: unknown) => v as never;
const external = () => OperatorManifestSource.external();

describe('operator: messages of the prop checks name the path, the value and the fix', () => {
  test.each([
    ['a typo gets the closest key', () => new OpenTelemetryOperator(testChart('c'), 'op', js({ source: external(), goInstrumentaton: true })), /^opentelemetry operator "op": goInstrumentaton is not a known prop; did you mean goInstrumentation\?/],
    ['a source that is a string', () => new OpenTelemetryOperator(testChart('c'), 'op', js({ source: 'external' })), /^opentelemetry operator "op": source "external" is not a OperatorManifestSource; build it with OperatorManifestSource\.fromFile\(path\)/],
    ['null props', () => new OpenTelemetryOperator(testChart('c'), 'op', js(null)), /^opentelemetry operator "op": props null is not an object; pass an object literal of props$/],
    ['a boolean given as a string', () => new OpenTelemetryOperator(testChart('c'), 'op', js({ source: external(), nginxInstrumentation: 'false' })), /^opentelemetry operator "op": nginxInstrumentation "false" is not a boolean; pass true or false$/],
    ['a sync wave that is not a whole number', () => new OpenTelemetryOperator(testChart('c'), 'op', js({ source: external(), argoCdSyncWaves: { crds: -2.5 } })), /^opentelemetry operator "op": argoCdSyncWaves\.crds -2\.5 is not a whole number; pass a whole number \(e\.g\. -3\)$/],
    ['extraArgs as one string', () => new OpenTelemetryOperator(testChart('c'), 'op', js({ source: external(), extraArgs: '--zap-log-level=debug' })), /^opentelemetry operator "op": extraArgs "--zap-log-level=debug" is a string, not a list/],
    ['installedBy that is not a construct', () => WebhookCertificates.certManager(js({ installedBy: 'cert-manager' })), /^webhook certificates: certManager: installedBy "cert-manager" is not a construct; pass the construct that installs cert-manager/],
    ['findAll of something that is not a construct', () => OpenTelemetryOperator.findAll(js({})), /^OpenTelemetryOperator\.findAll: scope \{\} is not a construct/],
  ])('%s', (_n, call, message) => {
    expect(call).toThrow(message);
  });
});
