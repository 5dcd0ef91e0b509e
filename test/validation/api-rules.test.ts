/**
 * The API server's own rules (lib/validation/api-rules.ts and the scale-subresource rule of the CRD
 * registry), each found by the differential e2e test against kube-apiserver 1.36.3: every case is one the
 * server refuses (messages quoted from it in the comments), and the unbroken object passes.
 */
import { validateManifests } from '../../lib/validation';
import { collectorCr } from '../helpers/fixtures';
import { describeWithReference } from '../helpers/reference';
import { referenceCrds } from '../helpers/validate';

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' } },
        spec: {
          volumes: [{ name: 'config', configMap: { name: 'checkout' } }],
          containers: [
            {
              name: 'app',
              image: 'example/checkout:1.0',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              volumeMounts: [{ name: 'config', mountPath: '/conf' }],
              resources: { requests: { memory: '128Mi' }, limits: { memory: '256Mi' } },
            },
          ],
        },
      },
    },
  };
}

const errors = (o: any) =>
  validateManifests([o], { crds: referenceCrds() }).errors.filter(
    (e) => e.rule === 'api-validation' || e.rule === 'label' || e.rule === 'schema' || e.rule === 'dns-name',
  );

test('the unbroken objects pass', () => {
  expect(errors(deployment())).toEqual([]);
});

