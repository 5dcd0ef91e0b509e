import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { Backend } from '../lib/backends';
import { AgentDelivery, CollectorAgent, CollectorRuntime } from '../lib/collector';
import { AttributeAction, Policy, Processor } from '../lib/collector/config';
import { Instrumentation } from '../lib/instrumentation';
import { expectValid } from './helpers/validate';
import { testApp } from './helpers/temp';

const chart = () => new Chart(testApp(), 'test', { namespace: 'observability' });
const find = (objs: any[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const configOf = (objs: any[]) => parse(find(objs, 'ConfigMap', 'otel-agent-config').data['collector.yaml']);
const containerOf = (objs: any[]) => find(objs, 'DaemonSet').spec.template.spec.containers[0];

describe('CollectorAgent without a gateway (plain manifests)', () => {
  const c = chart();
  const backend = Backend.tempo().bind(c, 'tempo');
  const agent = new CollectorAgent(c, 'agent', { backend });
  const objs = Testing.synth(c);
  const cfg = configOf(objs);
  const container = containerOf(objs);
  const pod = find(objs, 'DaemonSet').spec.template.spec;

  test('validates clean (Kubernetes schema + cross-object checks) and matches the snapshot', () => {
    expectValid(c);
    expect(objs.filter((o) => o.metadata.name.startsWith('otel-agent') || o.metadata.name === 'observability-otel-agent')).toMatchSnapshot();
  });

  test('OTLP gRPC and HTTP receivers listen on 0.0.0.0 and the ports reach container and Service', () => {
    expect(cfg.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(cfg.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    const svc = find(objs, 'Service', 'otel-agent');
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual(expect.arrayContaining([4317, 4318]));
    expect(container.ports.map((p: any) => p.containerPort)).toEqual(expect.arrayContaining([4317, 4318, 13133, 8888]));
  });

  test('default delivery: node-local Service, endpoint is its DNS name, no env needed', () => {
    expect(find(objs, 'Service', 'otel-agent').spec.internalTrafficPolicy).toBe('Local');
    expect(agent.otlpGrpcUrl).toBe('http://otel-agent.observability.svc.cluster.local:4317');
    expect(agent.otlpHttpUrl).toBe('http://otel-agent.observability.svc.cluster.local:4318');
    expect(agent.requiredEnv).toEqual([]);
    expect(container.ports.some((p: any) => p.hostPort !== undefined)).toBe(false);
  });

  test('pipeline: memory_limiter first (percentage form), k8s_attributes filtered to the node, batch last, backend exporter with retry + queue', () => {
    const procs: string[] = cfg.service.pipelines.traces.processors;
    expect(procs[0]).toBe('memory_limiter');
    expect(procs[procs.length - 1]).toBe('batch');
    expect(cfg.processors.memory_limiter).toMatchObject({ limit_percentage: 80, spike_limit_percentage: 25 });
    expect(cfg.processors.memory_limiter.limit_mib).toBeUndefined();
    const k8s = cfg.processors.k8s_attributes;
    expect(k8s.passthrough).toBeUndefined();
    expect(k8s.filter.node_from_env_var).toBe('OTEL_K8S_NODE_NAME');
    // the variable the filter reads is set from the downward API
    expect(container.env).toContainEqual({ name: 'OTEL_K8S_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } });
    const exp = cfg.exporters['otlp_grpc/tempo'];
    expect(exp.endpoint).toBe('tempo.observability.svc.cluster.local:4317');
    expect(exp.retry_on_failure.enabled).toBe(true);
    expect(exp.sending_queue.enabled).toBe(true);
  });

  test('RBAC: exactly get/list/watch on pods, namespaces, nodes and apps/replicasets, bound to the agent ServiceAccount', () => {
    const role = find(objs, 'ClusterRole');
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    ]);
    const flat = JSON.stringify(role.rules);
    expect(flat).not.toContain('*');
    const binding = find(objs, 'ClusterRoleBinding');
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: 'observability' }]);
    // k8s_attributes needs the token: cdk8s-plus would turn it off
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('memory safety: GOMEMLIMIT is 80 % of the memory limit; requests/limits set', () => {
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(container.env).toContainEqual({ name: 'GOMEMLIMIT', value: `${Math.floor(512 * 0.8)}MiB` });
  });

  test('health probes on health_check 13133 (0.0.0.0), self-metrics port 8888', () => {
    expect(cfg.extensions.health_check.endpoint).toBe('0.0.0.0:13133');
    expect(container.livenessProbe.httpGet).toEqual({ path: '/', port: 13133 });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 13133 });
    expect(cfg.service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({ host: '0.0.0.0', port: 8888 });
  });

  test('runs on every node and is locked down: tolerate all taints, non-root, read-only root fs, no escalation, no capabilities', () => {
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.args).toEqual(['--config=/conf/collector.yaml']);
    expect(container.image).toMatch(/opentelemetry-collector-k8s:0\.158\.0$/);
  });
});

describe('CollectorAgent options', () => {
  test('hostPort delivery: receiver ports bound on the node, endpoint from $(OTEL_NODE_IP), usable by Instrumentation', () => {
    const c = chart();
    const agent = new CollectorAgent(c, 'agent', { backend: Backend.tempo().bind(c, 'tempo'), delivery: AgentDelivery.hostPort() });
    new Instrumentation(c, 'inst', { endpoint: agent, name: 'default' });
    const objs = Testing.synth(c);
    // the Instrumentation CR carries the URL and the downward-API variable it references
    const inst = JSON.stringify(find(objs, 'Instrumentation').spec);
    expect(inst).toContain('$(OTEL_NODE_IP):4317');
    expect(inst).toContain('status.hostIP');
    const ports = containerOf(objs).ports;
    expect(ports.filter((p: any) => p.hostPort).map((p: any) => p.hostPort).sort()).toEqual([4317, 4318]);
    // health and metrics stay pod-local
    expect(ports.find((p: any) => p.containerPort === 13133).hostPort).toBeUndefined();
    expect(agent.otlpGrpcUrl).toBe('http://$(OTEL_NODE_IP):4317');
    expect(agent.requiredEnv).toEqual([{ name: 'OTEL_NODE_IP', fieldPath: 'status.hostIP' }]);
    expectValid(c);
  });

  test('priorityClassName, no tolerations on opt-out, custom resources change GOMEMLIMIT', () => {
    const c = chart();
    new CollectorAgent(c, 'agent', {
      backend: Backend.tempo().bind(c, 'tempo'),
      priorityClassName: 'system-node-critical',
      tolerateAllTaints: false,
      resources: { memoryLimitMiB: 1000, cpuLimitMillis: 500 },
    });
    const objs = Testing.synth(c);
    const pod = find(objs, 'DaemonSet').spec.template.spec;
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.tolerations).toBeUndefined();
    const container = containerOf(objs);
    expect(container.env).toContainEqual({ name: 'GOMEMLIMIT', value: '800MiB' });
    // an explicit limit without a request gets request = limit (no memory overcommit)
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '1000Mi' }, limits: { memory: '1000Mi', cpu: '500m' } });
    expectValid(c);
  });

  test('external backend: header values from Secrets as env, CA mounted, nothing inlined', () => {
    const c = chart();
    const backend = Backend.otlp('https://otlp.vendor.example.com:4317', {
      headers: [{ name: 'x-api-key', valueFrom: { name: 'vendor', key: 'api-key' } }],
      tls: { caFrom: { name: 'vendor-ca', key: 'ca.crt' } },
    }).bind(c, 'b');
    new CollectorAgent(c, 'agent', { backend });
    const objs = Testing.synth(c);
    const container = containerOf(objs);
    const cfg = configOf(objs);
    const exp: any = Object.values(cfg.exporters)[0];
    const header = exp.headers['x-api-key'];
    const envName = /^\$\{env:([A-Z0-9_]+)\}$/.exec(header)![1];
    expect(container.env).toContainEqual({ name: envName, valueFrom: { secretKeyRef: { name: 'vendor', key: 'api-key' } } });
    expect(exp.tls.ca_file).toBe('/etc/otelcol/backend-ca/ca.crt');
    const pod = find(objs, 'DaemonSet').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'backend-ca', secret: { secretName: 'vendor-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(container.volumeMounts).toContainEqual({ name: 'backend-ca', mountPath: '/etc/otelcol/backend-ca', readOnly: true });
    // the exporter goes outside the cluster: the cross-object check accepts external URLs
    expectValid(c);
  });

  test('extra processors run between k8s_attributes and batch', () => {
    const c = chart();
    new CollectorAgent(c, 'agent', {
      backend: Backend.tempo().bind(c, 'tempo'),
      processors: [Processor.attributes({ actions: [AttributeAction.hash('user.id')] })],
    });
    const procs = configOf(Testing.synth(c)).service.pipelines.traces.processors;
    expect(procs).toEqual(['memory_limiter', 'k8s_attributes', 'attributes', 'batch']);
  });

  test('single-node clusters may tail-sample in the agent when they say so', () => {
    const c = chart();
    new CollectorAgent(c, 'agent', {
      backend: Backend.tempo().bind(c, 'tempo'),
      singleNode: true,
      processors: [Processor.tailSampling({ policies: [Policy.statusCode('ERROR')] })],
    });
    const cfg = configOf(Testing.synth(c));
    expect(cfg.service.pipelines.traces.processors).toEqual(['memory_limiter', 'k8s_attributes', 'tail_sampling', 'batch']);
    expectValid(c);
  });

  test('operator runtime: daemonset CR, endpoint uses the operator Service name <name>-collector', () => {
    const c = chart();
    const agent = new CollectorAgent(c, 'agent', { backend: Backend.tempo().bind(c, 'tempo'), runtime: CollectorRuntime.operator() });
    const cr = find(Testing.synth(c), 'OpenTelemetryCollector');
    expect(cr.spec.mode).toBe('daemonset');
    expect(agent.otlpGrpcUrl).toBe('http://otel-agent-collector.observability.svc.cluster.local:4317');
    expect(cr.spec.config).toEqual(agent.config.toObject());
    expectValid(c);
  });

  test('operator runtime with hostPort: the CR overrides the derived receiver ports with hostPort entries', () => {
    const c = chart();
    new CollectorAgent(c, 'agent', {
      backend: Backend.tempo().bind(c, 'tempo'),
      runtime: CollectorRuntime.operator(),
      delivery: AgentDelivery.hostPort(),
    });
    const cr = find(Testing.synth(c), 'OpenTelemetryCollector');
    expect(cr.spec.ports.map((p: any) => [p.port, p.hostPort])).toEqual([[4317, 4317], [4318, 4318]]);
    // the operator drops inferred ports with the same number, so these replace (not duplicate) them
    expect(cr.spec.ports.map((p: any) => p.name)).toEqual(['otlp-grpc', 'otlp-http']);
    expectValid(c);
  });
});
