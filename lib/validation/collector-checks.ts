import { parseYaml } from '../common/yaml';
import { CollectorConfig } from '../collector/config/collector-config';
import { Finding } from './findings';

/**
 * Cross-object checks of the collectors this library emits (objects labelled
 * `app.kubernetes.io/managed-by: cdk8s`: OpenTelemetryCollector CRs and ConfigMaps holding
 * `collector.yaml`):
 * - `collector-endpoint`: every exporter endpoint (otlp/otlp_grpc/otlp_http, load_balancing dns/k8s
 *   resolver) is an external URL or a Service emitted in the same set, on a port that Service exposes.
 *   The Services the operator will create for a CR (`<name>-collector`, `<name>-collector-headless`,
 *   ports derived from its receivers) count as emitted.
 * - `collector-ports`: for plain manifests, the config's listening ports match the container ports of
 *   the workload mounting the ConfigMap, and every port of a Service selecting those pods targets a
 *   container port.
 * - `collector-env`: the env var a k8s_attributes `filter.node_from_env_var` names is set in the
 *   collector container (the CR's `spec.env`, or the env of the workload mounting the ConfigMap); the
 *   collector refuses to start without it.
 */
export function collectorChecks(objects: readonly any[]): Finding[] {
  const findings: Finding[] = [];
  const namespaces = new Set<string>(objects.map((o) => o?.metadata?.namespace).filter((n): n is string => typeof n === 'string'));
  const services = new Map<string, { ports: Set<number> }>();
  const addService = (ns: string, name: string, ports: Iterable<number>) => {
    const key = `${ns}/${name}`;
    const entry = services.get(key) ?? { ports: new Set<number>() };
    for (const p of ports) entry.ports.add(p);
    services.set(key, entry);
  };
  const ns = (o: any): string => o?.metadata?.namespace ?? 'default';

  const collectors: { obj: any; config: any; path: string }[] = [];
  for (const o of objects) {
    if (!o || typeof o !== 'object') continue;
    if (o.kind === 'Service' && o.apiVersion === 'v1') {
      addService(ns(o), o.metadata?.name, (o.spec?.ports ?? []).map((p: any) => p.port));
    }
    const ours = o.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'cdk8s';
    if (ours && o.kind === 'OpenTelemetryCollector' && String(o.apiVersion).startsWith('opentelemetry.io/')) {
      const name = o.metadata?.name;
      // The operator derives these Services' ports from the receivers (plus spec.ports); the
      // self-metrics port goes on `<name>-collector-monitoring` only.
      const ports = [...receiverPorts(o.spec?.config), ...(o.spec?.ports ?? []).map((p: any) => p.port)];
      addService(ns(o), `${name}-collector`, ports);
      addService(ns(o), `${name}-collector-headless`, ports);
      addService(ns(o), `${name}-collector-monitoring`, metricsPorts(o.spec?.config));
      collectors.push({ obj: o, config: o.spec?.config, path: 'spec.config' });
    }
    if (ours && o.kind === 'ConfigMap' && typeof o.data?.['collector.yaml'] === 'string') {
      let config: any;
      try {
        config = parseYaml(o.data['collector.yaml']);
      } catch (e) {
        findings.push(finding(o, 'collector-config', 'data.collector.yaml', `collector.yaml is not valid YAML: ${(e as Error).message}`));
        continue;
      }
      collectors.push({ obj: o, config, path: 'data.collector.yaml' });
    }
  }

  for (const { obj, config, path } of collectors) {
    const where = ns(obj);
    const checkTarget = (exporterId: string, field: string, host: string, port: number) => {
      const svc = inClusterService(host, where, namespaces);
      if (!svc) return;
      const entry = services.get(`${svc.namespace}/${svc.name}`);
      if (!entry) {
        findings.push(
          finding(obj, 'collector-endpoint', `${path}.exporters.${exporterId}.${field}`,
            `exporter "${exporterId}" sends to ${host}:${port}, but no Service "${svc.name}" in namespace "${svc.namespace}" is emitted in this app; emit it in the same app (e.g. bind the backend to this chart) or use an external URL`),
        );
      } else if (!entry.ports.has(port)) {
        findings.push(
          finding(obj, 'collector-endpoint', `${path}.exporters.${exporterId}.${field}`,
            `exporter "${exporterId}" sends to port ${port} of Service "${svc.namespace}/${svc.name}", which exposes ${[...entry.ports].sort((a, b) => a - b).join(', ') || 'no ports'}; use one of those ports`),
        );
      }
    };
    for (const [id, cfg] of Object.entries<any>(config?.exporters ?? {})) {
      const type = id.split('/')[0];
      if (['otlp', 'otlp_grpc', 'otlphttp', 'otlp_http'].includes(type)) {
        for (const field of ['endpoint', 'traces_endpoint']) {
          const target = parseEndpoint(cfg?.[field], type === 'otlp' || type === 'otlp_grpc');
          if (target) checkTarget(id, field, target.host, target.port);
        }
      } else if (type === 'load_balancing' || type === 'loadbalancing') {
        const dns = cfg?.resolver?.dns;
        if (dns && typeof dns.hostname === 'string' && !dns.hostname.includes('${')) {
          checkTarget(id, 'resolver.dns.hostname', dns.hostname, Number(dns.port ?? 4317));
        }
        const k8s = cfg?.resolver?.k8s;
        if (k8s && typeof k8s.service === 'string') {
          const [name, svcNs] = k8s.service.split('.');
          for (const p of (k8s.ports as number[] | undefined) ?? [4317]) {
            checkTarget(id, 'resolver.k8s.service', `${name}.${svcNs ?? where}.svc`, p);
          }
        }
      }
    }
    const envNames = obj.kind === 'ConfigMap' ? mountingWorkloads(obj, objects).map((w) => containerEnvNames(w.spec.template.spec)) : [new Set<string>((obj.spec?.env ?? []).map((e: any) => e?.name))];
    for (const [id, cfg] of Object.entries<any>(config?.processors ?? {})) {
      const variable = cfg?.filter?.node_from_env_var;
      if (!['k8s_attributes', 'k8sattributes'].includes(id.split('/')[0]) || typeof variable !== 'string' || variable === '') continue;
      if (envNames.some((names) => !names.has(variable))) {
        findings.push(finding(obj, 'collector-env', `${path}.processors.${id}.filter.node_from_env_var`,
          `k8s_attributes filters on the node named by env var "${variable}", but the collector container does not set it (the collector refuses to start); add it from the downward API (fieldRef spec.nodeName) or fix the name`));
      }
    }
    if (obj.kind === 'ConfigMap') findings.push(...portChecks(obj, config, objects));
    else {
      const listening = configPorts(config);
      (obj.spec?.ports ?? []).forEach((p: any, i: number) => {
        if (p.hostPort !== undefined && !listening.includes(p.port)) {
          findings.push(finding(obj, 'collector-ports', `spec.ports[${i}]`,
            `port ${p.port} (hostPort) is not opened by any receiver of spec.config (${listening.join(', ')}); fix the port or add the receiver`));
        }
      });
    }
  }
  return findings;
}

