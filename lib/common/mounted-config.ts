/**
 * Config files that workloads read from mounted ConfigMaps: for each container argument naming a file
 * (`--config=/conf/collector.yaml`, `-config.file=/conf/tempo.yaml`, `--config file:/x.yaml`), the
 * ConfigMap key behind it, found through the container's volume mounts and the pod's volumes. Pure
 * functions over plain manifest objects, so they work on any tool's output.
 */

/** A workload's reference. */
export interface WorkloadRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** One config file a container reads, and where it comes from. */
export interface MountedConfig {
  /** The workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Pod). */
  readonly workload: WorkloadRef;
  /** Container name. */
  readonly container: string;
  /** Container image. */
  readonly image: string;
  /** The argument that names the file. */
  readonly arg: string;
  /** Path of the file in the container. */
  readonly path: string;
  /** The ConfigMap and key the file is mounted from. */
  readonly configMap: { readonly name: string; readonly key: string };
  /** The file's content (`undefined` when the ConfigMap is not among the objects). */
  readonly content?: string;
  /** The container's env as written in the manifest. */
  readonly env: readonly Record<string, unknown>[];
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The pod spec of a workload object (`undefined` for other kinds). */
export function podSpecOf(obj: any): any | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  if (obj.kind === 'Pod') return obj.spec;
  if (POD_TEMPLATE_KINDS.has(obj.kind)) return obj.spec?.template?.spec;
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

/** File paths named by config arguments (`--config=F`, `--config F`, `-config.file=F`, `file:` URIs). */
export function configArgPaths(args: readonly unknown[]): Array<{ arg: string; path: string }> {
  const out: Array<{ arg: string; path: string }> = [];
  const strings = args.filter((a): a is string => typeof a === 'string');
  for (let i = 0; i < strings.length; i++) {
    const a = strings[i];
    const m = /^--?(config|config\.file|config-file)(=(.*))?$/.exec(a);
    if (!m) continue;
    let value = m[3];
    if (value === undefined && i + 1 < strings.length) value = strings[++i];
    if (value === undefined) continue;
    const file = value.startsWith('file:') ? value.slice('file:'.length) : value;
    if (file.startsWith('/')) out.push({ arg: a, path: file });
  }
  return out;
}

/** Every config file mounted from a ConfigMap that a container of the objects reads. */
export function mountedConfigs(objects: readonly any[]): MountedConfig[] {
  const configMaps = new Map<string, Record<string, string>>();
  for (const o of objects) {
    if (o?.kind === 'ConfigMap' && o.metadata?.name) configMaps.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.data ?? {});
  }
  const out: MountedConfig[] = [];
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const volumes: any[] = Array.isArray(pod.volumes) ? pod.volumes : [];
    const containers: any[] = [...(Array.isArray(pod.initContainers) ? pod.initContainers : []), ...(Array.isArray(pod.containers) ? pod.containers : [])];
    for (const c of containers) {
      const args = [...(Array.isArray(c?.command) ? c.command : []), ...(Array.isArray(c?.args) ? c.args : [])];
      for (const { arg, path } of configArgPaths(args)) {
        const found = resolveMount(path, c, volumes);
        if (!found) continue;
        const data = configMaps.get(`${o.metadata?.namespace ?? ''}/${found.name}`);
        out.push({
          workload: { kind: o.kind, name: o.metadata?.name, namespace: o.metadata?.namespace },
          container: c.name,
          image: c.image,
          arg,
          path,
          configMap: found,
          content: data?.[found.key],
          env: Array.isArray(c.env) ? c.env : [],
        });
      }
    }
  }
  return out;
}

/** The ConfigMap key mounted at `path` in container `c`, or undefined. */
function resolveMount(path: string, c: any, volumes: any[]): { name: string; key: string } | undefined {
  const mounts: any[] = Array.isArray(c?.volumeMounts) ? c.volumeMounts : [];
  // the deepest mount containing the path wins, as in the kubelet
  const mount = mounts
    .filter((m) => typeof m?.mountPath === 'string' && (path === m.mountPath || path.startsWith(m.mountPath.replace(/\/?$/, '/'))))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return undefined;
  const volume = volumes.find((v) => v?.name === mount.name);
  const cm = volume?.configMap;
  if (!cm?.name) return undefined;
  const inVolume = mount.subPath ? mount.subPath : path.slice(mount.mountPath.replace(/\/?$/, '/').length);
  if (Array.isArray(cm.items) && cm.items.length > 0) {
    const item = cm.items.find((i: any) => i?.path === inVolume);
    return item ? { name: cm.name, key: item.key } : undefined;
  }
  return { name: cm.name, key: inVolume };
}
