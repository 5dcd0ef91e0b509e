/**
 * The API server's own validation of built-in kinds (k8s.io/kubernetes pkg/apis/{core,apps,rbac,policy,
 * admissionregistration}/validation, 1.36) that the OpenAPI schema does not express, for the kinds stacks
 * and their workloads use: pod templates (containers, env, volumes, probes, resources, tolerations),
 * workloads, Services, ConfigMaps, PVCs, PodDisruptionBudgets, RBAC, webhook configurations and CRDs.
 * Found and checked by the differential e2e test against kube-apiserver (test/e2e/cluster-validation.e2e.ts).
 */
import { quantityValue } from '../common/quantity';
import { dns1123Label, dns1123Subdomain, RuleProblem } from './object-rules';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** Downward-API fields an env var may read (`validEnvDownwardAPIFieldPathExpressions`). */
const ENV_FIELD_PATHS = new Set([
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);
const ENV_SUBSCRIPTED = /^metadata\.(labels|annotations)\['[^']+'\]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const VALUE_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'];

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/** Env var names: printable ASCII except "=" (RelaxedEnvironmentVariableValidation, GA since 1.34). */
function envNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'env var name is missing; give every variable a name';
  if (!/^[\x20-\x7e]+$/.test(name) || name.includes('=')) {
    return `env var name "${name}" is invalid; use printable ASCII characters other than "="`;
  }
  return undefined;
}

function containerRules(c: any, path: string, volumes: Set<string>, out: RuleProblem[]): void {
  if (!isObj(c)) return;
  if (typeof c.image !== 'string' || c.image.trim() === '') {
    out.push({
      rule: 'api-validation',
      path: `${path}.image`,
      message: 'container image is missing; a pod template needs an image for every container',
    });
  }
  arr(c.env).forEach((e, i) => {
    const p = `${path}.env[${i}]`;
    if (!isObj(e)) return;
    const np = envNameProblem(e.name);
    if (np) out.push({ rule: 'api-validation', path: `${p}.name`, message: np });
    if (isObj(e.valueFrom)) {
      const sources = VALUE_SOURCES.filter((s) => e.valueFrom[s] !== undefined);
      if (sources.length === 0) {
        out.push({
          rule: 'api-validation',
          path: `${p}.valueFrom`,
          message:
            'valueFrom names no source; use one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef',
        });
      } else if (typeof e.value === 'string' && e.value !== '') {
        out.push({
          rule: 'api-validation',
          path: `${p}.valueFrom`,
          message: `env var "${e.name}" has both value and valueFrom; keep one`,
        });
      } else if (sources.length > 1) {
        out.push({
          rule: 'api-validation',
          path: `${p}.valueFrom`,
          message: `valueFrom names ${sources.join(' and ')}; use exactly one source`,
        });
      }
      const fp = e.valueFrom.fieldRef?.fieldPath;
      if (typeof fp === 'string' && !ENV_FIELD_PATHS.has(fp) && !ENV_SUBSCRIPTED.test(fp)) {
        out.push({
          rule: 'api-validation',
          path: `${p}.valueFrom.fieldRef.fieldPath`,
          message: `fieldPath "${fp}" is not supported for env vars; use one of ${[...ENV_FIELD_PATHS].join(', ')} or metadata.labels['<key>'] / metadata.annotations['<key>']`,
        });
      }
    }
  });
  arr(c.volumeMounts).forEach((m, i) => {
    if (isObj(m) && typeof m.name === 'string' && !volumes.has(m.name)) {
      out.push({
        rule: 'api-validation',
        path: `${path}.volumeMounts[${i}].name`,
        message: `volumeMount "${m.name}" names no volume of the pod; add the volume or fix the name`,
      });
    }
  });
  const ports = new Set<string>();
  arr(c.ports).forEach((port, i) => {
    if (!isObj(port) || typeof port.containerPort !== 'number') return;
    const key = `${port.containerPort}/${port.protocol ?? 'TCP'}`;
    if (ports.has(key))
      out.push({
        rule: 'api-validation',
        path: `${path}.ports[${i}]`,
        message: `container port ${key} is listed twice; list each port and protocol once`,
      });
    ports.add(key);
  });
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const pr = c[probe];
    if (!isObj(pr)) continue;
    const handlers = PROBE_HANDLERS.filter((h) => pr[h] !== undefined);
    if (handlers.length !== 1) {
      out.push({
        rule: 'api-validation',
        path: `${path}.${probe}`,
        message: handlers.length
          ? `${probe} has ${handlers.join(' and ')}; a probe takes exactly one handler`
          : `${probe} has no handler; use one of ${PROBE_HANDLERS.join(', ')}`,
      });
    }
  }
  const req = isObj(c.resources?.requests) ? c.resources.requests : {};
  const lim = isObj(c.resources?.limits) ? c.resources.limits : {};
  for (const [res, r] of Object.entries(req)) {
    if (lim[res] === undefined || typeof r !== 'string' || typeof lim[res] !== 'string') continue;
    const rv = quantityValue(r);
    const lv = quantityValue(lim[res]);
    if (rv !== undefined && lv !== undefined && rv > lv) {
      out.push({
        rule: 'api-validation',
        path: `${path}.resources.requests.${res}`,
        message: `${res} request ${r} is above its limit ${lim[res]}; lower the request or raise the limit`,
      });
    }
  }
}

