/**
 * A real trace flow across nodes. Three "nodes" and their pods are network namespaces on a private
 * fabric (10.213.0.0/24, no route out); each pod runs the program of its emitted container:
 *
 *   frontend (Node.js + auto-instrumentations-node 0.78.0, node-1) --HTTP--> checkout (Go SDK, node-2)
 *      | OTLP/HTTP :4318                                                        | OTLP/gRPC :4317
 *   otel-agent on node-1                                               otel-agent on node-2
 *      \______________ load_balancing by trace id (dns resolver) ________________/
 *                 otel-gateway-0 / -1 / -2 (tail_sampling)  ->  Jaeger v2 (memory)
 *
 * The stack is the reference tail-sampling stack (errors, latency > 1000 ms, 10 % of the rest) with the
 * Jaeger v2 in-memory backend: Grafana Tempo 3 cannot be built here (the module proxy does not serve
 * github.com/grafana/tempo v3 and the environment marks it not-to-use, AGPL), so this runs Jaeger only.
 * The gateway's k8s_attributes runs as emitted against a real kube-apiserver (etcd + kube-apiserver of
 * the cluster harness on 127.0.0.1, reached from each gateway pod's namespace through a forwarder over
 * a unix socket; harness/flow-kube-api.ts): the stack's ServiceAccounts, ClusterRole and binding are
 * applied as emitted, each gateway pod gets a TokenRequest token of its ServiceAccount and the cluster
 * CA, and the flow's pods are registered with their fabric addresses, so the gateway enriches the spans
 * by k8s.pod.ip (asserted: k8s.pod.uid of the registered pods arrives in Jaeger). The agents'
 * k8s_attributes is in passthrough mode (no API client) and runs as emitted. Every change the harness
 * makes is listed in harness/flow-setup.ts FLOW_REWRITES (the config file path; the Node.js agent path)
 * and asserted exactly here and in the fault tests.
 *
 * The apps are configured only by the env the operator v0.158.0 webhook injects for the emitted
 * Instrumentation (harness/operator-inject.ts), resolved as the kubelet does. Assertions go through
 * Jaeger's query API: every error and slow trace stored whole (every span, from both nodes), the share
 * of healthy traces kept within a 4-sigma binomial bound of the policy's percentage, no stored trace
 * partial, and Node.js spans present (the 4317/4318 fix).
 */
import { Chart, Testing } from 'cdk8s';
import { CollectorRuntime } from '../../lib/collector/collector-runtime';
import { TracingStack } from '../../lib/stack';
import { dnsQuery } from './harness/dns';
import { versionNote } from './harness/e2e';
import { findConfigs } from './harness/emitted';
import { diffValues, FlowCluster, metricSum } from './harness/flow';
import { FlowKubeApi } from './harness/flow-kube-api';
import { describeFlowE2E, FLOW_REWRITES, startFlowCluster } from './harness/flow-setup';
import { flowStackProps } from './harness/flow-stack';
import { cleanupTempDirs, sleep, stopAll, tempDir, waitFor } from './harness/procs';
import { binomialBounds, checkAll, drive, JaegerQuery, mix, Sent, tally, TraceCheck } from './harness/traces';

/** Spans the frontend makes per request: instrumentation-http's server span and its client span (server.js). */
const FRONTEND_SPANS = 2;
/** The mix: healthy fast traces (sampled by the probabilistic policy), error traces, slow traces. */
const COUNTS = { ok: 3000, error: 80, slow: 50 } as const;
const TOTAL = COUNTS.ok + COUNTS.error + COUNTS.slow;
const Z = 4;

