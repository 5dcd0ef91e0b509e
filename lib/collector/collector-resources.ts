import { checkKnownKeys, fail, isPlainObject, optNumber } from '../common/guards';
/**
 * Container resources of a collector and the Go memory limit derived from them.
 */
import { mebibytes, millicores } from '../common/quantity';

/** CPU and memory of one collector container. Memory in MiB, CPU in millicores. */
export interface CollectorResources {
  /** CPU request in millicores. @default - per workload (agent 100, gateway 500) */
  readonly cpuRequestMillis?: number;
  /**
   * CPU limit in millicores. Unset by default: a CPU limit throttles the collector under bursts
   * (CFS quota) while memory_limiter cannot react to CPU pressure.
   * @default - no CPU limit
   */
  readonly cpuLimitMillis?: number;
  /** Memory request in MiB. @default - equal to the memory limit (Guaranteed memory, no overcommit) */
  readonly memoryRequestMiB?: number;
  /** Memory limit in MiB; GOMEMLIMIT is set to 80 % of it. @default - per workload (agent 512, gateway from sizing) */
  readonly memoryLimitMiB?: number;
}

/** Resources with every field decided. */
export interface ResolvedResources {
  /** CPU request, millicores. */
  readonly cpuRequestMillis: number;
  /** CPU limit, millicores. @default - no CPU limit */
  readonly cpuLimitMillis?: number;
  /** Memory request, MiB. */
  readonly memoryRequestMiB: number;
  /** Memory limit, MiB (GOMEMLIMIT is 80 % of it). */
  readonly memoryLimitMiB: number;
}

/** Smallest memory limit that leaves the collector a useful heap (baseline ~ 100 MiB). */
export const MIN_COLLECTOR_MEMORY_MIB = 128;

/** Fills defaults and checks the values (`where` names the construct for messages). */
export function resolveResources(where: string, props: CollectorResources | undefined, defaults: ResolvedResources): ResolvedResources {
  if (props !== undefined && !isPlainObject(props)) {
    fail(where, 'resources', props, 'is not an object', 'pass { cpuRequestMillis, cpuLimitMillis, memoryRequestMiB, memoryLimitMiB }');
  }
  const p: CollectorResources = props ?? {};
  checkKnownKeys(where, 'resources', p as Record<string, unknown>, ['cpuRequestMillis', 'cpuLimitMillis', 'memoryRequestMiB', 'memoryLimitMiB']);
  const positive = (name: keyof CollectorResources, v: number | undefined, example: string) => {
    optNumber(where, `resources.${name}`, v, { integer: true, min: 1, example });
  };
  positive('cpuRequestMillis', p.cpuRequestMillis, '200');
  positive('cpuLimitMillis', p.cpuLimitMillis, '1000');
  positive('memoryRequestMiB', p.memoryRequestMiB, '256');
  positive('memoryLimitMiB', p.memoryLimitMiB, '512');
  const memoryLimitMiB = p.memoryLimitMiB ?? defaults.memoryLimitMiB;
  if (memoryLimitMiB < MIN_COLLECTOR_MEMORY_MIB) {
    throw new Error(
      `${where}: resources.memoryLimitMiB ${memoryLimitMiB} is too small for a collector; use at least ${MIN_COLLECTOR_MEMORY_MIB} (512 is a sensible agent limit)`,
    );
  }
  const memoryRequestMiB = p.memoryRequestMiB ?? (p.memoryLimitMiB !== undefined ? memoryLimitMiB : Math.min(defaults.memoryRequestMiB, memoryLimitMiB));
  if (memoryRequestMiB > memoryLimitMiB) {
    throw new Error(
      `${where}: resources.memoryRequestMiB ${memoryRequestMiB} is above memoryLimitMiB ${memoryLimitMiB}; lower the request or raise the limit`,
    );
  }
  const cpuRequestMillis = p.cpuRequestMillis ?? defaults.cpuRequestMillis;
  const cpuLimitMillis = p.cpuLimitMillis ?? defaults.cpuLimitMillis;
  if (cpuLimitMillis !== undefined && cpuRequestMillis > cpuLimitMillis) {
    throw new Error(
      `${where}: resources.cpuRequestMillis ${cpuRequestMillis} is above cpuLimitMillis ${cpuLimitMillis}; lower the request or raise the limit`,
    );
  }
  return { cpuRequestMillis, cpuLimitMillis, memoryRequestMiB, memoryLimitMiB };
}

/**
 * `GOMEMLIMIT` for a memory limit: 80 % of it, in whole MiB (the Helm chart's `useGOMEMLIMIT` uses the
 * same ratio). The Go GC then works harder before the container limit is reached, while memory_limiter
 * (percentage form, also 80 %) refuses data when the heap still grows.
 */
export function goMemLimit(memoryLimitMiB: number): string {
  return `${Math.floor(memoryLimitMiB * 0.8)}MiB`;
}

/** Kubernetes `resources` block. */
export function renderResources(r: ResolvedResources): Record<string, Record<string, string>> {
  const limits: Record<string, string> = { memory: mebibytes(r.memoryLimitMiB) };
  if (r.cpuLimitMillis !== undefined) limits.cpu = millicores(r.cpuLimitMillis);
  return {
    requests: { cpu: millicores(r.cpuRequestMillis), memory: mebibytes(r.memoryRequestMiB) },
    limits,
  };
}