describe('pod templates and workloads', () => {
  const c = (d: any) => d.spec.template.spec.containers[0];
  const cases: Array<[string, (d: any) => void, string, RegExp]> = [
    // spec.template.spec.containers[0].image: Required value
    [
      'container without image',
      (d) => delete c(d).image,
      'spec.template.spec.containers[0].image',
      /image is missing/,
    ],
    // spec.template.spec.containers: Required value
    [
      'no container',
      (d) => (d.spec.template.spec.containers = []),
      'spec.template.spec.containers',
      /no container/,
    ],
    [
      'duplicate container name',
      (d) => d.spec.template.spec.containers.push({ ...c(d) }),
      'spec.template.spec.containers[1].name',
      /used twice/,
    ],
    [
      'duplicate volume name',
      (d) => d.spec.template.spec.volumes.push({ name: 'config', emptyDir: {} }),
      'spec.template.spec.volumes[1].name',
      /used twice/,
    ],
    // volumeMounts[1].name: Not found
    [
      'mount of a volume that does not exist',
      (d) => c(d).volumeMounts.push({ name: 'data', mountPath: '/data' }),
      'spec.template.spec.containers[0].volumeMounts[1].name',
      /names no volume/,
    ],
    // env[0].name: a valid environment variable name must consist only of printable ASCII characters other than '='
    [
      'env name with "="',
      (d) => (c(d).env[0].name = 'A=B'),
      'spec.template.spec.containers[0].env[0].name',
      /other than "="/,
    ],
    [
      'env with value and valueFrom',
      (d) => (c(d).env[0].value = 'x'),
      'spec.template.spec.containers[0].env[0].valueFrom',
      /both value and valueFrom/,
    ],
    [
      'env valueFrom with two sources',
      (d) => (c(d).env[0].valueFrom.secretKeyRef = { name: 's', key: 'k' }),
      'spec.template.spec.containers[0].env[0].valueFrom',
      /fieldRef and secretKeyRef/,
    ],
    [
      'env fieldPath the downward API does not offer',
      (d) => (c(d).env[0].valueFrom.fieldRef.fieldPath = 'spec.bogus'),
      'spec.template.spec.containers[0].env[0].valueFrom.fieldRef.fieldPath',
      /not supported for env vars/,
    ],
    [
      'probe with two handlers',
      (d) => (c(d).readinessProbe = { httpGet: { path: '/', port: 8080 }, tcpSocket: { port: 8080 } }),
      'spec.template.spec.containers[0].readinessProbe',
      /exactly one handler/,
    ],
    // resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi
    [
      'request above limit',
      (d) => (c(d).resources = { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } }),
      'spec.template.spec.containers[0].resources.requests.memory',
      /above its limit/,
    ],
    [
      'container port listed twice',
      (d) => c(d).ports.push({ name: 'again', containerPort: 8080 }),
      'spec.template.spec.containers[0].ports[1]',
      /8080\/TCP is listed twice/,
    ],
    [
      'restartPolicy Never in a Deployment',
      (d) => (d.spec.template.spec.restartPolicy = 'Never'),
      'spec.template.spec.restartPolicy',
      /only "Always"/,
    ],
    [
      'invalid serviceAccountName',
      (d) => (d.spec.template.spec.serviceAccountName = 'Bad_SA'),
      'spec.template.spec.serviceAccountName',
      /DNS-1123 subdomain/,
    ],
    [
      'nodeSelector value that is no label value',
      (d) => (d.spec.template.spec.nodeSelector = { 'kubernetes.io/os': 'linux os' }),
      'spec.template.spec.nodeSelector["kubernetes.io/os"]',
      /not a valid label value/,
    ],
    [
      'toleration Exists with a value',
      (d) => (d.spec.template.spec.tolerations = [{ key: 'x', operator: 'Exists', value: 'y' }]),
      'spec.template.spec.tolerations[0].value',
      /takes no value/,
    ],
    ['negative replicas', (d) => (d.spec.replicas = -1), 'spec.replicas', /negative/],
    [
      'negative revisionHistoryLimit',
      (d) => (d.spec.revisionHistoryLimit = -1),
      'spec.revisionHistoryLimit',
      /negative/,
    ],
    [
      'maxUnavailable above 100%',
      (d) => (d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } }),
      'spec.strategy.rollingUpdate.maxUnavailable',
      /above 100%/,
    ],
    [
      'maxUnavailable and maxSurge both 0',
      (d) => (d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }),
      'spec.strategy.rollingUpdate.maxUnavailable',
      /both 0/,
    ],
  ];
  test.each(cases)('%s', (_n, mutate, path, re) => {
    const d = deployment();
    mutate(d);
    const hit = errors(d).find((e) => e.path === path);
    if (!hit)
      throw new Error(
        `no finding at ${path}; got ${JSON.stringify(errors(d).map((e) => `${e.path}: ${e.message}`))}`,
      );
    expect(hit.message).toMatch(re);
  });

  test('a StatefulSet mounts its volumeClaimTemplates; its serviceName is a DNS label', () => {
    const s = deployment();
    s.kind = 'StatefulSet';
    delete s.spec.strategy;
    s.spec.serviceName = 'checkout';
    s.spec.volumeClaimTemplates = [
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ];
    s.spec.template.spec.containers[0].volumeMounts.push({ name: 'data', mountPath: '/data' });
    // the API server does not check a StatefulSet's revisionHistoryLimit
    s.spec.revisionHistoryLimit = -1;
    expect(errors(s)).toEqual([]);
    s.spec.serviceName = 'Bad_Service';
    expect(errors(s).map((e) => e.path)).toEqual(['spec.serviceName']);
  });

  test('a DaemonSet may not have maxUnavailable 0 without a surge (its maxSurge defaults to 0)', () => {
    const ds = deployment();
    ds.kind = 'DaemonSet';
    delete ds.spec.replicas;
    ds.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } };
    expect(errors(ds).map((e) => e.path)).toEqual(['spec.updateStrategy.rollingUpdate.maxUnavailable']);
    ds.spec.updateStrategy.rollingUpdate.maxSurge = 1;
    expect(errors(ds)).toEqual([]);
  });
});