describeFlowE2E(
  'trace flow: Node.js + Go SDKs -> agents on 2 nodes -> load_balancing -> 3 tail-sampling gateways -> Jaeger v2',
  () => {
    const work = tempDir('trace-flow');
    let cluster: FlowCluster;
    let objects: any[];
    let jaeger: JaegerQuery;
    let sent: Sent[] = [];
    let checks: TraceCheck[] = [];
    let podUids: Map<string, string>;
    let kube: FlowKubeApi;
    const window = { start: 0, end: 0 };
    const started = Date.now();

    beforeAll(async () => {
      const up = await startFlowCluster(work);
      cluster = up.cluster;
      objects = up.objects;
      podUids = up.podUids;
      kube = up.kube;
      const j = cluster.deploymentPod('jaeger').pod;
      jaeger = new JaegerQuery(`http://${j.ip}:16686`);
      console.log(
        `trace flow: ${versionNote('otelcol')}; ${versionNote('jaeger')}; ${versionNote('kubernetes')}; cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s (control plane ${(up.kubeApiMs / 1000).toFixed(1)} s)`,
      );
    }, 240_000);

    afterAll(async () => {
      await cluster?.shutdown();
      await stopAll();
      cleanupTempDirs();
      console.log(`trace flow: total ${((Date.now() - started) / 1000).toFixed(0)} s`);
    });

    // Tempo 3.0.3 is the stack's other backend: not run (module proxy does not serve github.com/grafana/tempo v3; not-to-use, AGPL)
    test.skip('Grafana Tempo 3 backend: not buildable here (the module proxy does not serve github.com/grafana/tempo v3; the environment marks it not-to-use, AGPL)', () =>
      undefined);

    test('the harness changes exactly the listed things (and nothing else)', () => {
      const got = cluster.rewrites.map(({ why: _why, ...r }) => r);
      for (const r of cluster.rewrites)
        console.log(
          `rewrite: ${r.workload} ${r.key}: ${JSON.stringify(r.from)} -> ${JSON.stringify(r.to)} (${r.why})`,
        );
      expect(got).toEqual(FLOW_REWRITES);
    });

    test("the gateway's k8s_attributes runs as emitted against kube-apiserver, authorized by the emitted RBAC", async () => {
      // the gateways ran with the processor (no rewrite removed it) and no API error in their logs
      const gateways = cluster.podsOf('StatefulSet', 'otel-gateway');
      expect(gateways).toHaveLength(3);
      for (const g of gateways) {
        const bad = g
          .proc!.output()
          .split('\n')
          .filter((l) => /forbidden|unauthorized|failed to (list|watch)|x509|connection refused/i.test(l));
        expect({ pod: g.pod.name, bad }).toEqual({ pod: g.pod.name, bad: [] });
      }
      // what the API server's RBAC grants each collector ServiceAccount (the emitted ClusterRole binds the gateway's only)
      const can = async (sa: string, verb: string, group: string, resource: string) => {
        const r = await kube.client.ok('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: `system:serviceaccount:observability:${sa}`,
              resourceAttributes: { verb, group, resource },
            },
          },
        });
        return r.body.status.allowed === true;
      };
      const reads = [
        ['', 'pods'],
        ['', 'namespaces'],
        ['apps', 'replicasets'],
      ] as const;
      const grants: string[] = [];
      for (const sa of ['otel-gateway', 'otel-agent'])
        for (const [group, resource] of reads)
          for (const verb of ['list', 'watch'])
            if (await can(sa, verb, group, resource))
              grants.push(`${sa} ${verb} ${group || 'core'}/${resource}`);
      expect(grants).toEqual(
        reads.flatMap(([group, resource]) =>
          ['list', 'watch'].map((verb) => `otel-gateway ${verb} ${group || 'core'}/${resource}`),
        ),
      );
    });

    test('with the operator runtime the collector configs are the same, up to the gateway Service name', () => {
      const app = Testing.app();
      const chart = new Chart(app, 'flow', { namespace: 'observability' });
      new TracingStack(chart, 'tracing', { ...flowStackProps(), runtime: CollectorRuntime.operator() });
      const operator = findConfigs(Testing.synth(chart));
      const manifests = findConfigs(objects);
      const pick = (list: typeof operator, re: RegExp) => list.find((c) => re.test(c.where))!.config;
      expect(diffValues(pick(manifests, /otel-gateway /), pick(operator, /otel-gateway$/))).toEqual([]);
      expect(diffValues(pick(manifests, /otel-agent /), pick(operator, /otel-agent$/))).toEqual([
        {
          key: 'exporters.load_balancing.resolver.dns.hostname',
          from: 'otel-gateway-headless.observability.svc.cluster.local',
          to: 'otel-gateway-collector-headless.observability.svc.cluster.local',
        },
      ]);
    });

    test('cluster DNS: the node-local agent Service answers each node with its own agent; the headless gateway Service with the 3 replicas', () => {
      const agents = cluster.podsOf('DaemonSet', 'otel-agent');
      const gateways = cluster
        .podsOf('StatefulSet', 'otel-gateway')
        .map((p) => p.pod.ip)
        .sort();
      expect(agents).toHaveLength(3);
      expect(gateways).toHaveLength(3);
      for (const node of cluster.nodes) {
        const ns = cluster.fabric.ns(node.short);
        const own = agents.filter((a) => a.pod.node.name === node.name).map((a) => a.pod.ip);
        expect(own).toHaveLength(1);
        expect(dnsQuery(ns, node.ip, 'otel-agent.observability.svc.cluster.local')).toEqual(own);
        expect(dnsQuery(ns, node.ip, 'otel-gateway-headless.observability.svc.cluster.local').sort()).toEqual(
          gateways,
        );
        expect(dnsQuery(ns, node.ip, 'jaeger.observability.svc.cluster.local')).toEqual([
          cluster.deploymentPod('jaeger').pod.ip,
        ]);
        expect(dnsQuery(ns, node.ip, 'no-such-service.observability.svc.cluster.local')).toEqual([]);
      }
    });

    test('the apps get the env the operator injects for the emitted Instrumentation (Node.js: OTLP/HTTP 4318; Go SDK: OTLP/gRPC 4317)', () => {
      const inst = objects.find((o) => o.kind === 'Instrumentation');
      const fe = cluster.envOf(cluster.deploymentPod('frontend').pod.name);
      const co = cluster.envOf(cluster.deploymentPod('checkout').pod.name);
      for (const [name, env] of [
        ['frontend', fe],
        ['checkout', co],
      ] as const) {
        console.log(
          `${name} env:\n${Object.entries(env)
            .filter(([k]) => /^(OTEL_|NODE_OPTIONS)/.test(k))
            .map(([k, v]) => `  ${k}=${v}`)
            .join('\n')}`,
        );
      }
      const nodeEndpoint = inst.spec.nodejs.env.find(
        (e: any) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT',
      ).value;
      expect(nodeEndpoint).toMatch(/:4318$/);
      expect(fe.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(nodeEndpoint);
      expect(co.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(inst.spec.exporter.endpoint);
      expect(co.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/:4317$/);
      expect([fe.OTEL_SERVICE_NAME, co.OTEL_SERVICE_NAME]).toEqual(['frontend', 'checkout']);
      for (const env of [fe, co]) {
        expect(env.OTEL_PROPAGATORS).toBe(inst.spec.propagators.join(','));
        expect(env.OTEL_TRACES_SAMPLER).toBe(inst.spec.sampler.type);
        expect(env.OTEL_TRACES_SAMPLER_ARG).toBe(inst.spec.sampler.argument);
      }
      expect(fe.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.node.name=node-1');
      expect(co.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.node.name=node-2');
      expect(fe.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.deployment.name=frontend');
      expect(fe.OTEL_RESOURCE_ATTRIBUTES).toContain(
        `k8s.pod.name=${cluster.deploymentPod('frontend').pod.name}`,
      );
      expect(fe.OTEL_METRICS_EXPORTER).toBe('otlp');
    });

    test(`sends ${COUNTS.ok} healthy, ${COUNTS.error} error and ${COUNTS.slow} slow requests through both apps`, async () => {
      const fe = cluster.deploymentPod('frontend').pod;
      const agentOf = (node: string) =>
        cluster.podsOf('DaemonSet', 'otel-agent').find((a) => a.pod.node.name === node)!.pod.name;
      const accepted = async () => ({
        http: metricSum(await cluster.metrics(agentOf('node-1')), 'otelcol_receiver_accepted_spans', {
          receiver: 'otlp',
          transport: 'http',
        }),
        grpc: metricSum(await cluster.metrics(agentOf('node-2')), 'otelcol_receiver_accepted_spans', {
          receiver: 'otlp',
          transport: 'grpc',
        }),
      });
      const before = await accepted();
      window.start = Date.now();
      const t0 = Date.now();
      sent = await drive(`http://${fe.ip}:8080`, mix(COUNTS), {
        concurrency: 16,
        ratePerSec: 300,
        maxMs: 120_000,
      });
      window.end = Date.now();
      const sendSec = (Date.now() - t0) / 1000;
      const failed = sent.filter(
        (s) => s.status !== (s.kind === 'error' ? 500 : 200) || !/^[0-9a-f]{32}$/.test(s.traceId),
      );
      console.log(
        `sent ${sent.length} requests in ${sendSec.toFixed(1)} s; ${failed.length} failed${failed.length ? `: ${JSON.stringify(failed.slice(0, 3))}` : ''}`,
      );
      expect(sent).toHaveLength(TOTAL);
      expect(failed).toEqual([]);
      expect(new Set(sent.map((s) => s.traceId)).size).toBe(sent.length);

      // the SDKs delivered what the apps made: the agents accepted exactly that many spans
      const delivered = await waitFor(
        'the agents to accept every span the SDKs made',
        async () => {
          const now = await accepted();
          const d = { http: now.http - before.http, grpc: now.grpc - before.grpc };
          return d.http >= sent.length * FRONTEND_SPANS && d.grpc >= sent.reduce((a, s) => a + s.goSpans, 0)
            ? d
            : undefined;
        },
        30_000,
        500,
      ).catch(async () => {
        const now = await accepted();
        return { http: now.http - before.http, grpc: now.grpc - before.grpc };
      });
      console.log(
        `agents accepted ${delivered.http} spans over OTLP/HTTP on node-1 (Node.js) and ${delivered.grpc} over OTLP/gRPC on node-2 (Go)`,
      );
      expect(delivered).toEqual({
        http: sent.length * FRONTEND_SPANS,
        grpc: sent.reduce((a, s) => a + s.goSpans, 0),
      });

      // decision wait + export, then Jaeger has every error and slow trace (bounded)
      const mustKeep = sent.filter((s) => s.kind !== 'ok');
      await waitFor(
        'Jaeger to hold every error and slow trace',
        async () => {
          for (const s of mustKeep) if (!(await jaeger.trace(s.traceId))) return undefined;
          return true;
        },
        90_000,
        2000,
      ).catch(() => undefined);
      await sleep(3000); // stragglers of healthy traces
      checks = await checkAll(jaeger, sent, FRONTEND_SPANS);
    }, 300_000);

    test('every error and every slow trace is stored whole: every span, from both nodes, with Node.js spans', () => {
      expect(checks).toHaveLength(TOTAL);
      const kept = checks.filter((c) => c.sent.kind !== 'ok');
      for (const kind of ['error', 'slow'] as const) {
        const t = tally(kept.filter((c) => c.sent.kind === kind));
        console.log(
          `${kind}: sent ${t.sent}, whole ${t.whole}, partial ${t.partial}, missing ${t.missing}; spans ${t.spansStored}/${t.spansExpected}`,
        );
      }
      const bad = kept.filter(
        (c) =>
          c.state !== 'whole' ||
          c.services.join() !== 'checkout,frontend' ||
          c.nodes.join() !== 'node-1,node-2',
      );
      expect(
        bad.map((c) => ({
          seq: c.sent.seq,
          kind: c.sent.kind,
          state: c.state,
          stored: c.stored,
          expected: c.expectedSpans,
          services: c.services,
          nodes: c.nodes,
        })),
      ).toEqual([]);
      expect(kept.filter((c) => c.sent.kind === 'slow').every((c) => c.durationMs > 1000)).toBe(true);
      // resource attributes: the operator's env (node, pod, version from the image tag), the agents'
      // k8s_attributes passthrough (k8s.pod.ip = the address the spans came from) and the gateway's
      // k8s_attributes, which found the pod by that address in the API server (k8s.pod.uid)
      const fe = cluster.deploymentPod('frontend').pod;
      const co = cluster.deploymentPod('checkout').pod;
      const pick = (r: Record<string, string> | undefined) => ({
        pod: r?.['k8s.pod.name'],
        ip: r?.['k8s.pod.ip'],
        node: r?.['k8s.node.name'],
        version: r?.['service.version'],
        ns: r?.['k8s.namespace.name'],
        uid: r?.['k8s.pod.uid'],
      });
      const seen = new Set(
        kept.map((c) => JSON.stringify([pick(c.resources.frontend), pick(c.resources.checkout)])),
      );
      expect([...seen].map((x) => JSON.parse(x))).toEqual([
        [
          {
            pod: fe.name,
            ip: fe.ip,
            node: 'node-1',
            version: '1.4.0',
            ns: 'shop',
            uid: podUids.get(fe.name),
          },
          {
            pod: co.name,
            ip: co.ip,
            node: 'node-2',
            version: '2.1.0',
            ns: 'shop',
            uid: podUids.get(co.name),
          },
        ],
      ]);
    });

    test('the share of healthy traces kept is the probabilistic policy percentage within a 4-sigma binomial bound', () => {
      expect(checks).toHaveLength(TOTAL);
      const objectsGw = findConfigs(objects).find((c) => /otel-gateway /.test(c.where))!.config;
      const policies = objectsGw.processors.tail_sampling.policies;
      const pct = policies.find((p: any) => p.type === 'probabilistic').probabilistic.sampling_percentage;
      const threshold = policies.find((p: any) => p.type === 'latency').latency.threshold_ms;
      // a healthy request that took near the latency threshold may be kept for its latency: not counted
      const healthy = checks.filter((c) => c.sent.kind === 'ok' && c.sent.latencyMs < threshold * 0.8);
      const ambiguous = checks.filter((c) => c.sent.kind === 'ok').length - healthy.length;
      const kept = healthy.filter((c) => c.state !== 'missing');
      const b = binomialBounds(healthy.length, pct / 100, Z);
      console.log(
        `healthy: ${healthy.length} sent (${ambiguous} near the threshold left out), ${kept.length} kept = ${((100 * kept.length) / healthy.length).toFixed(2)} %; ` +
          `expected ${pct} % = ${b.expected.toFixed(1)} ± ${Z}σ (σ ${b.sigma.toFixed(2)}) -> [${Math.ceil(b.low)}, ${Math.floor(b.high)}]`,
      );
      expect(ambiguous).toBeLessThan(healthy.length / 100);
      expect(kept.length).toBeGreaterThanOrEqual(Math.ceil(b.low));
      expect(kept.length).toBeLessThanOrEqual(Math.floor(b.high));
      const partial = kept.filter((c) => c.state !== 'whole');
      expect(partial.map((c) => c.sent.seq)).toEqual([]);
    });

    test('no stored trace is partial, and every stored trace is one the apps made', async () => {
      expect(checks).toHaveLength(TOTAL);
      const ids = new Set([
        ...(await jaeger.search('frontend', window.start - 5000, window.end + 60_000)),
        ...(await jaeger.search('checkout', window.start - 5000, window.end + 60_000)),
      ]);
      const byId = new Map(checks.map((c) => [c.sent.traceId, c]));
      const unknown = [...ids].filter((id) => !byId.has(id));
      const stored = [...ids].map((id) => byId.get(id)).filter((c): c is TraceCheck => !!c);
      const t = tally(checks);
      console.log(
        `trace flow: ${t.sent} traces / ${t.spansExpected} spans sent; Jaeger holds ${ids.size} traces / ${t.spansStored} spans; ` +
          `${stored.filter((c) => c.state === 'whole').length} whole, ${stored.filter((c) => c.state === 'partial').length} partial, ${unknown.length} unknown`,
      );
      expect(unknown).toEqual([]);
      expect(stored.filter((c) => c.state !== 'whole').map((c) => c.sent.seq)).toEqual([]);
      expect(ids.size).toBe(checks.filter((c) => c.state !== 'missing').length);
      // Node.js spans arrive (they export OTLP/HTTP to the agent's 4318)
      expect(stored.every((c) => c.services.includes('frontend'))).toBe(true);
    });
  },
);
