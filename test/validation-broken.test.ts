import { Chart, ApiObject } from 'cdk8s';
import { compileCel, expectValidManifests, validateConstruct, validateManifests } from '../lib/validation';
import { describeWithReference } from './helpers/reference';
import { collectorCr } from './helpers/fixtures';
import { referenceCrds } from './helpers/validate';
import { testApp, testChart } from './helpers/temp';

/** A valid Deployment that each broken variant starts from. */
function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout', namespace: 'shop', labels: { app: 'checkout' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'example/checkout:1.0',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { limits: { memory: '256Mi', cpu: '500m' } },
            },
          ],
        },
      },
    },
  };
}

function service(): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

/** A valid OpenTelemetryCollector v1beta1. */
const collector = (): any => collectorCr();

function instrumentation(): any {
  return {
    apiVersion: 'opentelemetry.io/v1alpha1',
    kind: 'Instrumentation',
    metadata: { name: 'default', namespace: 'shop' },
    spec: {
      exporter: { endpoint: 'http://agent:4318' },
      propagators: ['tracecontext', 'baggage'],
      sampler: { type: 'parentbased_traceidratio', argument: '0.25' },
    },
  };
}

function errorsOf(objects: any[]) {
  return validateManifests(objects, { crds: referenceCrds() }).errors;
}

test('the base objects are valid (so each variant below fails for its own reason)', () => {
  expect(errorsOf([deployment(), service()])).toEqual([]);
});