describe('other built-in kinds', () => {
  test('Service: ports required (unless headless), names unique and required when several, no headless NodePort', () => {
    const svc = (spec: any) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec,
    });
    expect(errors(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }))).toEqual([]);
    expect(errors(svc({ clusterIP: 'None', selector: { app: 'web' } }))).toEqual([]);
    expect(errors(svc({ selector: { app: 'web' } })).map((e) => e.path)).toEqual(['spec.ports']);
    expect(
      errors(
        svc({
          ports: [
            { name: 'a', port: 80 },
            { name: 'a', port: 81 },
          ],
        }),
      ).map((e) => e.message),
    ).toEqual([expect.stringMatching(/used twice/)]);
    expect(errors(svc({ ports: [{ name: 'a', port: 80 }, { port: 81 }] })).map((e) => e.path)).toEqual([
      'spec.ports[1].name',
    ]);
    expect(
      errors(svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] })).map((e) => e.path),
    ).toEqual(['spec.clusterIP']);
  });

  test('ConfigMap keys, PVC storage, PodDisruptionBudget rules and names', () => {
    expect(
      errors({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: 'x' },
        data: { 'bad key!': 'v', 'good.key_1': 'v' },
      }).map((e) => e.path),
    ).toEqual(['data["bad key!"]']);
    expect(
      errors({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'p', namespace: 'x' },
        spec: { accessModes: ['ReadWriteOnce'], resources: {} },
      }).map((e) => e.path),
    ).toEqual(['spec.resources.requests.storage']);
    const pdb = (spec: any, name = 'p') => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: 'x' },
      spec: { selector: { matchLabels: { a: 'b' } }, ...spec },
    });
    expect(errors(pdb({ maxUnavailable: 1, minAvailable: 1 })).map((e) => e.path)).toEqual(['spec']);
    expect(errors(pdb({ maxUnavailable: '150%' })).map((e) => e.path)).toEqual(['spec.maxUnavailable']);
    // PDB names are path segments, as for RBAC objects
    expect(errors(pdb({ maxUnavailable: 1 }, 'Bad_Name'))).toEqual([]);
    expect(errors(pdb({ maxUnavailable: 1 }, 'a/b')).map((e) => e.path)).toEqual(['metadata.name']);
  });

  test('RBAC: verbs, roleRef, subjects', () => {
    const binding = (over: any) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'x' }],
      ...over,
    });
    expect(errors(binding({}))).toEqual([]);
    expect(
      errors(binding({ roleRef: { apiGroup: 'rbac', kind: 'Role', name: 'r' } })).map((e) => e.path),
    ).toEqual(['roleRef.apiGroup', 'roleRef.kind']);
    expect(errors(binding({ subjects: [{ kind: 'Robot', name: 'x' }] })).map((e) => e.path)).toEqual([
      'subjects[0].kind',
    ]);
    expect(
      errors(binding({ subjects: [{ kind: 'ServiceAccount', name: 'sa' }] })).map((e) => e.path),
    ).toEqual(['subjects[0].namespace']);
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'r' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }],
    };
    expect(errors(role).map((e) => e.path)).toEqual(['rules[0].verbs']);
  });

  test('webhook configurations and CRDs', () => {
    const hook = (w: any) => ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'v' },
      webhooks: [
        {
          name: 'a.example.com',
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          clientConfig: { url: 'https://127.0.0.1:9443/x' },
          ...w,
        },
      ],
    });
    expect(errors(hook({}))).toEqual([]);
    expect(
      errors(hook({ clientConfig: { url: 'https://x/y', service: { name: 's', namespace: 'n' } } })).map(
        (e) => e.path,
      ),
    ).toEqual(['webhooks[0].clientConfig']);
    expect(errors(hook({ sideEffects: 'Some' })).map((e) => e.path)).toEqual(['webhooks[0].sideEffects']);
    expect(errors(hook({ timeoutSeconds: 31 })).map((e) => e.path)).toEqual(['webhooks[0].timeoutSeconds']);
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Global',
        names: { kind: 'Thing', plural: 'things' },
        versions: [
          { name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      },
    };
    expect(
      errors(crd)
        .map((e) => e.path)
        .sort(),
    ).toEqual(expect.arrayContaining(['spec.scope', 'spec.versions']));
  });

  test('labels that are not a map', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'x', labels: ['a'] },
    };
    expect(errors(cm).length).toBeGreaterThan(0);
  });
});

describeWithReference('custom resources', () => {
  test('the scale subresource: spec.replicas of an OpenTelemetryCollector must not be negative', () => {
    const c = collectorCr();
    expect(errors(c)).toEqual([]);
    c.spec.replicas = -1;
    expect(errors(c).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'spec.replicas: -1: must be a non-negative integer (the scale subresource reads it as the replica count)',
    ]);
  });

  test('labels of a custom resource must be a map', () => {
    const c = collectorCr();
    c.metadata.labels = ['a'];
    expect(errors(c).map((e) => e.path)).toEqual(['metadata.labels']);
  });
});
