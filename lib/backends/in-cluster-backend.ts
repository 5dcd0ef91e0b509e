import { Construct } from 'constructs';
import type { IContainer, IEnvVar, IProbe, IResourceRequirements, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { containerSecurityContext } from '../common/pod-security';
import { serviceHost } from '../common/k8s-names';
import { EndpointEnvVar } from '../common/otlp-destination';
import { BackendHeader, BackendServiceRef, BackendTls, ITraceBackend } from './trace-backend';
import { checkDnsLabel, registerBackendService, resolveNamespace } from './workload-common';
import { mebibytes, millicores } from '../common/quantity';

/** Ports an in-cluster backend receives OTLP on and serves queries on. */
export interface InClusterBackendPorts {
  /** OTLP/gRPC port (4317). */
  readonly otlpGrpc: number;
  /** OTLP/HTTP port (4318). */
  readonly otlpHttp: number;
  /** HTTP query API / UI port. */
  readonly query: number;
}

/** A Secret key mounted as a file into the backend pod. */
export interface BackendSecretFile {
  /** Pod volume name. */
  readonly volumeName: string;
  /** The Secret key holding the file content. */
  readonly secretKeyRef: { readonly name: string; readonly key: string };
  /** File name inside the mount. */
  readonly fileName: string;
  /** Directory the file is mounted in. */
  readonly mountPath: string;
}

/**
 * What `InClusterBackend.container` builds a container from.
 * @internal
 */
export interface BackendContainer {
  readonly name: string;
  readonly image: string;
  readonly args: string[];
  /** Environment variables (left out of the container when empty). */
  readonly env: IEnvVar[];
  /** Container ports by name (all TCP). */
  readonly ports: Readonly<Record<string, number>>;
  /** HTTP probe path and named port; readiness and liveness differ only in their initial delay. */
  readonly probe: { readonly path: string; readonly port: string; readonly readinessDelaySec: number; readonly livenessDelaySec: number };
  readonly cpuRequestMillis: number;
  readonly memoryLimitMiB: number;
  readonly volumeMounts: IVolumeMount[];
}

/**
 * What Tempo and Jaeger share as in-cluster trace backends: name and namespace checks, the
 * Service registration, the `ITraceBackend` endpoints (plaintext OTLP inside the cluster,
 * no headers) and the pod building blocks.
 */
export abstract class InClusterBackend extends Construct implements ITraceBackend {
  public abstract readonly backendKind: string;
  /** Exporters use OTLP/gRPC. */
  public readonly preferredProtocol = 'grpc' as const;
  /** OTLP/gRPC URL of the backend Service. */
  public readonly otlpGrpcUrl: string;
  /** OTLP/HTTP URL of the backend Service. */
  public readonly otlpHttpUrl: string;
  /** Query / UI URL (for Grafana data sources or a browser). */
  public readonly queryUrl: string;
  /** No env needed: the URLs are DNS names. */
  public readonly requiredEnv: readonly EndpointEnvVar[] = [];
  /** Plaintext inside the cluster. */
  public readonly tls: BackendTls = { insecure: true };
  /** No auth headers inside the cluster. */
  public readonly headers: readonly BackendHeader[] = [];
  /** Resource name shared by the objects (and the Service name). */
  public readonly name: string;
  /** Namespace of the objects. */
  public readonly namespace: string;
  /** The Service the backend is reached through. */
  public abstract readonly service: BackendServiceRef;
  /** `where` prefix of error messages, e.g. `tempo "tempo"`. */
  protected readonly where: string;

  protected constructor(scope: Construct, id: string, kind: string, props: { readonly name?: string; readonly namespace?: string }, ports: InClusterBackendPorts) {
    super(scope, id);
    this.name = checkDnsLabel(kind, props.name ?? kind);
    this.where = `${kind} "${this.name}"`;
    this.namespace = resolveNamespace(this, this.where, props.namespace);
    const host = serviceHost(this, this.name, this.namespace);
    this.otlpGrpcUrl = `http://${host}:${ports.otlpGrpc}`;
    this.otlpHttpUrl = `http://${host}:${ports.otlpHttp}`;
    this.queryUrl = `http://${host}:${ports.query}`;
    registerBackendService(this, kind, this.name, this.namespace);
  }

  /**
   * The backend's one container: named TCP ports, HTTP readiness and liveness probes on one of
   * them, memory-limited resources, the restricted security context and the given mounts.
   * @internal
   */
  protected container(c: BackendContainer): IContainer {
    return {
      name: c.name,
      image: c.image,
      args: c.args,
      env: c.env.length > 0 ? c.env : undefined,
      ports: Object.entries(c.ports).map(([name, containerPort]) => ({ name, containerPort, protocol: 'TCP' })),
      readinessProbe: this.httpProbe(c.probe.path, c.probe.port, c.probe.readinessDelaySec),
      livenessProbe: this.httpProbe(c.probe.path, c.probe.port, c.probe.livenessDelaySec),
      resources: this.resources(c.cpuRequestMillis, c.memoryLimitMiB),
      securityContext: containerSecurityContext(),
      volumeMounts: c.volumeMounts,
    };
  }

  /**
   * HTTP probe on a named container port.
   * @internal
   */
  protected httpProbe(path: string, portName: string, initialDelaySeconds: number): IProbe {
    return { httpGet: { path, port: portName }, initialDelaySeconds, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 };
  }

  /**
   * Requests half the memory limit and the CPU request; no CPU limit.
   * @internal
   */
  protected resources(cpuRequestMillis: number, memoryLimitMiB: number): IResourceRequirements {
    return {
      requests: {
        cpu: millicores(cpuRequestMillis),
        memory: mebibytes(Math.ceil(memoryLimitMiB / 2)),
      },
      limits: { memory: mebibytes(memoryLimitMiB) },
    };
  }

  /**
   * Mounts Secret keys as files (read-only).
   * @internal
   */
  protected mountSecretFiles(files: readonly BackendSecretFile[], volumes: IVolume[], mounts: IVolumeMount[]): void {
    for (const f of files) {
      volumes.push({ name: f.volumeName, secret: { secretName: f.secretKeyRef.name, items: [{ key: f.secretKeyRef.key, path: f.fileName }] } });
      mounts.push({ name: f.volumeName, mountPath: f.mountPath, readOnly: true });
    }
  }
}
