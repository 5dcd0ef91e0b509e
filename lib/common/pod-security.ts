import { createHash } from 'crypto';

/**
 * Pod security shared by every workload the library runs (collectors, Tempo, Jaeger): the
 * Kubernetes "restricted" Pod Security Standard.
 */

/** Non-root pod security context with uid/gid/fsGroup 10001 (the user of the collector, Tempo and Jaeger images); `fsGroup` makes PVCs writable without a root `chown` init container. */
export function podSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: 10001,
    runAsGroup: 10001,
    fsGroup: 10001,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Restricted container security context: non-root, read-only root filesystem, no privilege escalation, all capabilities dropped. */
export function containerSecurityContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** sha256 of a config text, put on the pod template (`checksum/config`) so that a config change rolls the pods. */
export function configChecksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