function finding(o: any, rule: string, path: string, message: string): Finding {
  return {
    severity: 'error',
    rule,
    apiVersion: String(o.apiVersion),
    kind: String(o.kind),
    namespace: o.metadata?.namespace,
    name: o.metadata?.name,
    path,
    message,
  };
}

/** Ports of the config's receivers (what the operator puts on the collector Services), [] when unparsable. */
function receiverPorts(config: any): number[] {
  try {
    const receivers = new Set(Object.keys(config?.receivers ?? {}));
    return CollectorConfig.fromObject(config)
      .listeningPorts()
      .filter((p) => receivers.has(p.componentId))
      .map((p) => p.port);
  } catch {
    return [];
  }
}

/** `service.telemetry.metrics.readers` when it is a list (anything else is the CRD's or the collector's to reject). */
function metricReaders(config: any): any[] {
  const readers = config?.service?.telemetry?.metrics?.readers;
  return Array.isArray(readers) ? readers : [];
}

/** Self-metrics ports of `service.telemetry` (the collector's default is 8888). */
function metricsPorts(config: any): number[] {
  const ports = metricReaders(config)
    .map((r: any) => r?.pull?.exporter?.prometheus?.port)
    .filter((p: unknown): p is number => typeof p === 'number');
  return ports.length ? ports : [8888];
}

/** Ports a collector config listens on (receivers, extensions, self-metrics), [] when unparsable. */
function configPorts(config: any): number[] {
  let ports: number[];
  try {
    // typed receivers (otlp) know their default ports
    ports = CollectorConfig.fromObject(config).listeningPorts().map((p) => p.port);
  } catch {
    return [];
  }
  // parsed extensions are untyped: read their `endpoint`; self-metrics from service.telemetry
  for (const cfg of Object.values<any>(config?.extensions ?? {})) {
    const m = typeof cfg?.endpoint === 'string' ? /^(.*):(\d+)$/.exec(cfg.endpoint) : null;
    if (m && !['localhost', '127.0.0.1', '::1', '[::1]'].includes(m[1])) ports.push(Number(m[2]));
  }
  for (const r of metricReaders(config)) {
    const prom = r?.pull?.exporter?.prometheus;
    if (prom?.port !== undefined && !['localhost', '127.0.0.1'].includes(prom.host)) ports.push(Number(prom.port));
  }
  return [...new Set(ports)];
}