describe('built-in kinds: broken variants', () => {
  const cases: [string, (d: any) => any, RegExp, RegExp][] = [
    ['unknown field in the pod spec', (d) => ((d.spec.template.spec.restartPolicyy = 'Always'), d), /spec\.template\.spec\.restartPolicyy/, /unknown field "restartPolicyy"/],
    ['unknown field in a container port', (d) => ((d.spec.template.spec.containers[0].ports[0].hostport = 1), d), /ports\[0\]\.hostport/, /unknown field "hostport"/],
    ['bad quantity', (d) => ((d.spec.template.spec.containers[0].resources.limits.memory = '2 GB'), d), /limits\.memory/, /not a valid quantity/],
    ['replicas as a string', (d) => ((d.spec.replicas = 'two'), d), /spec\.replicas/, /must be of type integer/],
    ['replicas overflow int32', (d) => ((d.spec.replicas = 2 ** 31), d), /spec\.replicas/, /not a 32-bit integer/],
    ['missing required selector', (d) => (delete d.spec.selector, d), /spec\.selector/, /missing required field "selector"/],
    ['missing container name (an image is required too: api-rules)', (d) => (delete d.spec.template.spec.containers[0].name, d), /containers\[0\]\.name/, /missing required field "name"/],
    ['bad object name', (d) => ((d.metadata.name = 'Checkout_Service'), d), /metadata\.name/, /not a valid DNS-1123 subdomain/],
    ['bad namespace', (d) => ((d.metadata.namespace = 'Shop'), d), /metadata\.namespace/, /DNS-1123 label/],
    ['container port 0', (d) => ((d.spec.template.spec.containers[0].ports[0].containerPort = 0), d), /containerPort/, /port 0 is out of range/],
    ['container port 70000', (d) => ((d.spec.template.spec.containers[0].ports[0].containerPort = 70000), d), /containerPort/, /port 70000 is out of range/],
    ['port name longer than 15', (d) => ((d.spec.template.spec.containers[0].ports[0].name = 'http-metrics-port-x'), d), /ports\[0\]\.name/, /port name "http-metrics-port-x" is invalid/],
    ['bad label value', (d) => ((d.metadata.labels.app = 'check out!'), d), /metadata\.labels\["app"\]/, /label value "check out!" is invalid/],
    ['bad label key', (d) => ((d.metadata.labels['-bad'] = 'x'), d), /metadata\.labels\["-bad"\]/, /key "-bad" is invalid/],
    ['selector that does not match the template', (d) => ((d.spec.selector.matchLabels.app = 'other'), d), /spec\.selector\.matchLabels/, /does not match the pod template labels/],
    ['bad container name', (d) => ((d.spec.template.spec.containers[0].name = 'App'), d), /containers\[0\]\.name/, /container name/],
    ['wrong enum (imagePullPolicy)', (d) => ((d.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes'), d), /imagePullPolicy/, /Sometimes/],
  ];
  test.each(cases)('%s', (_name, mutate, pathRe, messageRe) => {
    const errors = errorsOf([mutate(deployment())]);
    const hit = errors.find((e) => pathRe.test(e.path) && messageRe.test(e.message));
    if (!hit) throw new Error(`no finding matching ${pathRe} / ${messageRe}; got:\n${errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
    expect(hit).toMatchObject({ severity: 'error', kind: 'Deployment', name: expect.any(String) });
  });

  test('service port 0 and a bad Service name (DNS-1035: must start with a letter)', () => {
    const s = service();
    s.spec.ports[0].port = 0;
    s.metadata.name = '1checkout';
    const errors = errorsOf([s]);
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['spec.ports[0].port', 'metadata.name']));
    expect(errors.find((e) => e.path === 'metadata.name')!.message).toMatch(/DNS-1035/);
  });

  test('duplicate objects (same group, kind, namespace, name) even across versions', () => {
    const a = deployment();
    const b = deployment();
    const errors = errorsOf([a, b]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'duplicate', kind: 'Deployment', name: 'checkout' });
    expect(errors[0].message).toMatch(/object #0 has the same group, kind, namespace and name/);
  });

  test('an unknown kind of a built-in group is an error naming the apiVersion', () => {
    const errors = errorsOf([{ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }]);
    expect(errors[0].message).toMatch(/kind "Deploymnet" is not served by apps\/v1/);
  });

  test('an object without apiVersion/kind', () => {
    const errors = errorsOf([{ metadata: { name: 'x' } }]);
    expect(errors[0].message).toMatch(/has no apiVersion\/kind/);
  });
});

describeWithReference('custom resources: broken variants against the operator CRDs', () => {
  test('the base CRs are valid', () => {
    expect(errorsOf([collector(), instrumentation()])).toEqual([]);
  });

  const cases: [string, () => any, string, RegExp][] = [
    ['unknown field under spec', () => ((c) => ((c.spec.replica = 3), c))(collector()), 'spec.replica', /unknown field "replica"/],
    ['wrong enum (mode)', () => ((c) => ((c.spec.mode = 'sidecars'), c))(collector()), 'spec.mode', /"sidecars" is not allowed; use one of "daemonset", "deployment", "sidecar", "statefulset"/],
    ['int32 overflow (replicas)', () => ((c) => ((c.spec.replicas = 3_000_000_000), c))(collector()), 'spec.replicas', /not a 32-bit integer/],
    ['wrong type (replicas as string)', () => ((c) => ((c.spec.replicas = '3'), c))(collector()), 'spec.replicas', /must be of type integer/],
    ['missing required config', () => ((c) => (delete c.spec.config, c))(collector()), 'spec.config', /missing required field "config"/],
    ['bad quantity in resources', () => ((c) => ((c.spec.resources = { limits: { memory: 'lots' } }), c))(collector()), 'spec.resources.limits.memory', /must match the pattern/],
    ['unknown field in the config service block', () => ((c) => ((c.spec.config.service.pipeline = {}), c))(collector()), 'spec.config.service.pipeline', /unknown field "pipeline"/],
    ['sampler type not in enum', () => ((i) => ((i.spec.sampler.type = 'ratio'), i))(instrumentation()), 'spec.sampler.type', /"ratio" is not allowed/],
    ['unknown propagator', () => ((i) => ((i.spec.propagators = ['tracecontext', 'w3c']), i))(instrumentation()), 'spec.propagators[1]', /"w3c" is not allowed/],
    ['unknown field in the exporter', () => ((i) => ((i.spec.exporter.endpoints = 'x'), i))(instrumentation()), 'spec.exporter.endpoints', /unknown field/],
    ['unknown field in metadata', () => ((i) => ((i.metadata.label = { a: 'b' }), i))(instrumentation()), 'metadata.label', /unknown field "label" in metadata/],
    ['unserved apiVersion', () => ((i) => ((i.apiVersion = 'opentelemetry.io/v1beta1'), i))(instrumentation()), 'apiVersion', /does not serve opentelemetry\.io\/v1beta1; use opentelemetry\.io\/v1alpha1/],
  ];
  test.each(cases)('%s', (_name, make, path, messageRe) => {
    const errors = errorsOf([make()]);
    const hit = errors.find((e) => e.path === path);
    if (!hit) throw new Error(`no finding at ${path}; got:\n${errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
    expect(hit.message).toMatch(messageRe);
  });

  test.each([
    ['tolerations', [{ key: 'x', operator: 'Exists' }], /does not support the attribute 'tolerations'/],
    ['priorityClassName', 'high', /does not support the attribute 'priorityClassName'/],
    ['affinity', { nodeAffinity: {} }, /does not support the attribute 'affinity'/],
    ['additionalContainers', [{ name: 'x', image: 'busybox' }], /does not support the attribute 'additionalContainers'/],
  ])('sidecar mode with %s is rejected (the CRD CEL rule)', (field, value, re) => {
    const c = collector();
    c.spec.mode = 'sidecar';
    c.spec[field] = value;
    const errors = errorsOf([c]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'cel', path: 'spec' });
    expect(errors[0].message).toMatch(re);
    // the same field in daemonset mode is fine
    c.spec.mode = 'daemonset';
    expect(errorsOf([c])).toEqual([]);
  });

  test('an OpenTelemetryCollector with an unknown field under spec fails a cdk8s chart with the field named', () => {
    const chart = testChart();
    const bad = collector();
    bad.spec.upgradeStrateg = 'none';
    new ApiObject(chart, 'agent', bad);
    expect(() => expectValidManifests(chart, { crds: referenceCrds() })).toThrow(/spec\.upgradeStrateg: unknown field "upgradeStrateg"/);
    const result = validateConstruct(chart, { crds: referenceCrds() });
    expect(result.errors[0].constructPath).toMatch(/agent$/);
  });
});

describe('CEL subset', () => {
  test('evaluates the operator sidecar rule', () => {
    const rule = compileCel("!(self.mode == 'sidecar' && size(self.tolerations) > 0) || !has(self.tolerations)");
    expect(rule({ mode: 'sidecar', tolerations: [{}] })).toBe(false);
    expect(rule({ mode: 'sidecar', tolerations: [] })).toBe(true);
    expect(rule({ mode: 'daemonset', tolerations: [{}] })).toBe(true);
    expect(rule({ mode: 'sidecar' })).toBe(true);
  });
  test('evaluates cert-manager style counting rules', () => {
    const rule = compileCel('(has(self.tpp) ? 1 : 0) + (has(self.cloud) ? 1 : 0) + (has(self.ngts) ? 1 : 0) == 1');
    expect(rule({ tpp: {} })).toBe(true);
    expect(rule({ tpp: {}, cloud: {} })).toBe(false);
    expect(rule({})).toBe(false);
  });
  test('rejects syntax outside the subset with the reason', () => {
    expect(() => compileCel('self.items.all(x, x > 0)')).toThrow(/unexpected token "\("/);
    expect(() => compileCel('int(self.a) > 0')).toThrow(/unsupported CEL identifier "int"/);
    expect(() => compileCel('self.a == ')).toThrow(/unexpected end of rule/);
  });
});

test('validateConstruct reports construct paths for objects emitted by a chart', () => {
  const chart = new Chart(testApp(), 'shop');
  const d = deployment();
  d.spec.template.spec.containers[0].ports[0].containerPort = 0;
  new ApiObject(chart, 'checkout', d);
  const result = validateConstruct(chart);
  expect(result.errors).toHaveLength(1);
  expect(result.errors[0].constructPath).toBe('shop/checkout');
  expect(result.toString()).toMatch(/ERROR \[port-range\] Deployment shop\/checkout \(apps\/v1\) at spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: port 0 is out of range; use an integer between 1 and 65535 \(construct shop\/checkout\)/);
});

test('a malformed collector config in a CR is reported, never a crash', () => {
  const cr = collectorCr();
  cr.metadata.labels = { 'app.kubernetes.io/managed-by': 'cdk8s' };
  cr.spec.config.service.telemetry = { metrics: { readers: 'pull' } };
  expect(() => validateManifests([cr], { crds: referenceCrds() })).not.toThrow();
});
