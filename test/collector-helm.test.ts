/**
 * What users run today (the opentelemetry-collector Helm chart 0.170.0, rendered in
 * ../shared/reference/helm-rendered/opentelemetry-collector, read at test time) against what we emit.
 * Everything in their workloads that matters at runtime must be in ours too; the differences below are
 * on purpose:
 * - receivers bind 0.0.0.0 (Helm: ${env:MY_POD_IP}); needed for hostPort and harmless behind a Service;
 * - only OTLP receivers (Helm also opens jaeger/zipkin/prometheus); this is a tracing stack fed by OTLP SDKs;
 * - the agent's default delivery is a node-local Service, hostPort is an option (Helm: hostPort always);
 * - a restricted security context (Helm: `{}`), and `fsGroup` instead of the Helm example's root
 *   `chown` init container (busybox:latest) to make the queue PVC writable;
 * - PVCs are retained when scaling down (`whenScaled: Retain`, Helm example: Delete): a scaled-down
 *   replica's queue is not silently destroyed;
 * - the passthrough agent does not mount a ServiceAccount token (it never calls the API server);
 * - the config file is /conf/collector.yaml (Helm: /conf/relay.yaml); same `--config` mechanism.
 */
import { Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Backend } from '../lib/backends';
import { AgentDelivery, CollectorAgent, goMemLimit, TailSamplingGateway } from '../lib/collector';
import { Policy } from '../lib/collector/config';
import { describeWithReference, ref } from './helpers/reference';
import { expectValid } from './helpers/validate';
import { testApp } from './helpers/temp';
import { quantityValue } from '../lib/common/quantity';

const HELM = (...p: string[]) => ref('helm-rendered', 'opentelemetry-collector', ...p);

function helmObjects(example: string): any[] {
  const dir = HELM(example, 'rendered');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()))
    .filter((o) => o && o.kind);
}

function ours(delivery?: AgentDelivery, persistent = false) {
  const chart = new Chart(testApp(), 'ours', { namespace: 'default' });
  const backend = Backend.tempo().bind(chart, 'tempo');
  const gateway = new TailSamplingGateway(chart, 'gw', {
    backend,
    policies: [Policy.statusCode('ERROR')],
    replicas: 2,
    persistentQueue: persistent ? { sizeGiB: 1 } : undefined,
  });
  new CollectorAgent(chart, 'agent', { gateway, delivery });
  const objs = Testing.synth(chart);
  expectValid(chart);
  return {
    agent: objs.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'otel-agent'),
    gateway: objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'otel-gateway'),
    objs,
  };
}

const container = (w: any) => w.spec.template.spec.containers[0];
const downwardEnv = (c: any) =>
  Object.fromEntries((c.env ?? []).filter((e: any) => e.valueFrom?.fieldRef).map((e: any) => [e.name, e.valueFrom.fieldRef.fieldPath]));

