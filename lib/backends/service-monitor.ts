import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Options of the prometheus-operator ServiceMonitor a backend can emit. */
export interface BackendServiceMonitorOptions {
  /**
   * Scrape interval in seconds.
   * @default 30
   */
  readonly intervalSec?: number;
  /**
   * Extra labels on the ServiceMonitor (to match a Prometheus `serviceMonitorSelector`).
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** What the ServiceMonitor scrapes. */
export interface ServiceMonitorTarget {
  /** Name of the ServiceMonitor. */
  readonly name: string;
  /** Namespace of the ServiceMonitor and the Service. */
  readonly namespace: string;
  /** Labels of the Service to select. */
  readonly selector: Record<string, string>;
  /** Named Service port serving `/metrics`. */
  readonly portName: string;
  /** Labels of the ServiceMonitor itself (app labels). */
  readonly labels: Record<string, string>;
}

/**
 * A `monitoring.coreos.com/v1` ServiceMonitor (prometheus-operator), built as a plain `ApiObject`
 * because the CRD is not part of the Kubernetes imports.
 */
export function addServiceMonitor(
  scope: Construct,
  id: string,
  target: ServiceMonitorTarget,
  options: BackendServiceMonitorOptions,
): ApiObject {
  const intervalSec = options.intervalSec ?? 30;
  if (!Number.isInteger(intervalSec) || intervalSec <= 0) {
    throw new Error(
      `service monitor "${target.name}": intervalSec ${intervalSec} is invalid; use a positive whole number of seconds, e.g. 30`,
    );
  }
  return new ApiObject(scope, id, {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: {
      name: target.name,
      namespace: target.namespace,
      labels: { ...target.labels, ...(options.labels ?? {}) },
    },
    spec: {
      selector: { matchLabels: { ...target.selector } },
      namespaceSelector: { matchNames: [target.namespace] },
      endpoints: [{ port: target.portName, path: '/metrics', interval: `${intervalSec}s` }],
    },
  });
}
