import { mountedConfigs } from '../common/mounted-config';
import { oncePerValidationPass } from '../common/validation-pass';
import { parseYaml } from '../common/yaml';
import { ManifestRuleSet, ObjectFinding, registerRuleSet } from '../validation/rule-sets';
import { CollectorConfig } from './config/collector-config';
import { CollectorDistribution } from './config/distribution';
import { renderedConfigFor } from './rendered-configs';

/**
 * Parsed collector configs, by config object, for one `validateManifests` call (the config rules and
 * the cross-object checks read the same configs; a failed parse is remembered as its error). Reset at
 * the start of every call, so an object changed between two calls is parsed again.
 */
let PARSED = new WeakMap<object, CollectorConfig | Error>();

/** Forgets the parsed configs (at the start of every validation). */
function resetParsedConfigs(): void {
  PARSED = new WeakMap();
}

/**
 * The model of a config object, once per object and validation: the instance that rendered it (see
 * rendered-configs.ts), else `CollectorConfig.fromObject(config)`.
 */
function parseConfig(config: unknown): CollectorConfig {
  if (config === null || typeof config !== 'object') return CollectorConfig.fromObject(config);
  let p = PARSED.get(config);
  if (p === undefined) {
    try {
      p = renderedConfigFor(config) ?? CollectorConfig.fromObject(config);
    } catch (e) {
      p = e as Error;
    }
    PARSED.set(config, p);
  }
  if (p instanceof Error) throw p;
  return p;
}

/** Images of collector distributions (official and custom builds are recognised by name). */
const COLLECTOR_IMAGE = /(^|\/)(opentelemetry-collector[\w-]*|otelcol[\w-]*)(:|@|$)/;

/**
 * The collector's own rules on every collector config in the manifests, whoever wrote them: the
 * `spec.config` of every OpenTelemetryCollector, and every config file a collector container reads
 * from a mounted ConfigMap. Each is parsed with the collector model and checked by the same rules as
 * the configs this library builds (`CollectorConfig.validate()`: references, pipelines, component
 * settings, and the image's distribution when it is an official one). Rule `collector-config`; the
 * model's rule id and path are in the message and path. Only errors are reported (best-practice
 * warnings are for the configs this library builds, which get them at construction), plus
 * `tail-sampling-daemonset`. A key the model does not know in a config this library did not write is
 * a warning: the model types the settings the library uses, and upstream components take more (the
 * real collector decides: `npm run e2e -- validate <dir>`).
 */
export function collectorConfigRules(objects: readonly any[]): ObjectFinding[] {
  const out: ObjectFinding[] = [];
  const check = (obj: any, where: string, config: unknown, image: string | undefined, daemonSet: boolean) => {
    const ours = obj?.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'cdk8s';
    let distribution: CollectorDistribution | undefined;
    try {
      distribution = image ? CollectorDistribution.fromImage(image) : undefined;
    } catch {
      distribution = undefined; // a custom build: its component set is unknown
    }
    let parsed: CollectorConfig;
    try {
      parsed = parseConfig(config);
    } catch (e) {
      const message = (e as Error).message;
      const unknownKey = /unknown (top-level )?key/.test(message);
      out.push({ ...finding(obj, 'collector-config', where, message), severity: unknownKey && !ours ? 'warning' : 'error' });
      return;
    }
    for (const f of oncePerValidationPass(parsed, distribution, () => parsed.validate({ distribution }))) {
      if (f.severity !== 'error') continue;
      out.push(finding(obj, 'collector-config', `${where}.${f.path}`, `${f.rule}: ${f.message}`));
    }
    if (daemonSet && !ours && parsed.componentTypes().some((c) => c.kind === 'processor' && c.type === 'tail_sampling')) {
      out.push({
        ...finding(obj, 'tail-sampling-daemonset', where,
          'tail_sampling runs in a DaemonSet: on more than one node the spans of a trace reach different collectors and are sampled as partial traces; export with load_balancing (routing key traceID) to a gateway tier that tail-samples'),
        severity: 'warning',
      });
    }
  };
  for (const o of objects) {
    if (o?.kind === 'OpenTelemetryCollector' && String(o.apiVersion).startsWith('opentelemetry.io/') && o.spec?.config !== undefined) {
      let config = o.spec.config;
      if (typeof config === 'string') {
        try {
          config = parseYaml(config);
        } catch (e) {
          out.push(finding(o, 'collector-config', 'spec.config', `spec.config is not valid YAML: ${(e as Error).message}`));
          continue;
        }
      }
      check(o, 'spec.config', config, o.spec.image, o.spec.mode === 'daemonset');
    }
  }
  for (const m of mountedConfigs(objects)) {
    if (!COLLECTOR_IMAGE.test(String(m.image ?? '')) || m.content === undefined) continue;
    const cm = objects.find((o) => o?.kind === 'ConfigMap' && o.metadata?.name === m.configMap.name && (o.metadata?.namespace ?? '') === (m.workload.namespace ?? ''));
    const where = `data.${m.configMap.key}`;
    let config: unknown;
    try {
      config = parseYaml(m.content);
    } catch (e) {
      out.push(finding(cm, 'collector-config', where, `${m.configMap.key} is not valid YAML: ${(e as Error).message}`));
      continue;
    }
    check(cm, where, config, m.image, m.workload.kind === 'DaemonSet');
  }
  return out;
}

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
export function collectorChecks(objects: readonly any[]): ObjectFinding[] {
  const findings: ObjectFinding[] = [];
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

function finding(o: any, rule: string, path: string, message: string): ObjectFinding {
  return {
    object: o,
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
    return parseConfig(config)
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
    ports = parseConfig(config).listeningPorts().map((p) => p.port);
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

function portChecks(configMap: any, config: unknown, objects: readonly any[]): ObjectFinding[] {
  const out: ObjectFinding[] = [];
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

/**
 * The collector room's manifest rules: the collector's own rules on every collector config in the
 * manifests (`collectorConfigRules`) and the cross-object checks of this library's collectors
 * (`collectorChecks`). Registered with the validation engine when this module is loaded.
 */
export const COLLECTOR_RULES: ManifestRuleSet = {
  name: 'collector',
  check: (objects) => {
    resetParsedConfigs();
    return [...collectorConfigRules(objects), ...collectorChecks(objects)];
  },
};

registerRuleSet(COLLECTOR_RULES);