/** The comparison every Helm workload goes through. */
function expectCarriesWhatHelmCarries(theirs: any, mine: any) {
  const t = container(theirs);
  const m = container(mine);
  // downward-API env (MY_POD_IP, OTEL_K8S_*): same names, same fields, so copied configs keep working
  expect(Object.keys(downwardEnv(t)).length).toBeGreaterThan(0);
  expect(downwardEnv(m)).toMatchObject(downwardEnv(t));
  // OTLP ports by number and protocol
  const otlp = (c: any) => c.ports.filter((p: any) => [4317, 4318].includes(p.containerPort)).map((p: any) => `${p.containerPort}/${p.protocol}`).sort();
  expect(otlp(t)).toEqual(['4317/TCP', '4318/TCP']);
  expect(otlp(m)).toEqual(otlp(t));
  // probes on the health_check extension
  for (const probe of ['livenessProbe', 'readinessProbe']) {
    expect(m[probe].httpGet).toEqual(t[probe].httpGet);
  }
  // same binary, config passed with --config from a ConfigMap mounted at /conf
  expect(m.command).toEqual(t.command);
  expect(t.args[0]).toMatch(/^--config=\/conf\//);
  expect(m.args[0]).toMatch(/^--config=\/conf\//);
  const confMount = (c: any) => c.volumeMounts.find((v: any) => v.mountPath === '/conf');
  const confVolume = (w: any, name: string) => w.spec.template.spec.volumes.find((v: any) => v.name === name);
  expect(confVolume(theirs, confMount(t).name).configMap).toBeDefined();
  expect(confVolume(mine, confMount(m).name).configMap).toBeDefined();
  // the image of the same distribution and version
  expect(m.image).toBe(t.image);
  // security context: Helm leaves it empty, ours is restricted
  expect(t.securityContext ?? {}).toEqual({});
  expect(m.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  // Helm sets resources only on request; ours always has requests and a memory limit
  expect(m.resources.requests.memory).toBeDefined();
  expect(m.resources.limits.memory).toBeDefined();
}

describeWithReference('Helm renders vs our workloads', () => {
  test('daemonset-only: the agent carries env, OTLP ports, probes, config mount; hostPort on request', () => {
    const theirs = helmObjects('daemonset-only').find((o) => o.kind === 'DaemonSet');
    const { agent } = ours(AgentDelivery.hostPort());
    expectCarriesWhatHelmCarries(theirs, agent);
    const hostPorts = (c: any) => c.ports.filter((p: any) => [4317, 4318].includes(p.containerPort)).map((p: any) => p.hostPort);
    expect(hostPorts(container(agent))).toEqual(hostPorts(container(theirs)));
  });

  test('daemonset-and-deployment: agent and gateway both carry what the Helm pair carries; Service ports with appProtocol', () => {
    const helm = helmObjects('daemonset-and-deployment');
    const { agent, gateway, objs } = ours();
    expectCarriesWhatHelmCarries(helm.find((o) => o.kind === 'DaemonSet'), agent);
    expectCarriesWhatHelmCarries(helm.find((o) => o.kind === 'Deployment'), gateway);
    // Helm mounts the token everywhere; we mount it where the API is used: the gateway (k8s_attributes),
    // not the passthrough agent (different on purpose: least privilege)
    expect(helm.find((o) => o.kind === 'Deployment').spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(gateway.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(agent.spec.template.spec.automountServiceAccountToken).toBe(false);
    const svcPort = (svc: any, port: number) => svc.spec.ports.find((p: any) => p.port === port);
    const theirSvc = helm.find((o) => o.kind === 'Service');
    const mySvc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'otel-gateway');
    expect(svcPort(mySvc, 4317).appProtocol).toBe(svcPort(theirSvc, 4317).appProtocol);
    expect(svcPort(mySvc, 4318).protocol).toBe(svcPort(theirSvc, 4318).protocol);
  });

  test('statefulset-with-pvc: queue PVC per replica mounted in the collector; fsGroup instead of a root init container', () => {
    const theirs = helmObjects('statefulset-with-pvc').find((o) => o.kind === 'StatefulSet');
    const { gateway } = ours(undefined, true);
    expectCarriesWhatHelmCarries(theirs, gateway);
    const claim = (w: any) => w.spec.volumeClaimTemplates[0];
    expect(claim(gateway).spec.accessModes).toEqual(claim(theirs).spec.accessModes);
    expect(claim(gateway).spec.resources).toEqual(claim(theirs).spec.resources);
    // their queue volume is mounted in the collector container, so is ours
    const mountOf = (w: any) => container(w).volumeMounts.find((v: any) => v.name === claim(w).metadata.name);
    expect(mountOf(theirs)).toBeDefined();
    expect(mountOf(gateway)).toBeDefined();
    // they chown as root in an init container; we let the kubelet set group ownership
    expect(theirs.spec.template.spec.initContainers[0].command.join(' ')).toContain('chown');
    expect(gateway.spec.template.spec.initContainers).toBeUndefined();
    expect(gateway.spec.template.spec.securityContext.fsGroup).toBe(10001);
    expect(gateway.spec.podManagementPolicy).toBe(theirs.spec.podManagementPolicy);
  });

  test('using-GOMEMLIMIT: our GOMEMLIMIT formula gives the Helm value for the same limit', () => {
    const theirs = helmObjects('using-GOMEMLIMIT').find((o) => o.kind === 'Deployment');
    const c = container(theirs);
    const limit: string = c.resources.limits.memory; // "200M" = 200e6 bytes
    const m = /^(\d+)M$/.exec(limit);
    expect(m).not.toBeNull();
    const limitMiB = (Number(m![1]) * 1e6) / 2 ** 20;
    const helmValue = c.env.find((e: any) => e.name === 'GOMEMLIMIT').value;
    expect(goMemLimit(limitMiB)).toBe(helmValue);
    // and every workload of ours sets GOMEMLIMIT from its own limit
    const { agent, gateway } = ours();
    for (const w of [agent, gateway]) {
      const mine = container(w);
      // canonical quantity (2Gi, 512Mi): the value in MiB
      const mib = quantityValue(mine.resources.limits.memory)! / 2 ** 20;
      expect(Number.isInteger(mib)).toBe(true);
      expect(mine.env).toContainEqual({ name: 'GOMEMLIMIT', value: goMemLimit(mib) });
    }
  });
});