/** host and port of an exporter endpoint; undefined for env references and unix sockets. */
function parseEndpoint(value: unknown, grpc: boolean): { host: string; port: number } | undefined {
  if (typeof value !== 'string' || value === '' || value.includes('${') || value.startsWith('unix:')) return undefined;
  let rest = value.replace(/^dns:\/\/\//, '');
  let scheme: string | undefined;
  const m = /^([a-z]+):\/\/(.*)$/.exec(rest);
  if (m) {
    scheme = m[1];
    rest = m[2];
  }
  rest = rest.split('/')[0];
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(rest.slice(colon + 1))) return { host: rest.slice(0, colon), port: Number(rest.slice(colon + 1)) };
  if (grpc) return undefined;
  return { host: rest, port: scheme === 'https' ? 443 : 80 };
}

/** The Service a host names, when it is an in-cluster name; undefined for external hosts. */
function inClusterService(host: string, defaultNs: string, namespaces: Set<string>): { name: string; namespace: string } | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':') || host === 'localhost') return undefined;
  const labels = host.split('.');
  if (labels.length === 1) return { name: host, namespace: defaultNs };
  // <name>.<namespace>.svc[.<cluster domain>]
  if (labels.length >= 3 && labels[2] === 'svc') return { name: labels[0], namespace: labels[1] };
  if (labels.length === 2 && namespaces.has(labels[1])) return { name: labels[0], namespace: labels[1] };
  return undefined;
}

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The DaemonSets, StatefulSets and Deployments that mount a ConfigMap. */
function mountingWorkloads(configMap: any, objects: readonly any[]): any[] {
  const ns = configMap.metadata?.namespace;
  return objects.filter(
    (o) =>
      ['DaemonSet', 'StatefulSet', 'Deployment'].includes(o?.kind) &&
      o.metadata?.namespace === ns &&
      (o.spec?.template?.spec?.volumes ?? []).some((v: any) => v?.configMap?.name === configMap.metadata?.name),
  );
}

/** Env var names the containers of a pod spec set (any container: the collector is the only one). */
function containerEnvNames(podSpec: any): Set<string> {
  const names = new Set<string>();
  for (const c of podSpec?.containers ?? []) for (const e of c?.env ?? []) if (typeof e?.name === 'string') names.add(e.name);
  return names;
}

function portChecks(configMap: any, config: unknown, objects: readonly any[]): Finding[] {
  const out: Finding[] = [];
  const listening = configPorts(config);
  const ns = configMap.metadata?.namespace;
  const workloads = mountingWorkloads(configMap, objects);
  for (const w of workloads) {
    const containers: any[] = w.spec.template.spec.containers ?? [];
    const cports: any[] = containers.flatMap((c) => c.ports ?? []);
    const numbers = new Set(cports.map((p) => p.containerPort));
    for (const port of listening) {
      if (!numbers.has(port)) {
        out.push(finding(w, 'collector-ports', 'spec.template.spec.containers[0].ports',
          `collector config ${configMap.metadata?.name} listens on ${port}, but no container port ${port} is declared; add it (probes and Services target container ports)`));
      }
    }
    cports.forEach((p, i) => {
      if (!listening.includes(p.containerPort)) {
        out.push(finding(w, 'collector-ports', `spec.template.spec.containers[0].ports[${i}]`,
          `container port ${p.containerPort} (${p.name ?? 'unnamed'}) is not opened by the collector config ${configMap.metadata?.name} (it listens on ${listening.join(', ')}); remove the port or add the receiver`));
      }
    });
    const podLabels = w.spec.template.metadata?.labels;
    for (const svc of objects.filter((o) => o?.kind === 'Service' && o.metadata?.namespace === ns && labelsMatch(o.spec?.selector, podLabels))) {
      (svc.spec.ports ?? []).forEach((sp: any, i: number) => {
        const target = sp.targetPort ?? sp.port;
        const ok = typeof target === 'number' ? numbers.has(target) : cports.some((p) => p.name === target);
        if (!ok) {
          out.push(finding(svc, 'collector-ports', `spec.ports[${i}].targetPort`,
            `Service port ${sp.name ?? sp.port} targets ${target}, which is not a container port of ${w.kind} ${w.metadata?.name}; use one of ${[...numbers].join(', ')}`));
        }
      });
    }
  }
  return out;
}
