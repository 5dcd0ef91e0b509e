/**
 * What injection needs to know of an Instrumentation, without importing its construct (so that
 * `inject.ts` and `instrumentation.ts` do not import each other): the languages the operator can
 * inject, each SDK's default protocol, and a branded reference to an Instrumentation construct.
 */
import { IConstruct } from 'constructs';
import type { OpenTelemetryOperator } from '../operator/opentelemetry-operator';

/** Languages the operator can inject. */
export type InstrumentationLanguage = 'java' | 'nodejs' | 'python' | 'dotnet' | 'go' | 'apacheHttpd' | 'nginx';

/** All languages, in the order of the Instrumentation spec. */
export const LANGUAGES: readonly InstrumentationLanguage[] = ['java', 'nodejs', 'python', 'dotnet', 'go', 'apacheHttpd', 'nginx'];

/**
 * OTLP protocol each injected SDK uses by default at v0.158.0: Java agent 2.x, Python, .NET, Go and
 * Node.js (the operator's image is `@opentelemetry/auto-instrumentations-node` 0.78's `register`, whose
 * exporter defaults to `http/protobuf`) speak OTLP/HTTP (4318); the Apache/nginx modules speak OTLP/gRPC (4317).
 */
export const SDK_DEFAULT_PROTOCOL: Readonly<Record<InstrumentationLanguage, 'grpc' | 'http'>> = {
  java: 'http',
  nodejs: 'http',
  python: 'http',
  dotnet: 'http',
  go: 'http',
  apacheHttpd: 'grpc',
  nginx: 'grpc',
};

/** An Instrumentation construct, as injection sees it. */
export interface IInstrumentation extends IConstruct {
  /** `metadata.name`. */
  readonly name: string;
  /** Namespace (`undefined`: the namespace kubectl applies to). */
  readonly namespace?: string;
  /** The operator the Instrumentation was given. */
  readonly operator?: OpenTelemetryOperator;
}

const BRAND = Symbol.for('@otel-tracing/k8s-constructs.Instrumentation');

/** Marks a construct as an Instrumentation (done by its constructor). */
export function brandInstrumentation(i: IInstrumentation): void {
  Object.defineProperty(i, BRAND, { value: true, enumerable: false });
}

/** True for an Instrumentation construct (of this package). */
export function isInstrumentation(x: unknown): x is IInstrumentation {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
}

/** Every Instrumentation in the app that `scope` belongs to. */
export function findInstrumentations(scope: IConstruct): IInstrumentation[] {
  return scope.node.root.node.findAll().filter(isInstrumentation);
}
