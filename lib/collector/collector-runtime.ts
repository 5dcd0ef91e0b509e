import { Construct } from 'constructs';
import { optInstance, propsObject } from '../common/guards';
import { OpenTelemetryOperator } from '../operator/opentelemetry-operator';
import { CollectorWorkloadSpec } from './collector-workload-spec';
import { renderManifests } from './manifests-runtime';
import { operatorNames, renderOperator } from './operator-runtime';
import { RenderedCollector } from './runtime-common';

/** Options of `CollectorRuntime.operator()`. */
export interface OperatorRuntimeOptions {
  /**
   * The operator installed by this app: CRs are ordered after it (its webhooks must be up) and get its
   * sync wave. Omit it when the operator is installed elsewhere.
   * @default - no ordering
   */
  readonly operator?: OpenTelemetryOperator;
}

/**
 * How a collector is run: as an `OpenTelemetryCollector` CR reconciled by the OpenTelemetry Operator, or
 * as plain Kubernetes manifests. Both render the same `CollectorWorkloadSpec`, so the pods are the same.
 *
 * @example
 * new CollectorAgent(chart, 'agent', { gateway, runtime: CollectorRuntime.operator({ operator }) });
 * new CollectorAgent(chart, 'agent', { gateway, runtime: CollectorRuntime.manifests() });
 */
export abstract class CollectorRuntime {
  /** An `opentelemetry.io/v1beta1` OpenTelemetryCollector CR (+ RBAC); the operator creates the rest. */
  public static operator(options: OperatorRuntimeOptions = {}): CollectorRuntime {
    const o = propsObject<OperatorRuntimeOptions>('CollectorRuntime.operator', options, ['operator']);
    return new OperatorRuntime(optInstance('CollectorRuntime.operator', 'operator', o.operator, OpenTelemetryOperator, 'an OpenTelemetryOperator construct of this app'));
  }

  /** ConfigMap + DaemonSet/StatefulSet/Deployment + Service(s) + ServiceAccount + RBAC; no operator needed. */
  public static manifests(): CollectorRuntime {
    return new ManifestsRuntime();
  }

  /** `operator` or `manifests`. */
  public abstract readonly kind: 'operator' | 'manifests';

  /** Name of the ClusterIP Service that fronts a collector called `name`. */
  public abstract serviceName(name: string): string;

  /** Name of the headless Service of a collector called `name`. */
  public abstract headlessServiceName(name: string): string;

  /**
   * This runtime with an operator to order the CRs after (the operator runtime without one gets it;
   * others are returned as they are).
   * @internal
   */
  public _withOperator(_operator: OpenTelemetryOperator): CollectorRuntime {
    return this;
  }

  /**
   * Emits the objects of a collector under `scope`. `spec` is called at construction for names,
   * labels and RBAC, and again at synthesis for what follows from the config.
   */
  public abstract render(scope: Construct, spec: () => CollectorWorkloadSpec): RenderedCollector;
}

class OperatorRuntime extends CollectorRuntime {
  public readonly kind = 'operator' as const;
  constructor(private readonly operator?: OpenTelemetryOperator) {
    super();
  }
  public _withOperator(operator: OpenTelemetryOperator): CollectorRuntime {
    return this.operator ? this : new OperatorRuntime(operator);
  }
  public serviceName(name: string): string {
    return operatorNames(name).service;
  }
  public headlessServiceName(name: string): string {
    return operatorNames(name).headless;
  }
  public render(scope: Construct, spec: () => CollectorWorkloadSpec): RenderedCollector {
    return renderOperator(scope, spec, this.operator);
  }
}

class ManifestsRuntime extends CollectorRuntime {
  public readonly kind = 'manifests' as const;
  public serviceName(name: string): string {
    return name;
  }
  public headlessServiceName(name: string): string {
    return `${name}-headless`;
  }
  public render(scope: Construct, spec: () => CollectorWorkloadSpec): RenderedCollector {
    return renderManifests(scope, spec);
  }
}