/**
 * Rules of a pod spec (`path` is where it sits, e.g. `spec.template.spec`). `claimVolumes` are the volume
 * names a StatefulSet's volumeClaimTemplates add.
 */
export function podSpecRules(
  spec: any,
  path: string,
  inWorkload: boolean,
  claimVolumes: readonly string[] = [],
): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (!isObj(spec)) return out;
  const containers = arr(spec.containers);
  if (containers.length === 0) {
    out.push({
      rule: 'api-validation',
      path: `${path}.containers`,
      message: 'the pod has no container; add at least one',
    });
  }
  const volumes = new Set<string>();
  arr(spec.volumes).forEach((v, i) => {
    if (!isObj(v) || typeof v.name !== 'string') return;
    if (volumes.has(v.name))
      out.push({
        rule: 'api-validation',
        path: `${path}.volumes[${i}].name`,
        message: `volume name "${v.name}" is used twice; volume names must be unique`,
      });
    volumes.add(v.name);
  });
  for (const c of claimVolumes) volumes.add(c);
  const names = new Set<string>();
  for (const field of ['initContainers', 'containers']) {
    arr(spec[field]).forEach((c, i) => {
      const p = `${path}.${field}[${i}]`;
      if (isObj(c) && typeof c.name === 'string') {
        if (names.has(c.name))
          out.push({
            rule: 'api-validation',
            path: `${p}.name`,
            message: `container name "${c.name}" is used twice; container names must be unique in a pod`,
          });
        names.add(c.name);
      }
      containerRules(c, p, volumes, out);
    });
  }
  if (inWorkload && spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always') {
    out.push({
      rule: 'api-validation',
      path: `${path}.restartPolicy`,
      message: `restartPolicy "${spec.restartPolicy}" is not allowed in a workload's pod template; only "Always"`,
    });
  }
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') {
    const p = dns1123Subdomain(spec.serviceAccountName);
    if (p)
      out.push({
        rule: 'api-validation',
        path: `${path}.serviceAccountName`,
        message: `serviceAccountName ${p}`,
      });
  }
  if (isObj(spec.nodeSelector)) {
    for (const [k, v] of Object.entries(spec.nodeSelector)) {
      if (
        typeof v === 'string' &&
        v !== '' &&
        (v.length > 63 || !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(v))
      ) {
        out.push({
          rule: 'api-validation',
          path: `${path}.nodeSelector["${k}"]`,
          message: `nodeSelector value "${v}" is not a valid label value; use letters, digits, "-", "_" and "."`,
        });
      }
    }
  }
  arr(spec.tolerations).forEach((t, i) => {
    if (isObj(t) && t.operator === 'Exists' && typeof t.value === 'string' && t.value !== '') {
      out.push({
        rule: 'api-validation',
        path: `${path}.tolerations[${i}].value`,
        message:
          'a toleration with operator "Exists" takes no value; remove the value or use operator "Equal"',
      });
    }
  });
  return out;
}

/** Every rule of this module that applies to a built-in object. */
export function apiRules(obj: any): RuleProblem[] {
  const out: RuleProblem[] = [];
  const kind = String(obj?.kind ?? '');
  const spec = obj?.spec;
  if (WORKLOAD_KINDS.has(kind)) {
    const claims =
      kind === 'StatefulSet'
        ? arr(spec?.volumeClaimTemplates)
            .map((t) => t?.metadata?.name)
            .filter((n): n is string => typeof n === 'string')
        : [];
    out.push(...podSpecRules(spec?.template?.spec, 'spec.template.spec', true, claims));
    if (typeof spec?.replicas === 'number' && spec.replicas < 0) {
      out.push({
        rule: 'api-validation',
        path: 'spec.replicas',
        message: `replicas ${spec.replicas} is negative; use 0 or more`,
      });
    }
    // (a StatefulSet's revisionHistoryLimit is not checked by the API server)
    for (const f of kind === 'StatefulSet'
      ? ['minReadySeconds']
      : ['revisionHistoryLimit', 'minReadySeconds']) {
      if (typeof spec?.[f] === 'number' && spec[f] < 0)
        out.push({
          rule: 'api-validation',
          path: `spec.${f}`,
          message: `${f} ${spec[f]} is negative; use 0 or more`,
        });
    }
    const ru =
      kind === 'Deployment'
        ? spec?.strategy?.rollingUpdate
        : kind === 'DaemonSet'
          ? spec?.updateStrategy?.rollingUpdate
          : undefined;
    if (isObj(ru)) {
      const pathOf = (f: string) =>
        `spec.${kind === 'Deployment' ? 'strategy' : 'updateStrategy'}.rollingUpdate.${f}`;
      for (const f of ['maxUnavailable', 'maxSurge']) {
        const v = ru[f];
        if (typeof v === 'string' && /^\d+%$/.test(v) && Number(v.slice(0, -1)) > 100)
          out.push({ rule: 'api-validation', path: pathOf(f), message: `${f} ${v} is above 100%` });
        if (typeof v === 'number' && v < 0)
          out.push({ rule: 'api-validation', path: pathOf(f), message: `${f} ${v} is negative` });
      }
      const zero = (v: unknown) => v === 0 || v === '0%';
      // a DaemonSet's maxSurge defaults to 0, a Deployment's to 25%
      const surge = ru.maxSurge ?? (kind === 'DaemonSet' ? 0 : '25%');
      if (zero(ru.maxUnavailable) && zero(surge)) {
        out.push({
          rule: 'api-validation',
          path: pathOf('maxUnavailable'),
          message:
            'maxUnavailable and maxSurge are both 0, so no pod could ever be replaced; raise one of them',
        });
      }
    }
    if (kind === 'StatefulSet' && typeof spec?.serviceName === 'string' && spec.serviceName !== '') {
      const p = dns1123Label(spec.serviceName);
      if (p) out.push({ rule: 'api-validation', path: 'spec.serviceName', message: `serviceName ${p}` });
    }
  } else if (kind === 'Pod') {
    out.push(...podSpecRules(spec, 'spec', false));
  } else if (kind === 'Job' || kind === 'CronJob') {
    const t = kind === 'Job' ? spec?.template : spec?.jobTemplate?.spec?.template;
    out.push(
      ...podSpecRules(
        t?.spec,
        kind === 'Job' ? 'spec.template.spec' : 'spec.jobTemplate.spec.template.spec',
        false,
      ),
    );
  }
  switch (kind) {
    case 'Service': {
      const ports = arr(spec?.ports);
      const headless = spec?.clusterIP === 'None';
      if (!ports.length && !headless && spec?.type !== 'ExternalName') {
        out.push({
          rule: 'api-validation',
          path: 'spec.ports',
          message: 'the Service has no port; add one (only headless and ExternalName Services may have none)',
        });
      }
      if (headless && (spec?.type === 'NodePort' || spec?.type === 'LoadBalancer')) {
        out.push({
          rule: 'api-validation',
          path: 'spec.clusterIP',
          message: `clusterIP "None" (headless) is not allowed for a ${spec.type} Service; use type ClusterIP or drop clusterIP`,
        });
      }
      const seen = new Set<string>();
      ports.forEach((p, i) => {
        if (!isObj(p)) return;
        if (ports.length > 1 && (typeof p.name !== 'string' || p.name === '')) {
          out.push({
            rule: 'api-validation',
            path: `spec.ports[${i}].name`,
            message: 'a Service with several ports must name each of them',
          });
        }
        if (typeof p.name === 'string') {
          if (seen.has(p.name))
            out.push({
              rule: 'api-validation',
              path: `spec.ports[${i}].name`,
              message: `port name "${p.name}" is used twice; port names must be unique`,
            });
          seen.add(p.name);
        }
      });
      break;
    }
    case 'ConfigMap':
    case 'Secret':
      for (const field of ['data', 'binaryData', 'stringData']) {
        if (!isObj(obj[field])) continue;
        for (const k of Object.keys(obj[field])) {
          if (!CONFIG_KEY.test(k) || k.length > 253) {
            out.push({
              rule: 'api-validation',
              path: `${field}["${k}"]`,
              message: `key "${k}" is invalid; use letters, digits, "-", "_" and "." (at most 253)`,
            });
          }
        }
      }
      break;
    case 'PersistentVolumeClaim':
      if (!isObj(spec?.dataSourceRef) && spec?.resources?.requests?.storage === undefined) {
        out.push({
          rule: 'api-validation',
          path: 'spec.resources.requests.storage',
          message: 'the claim requests no storage; set resources.requests.storage, e.g. 10Gi',
        });
      }
      break;
    case 'PodDisruptionBudget': {
      if (spec?.minAvailable !== undefined && spec?.maxUnavailable !== undefined) {
        out.push({
          rule: 'api-validation',
          path: 'spec',
          message: 'minAvailable and maxUnavailable are both set; keep one',
        });
      }
      for (const f of ['minAvailable', 'maxUnavailable']) {
        const v = spec?.[f];
        if (typeof v === 'string' && /^\d+%$/.test(v) && Number(v.slice(0, -1)) > 100) {
          out.push({ rule: 'api-validation', path: `spec.${f}`, message: `${f} ${v} is above 100%` });
        }
      }
      break;
    }
    case 'Role':
    case 'ClusterRole':
      arr(obj.rules).forEach((r, i) => {
        if (isObj(r) && !arr(r.verbs).length)
          out.push({
            rule: 'api-validation',
            path: `rules[${i}].verbs`,
            message: 'the rule has no verbs; list at least one (e.g. get, list, watch)',
          });
      });
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const ref = obj.roleRef;
      if (isObj(ref)) {
        if (ref.apiGroup !== 'rbac.authorization.k8s.io') {
          out.push({
            rule: 'api-validation',
            path: 'roleRef.apiGroup',
            message: `roleRef.apiGroup "${ref.apiGroup ?? ''}" is not supported; use rbac.authorization.k8s.io`,
          });
        }
        const kinds = kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
        if (!kinds.includes(ref.kind))
          out.push({
            rule: 'api-validation',
            path: 'roleRef.kind',
            message: `roleRef.kind "${ref.kind ?? ''}" is not supported; use ${kinds.join(' or ')}`,
          });
      }
      arr(obj.subjects).forEach((s, i) => {
        if (!isObj(s)) return;
        if (!['User', 'Group', 'ServiceAccount'].includes(s.kind)) {
          out.push({
            rule: 'api-validation',
            path: `subjects[${i}].kind`,
            message: `subject kind "${s.kind}" is not supported; use User, Group or ServiceAccount`,
          });
        } else if (s.kind === 'ServiceAccount' && kind === 'ClusterRoleBinding' && !s.namespace) {
          out.push({
            rule: 'api-validation',
            path: `subjects[${i}].namespace`,
            message: `ServiceAccount subject "${s.name}" has no namespace; a ClusterRoleBinding must name it`,
          });
        }
      });
      break;
    }
    case 'MutatingWebhookConfiguration':
    case 'ValidatingWebhookConfiguration': {
      const seen = new Set<string>();
      arr(obj.webhooks).forEach((w, i) => {
        if (!isObj(w)) return;
        if (typeof w.name === 'string') {
          if (seen.has(w.name))
            out.push({
              rule: 'api-validation',
              path: `webhooks[${i}].name`,
              message: `webhook name "${w.name}" is used twice; names must be unique`,
            });
          seen.add(w.name);
        }
        // admissionregistration.k8s.io/v1: only side-effect-free webhooks, at most 30 s
        if (
          obj.apiVersion === 'admissionregistration.k8s.io/v1' &&
          w.sideEffects !== undefined &&
          w.sideEffects !== 'None' &&
          w.sideEffects !== 'NoneOnDryRun'
        ) {
          out.push({
            rule: 'api-validation',
            path: `webhooks[${i}].sideEffects`,
            message: `sideEffects "${w.sideEffects}" is not allowed in admissionregistration.k8s.io/v1; use None or NoneOnDryRun`,
          });
        }
        if (typeof w.timeoutSeconds === 'number' && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30)) {
          out.push({
            rule: 'api-validation',
            path: `webhooks[${i}].timeoutSeconds`,
            message: `timeoutSeconds ${w.timeoutSeconds} is out of range; use 1 to 30`,
          });
        }
        const cc = w.clientConfig;
        if (isObj(cc) && (cc.url !== undefined) === (cc.service !== undefined)) {
          out.push({
            rule: 'api-validation',
            path: `webhooks[${i}].clientConfig`,
            message: 'clientConfig needs exactly one of url and service',
          });
        }
      });
      break;
    }
    case 'CustomResourceDefinition': {
      const storage = arr(spec?.versions).filter((v) => isObj(v) && v.storage === true);
      if (arr(spec?.versions).length && storage.length !== 1) {
        out.push({
          rule: 'api-validation',
          path: 'spec.versions',
          message: `${storage.length} versions are marked storage; exactly one must be`,
        });
      }
      if (spec?.scope !== undefined && spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
        out.push({
          rule: 'api-validation',
          path: 'spec.scope',
          message: `scope "${spec.scope}" is not supported; use Namespaced or Cluster`,
        });
      }
      break;
    }
    default:
      break;
  }
  return out;
}
