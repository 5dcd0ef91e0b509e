/**
 * The upstream programs the end-to-end tests run, each built from its published Go module through a
 * wrapper module of ours under `test/e2e/go/<module>` (go.mod + committed go.sum; replace directives
 * of the upstream go.mod repeated or redirected there, since they only apply in the main module).
 *
 * Where the module proxy does not serve the version the library pins, the nearest served release is
 * built and `pinned` says so; the e2e tests print it.
 */

import { readFileSync } from 'fs';

/** One binary of a program. */
export interface GoBinary {
  /** File name in the cache. */
  readonly name: string;
  /** Go package to build (a package of a required module, or `.` for a main package of ours). */
  readonly pkg: string;
}

/** What the ldflags of a release build need to know. */
export interface LdflagsContext {
  /** Directory of a required module in the module cache (`go list -m -f {{.Dir}}`). */
  moduleDir(module: string): string;
}

/** A program built from Go modules. */
export interface GoProgram {
  /** Short name (cache folder, CLI argument). */
  readonly name: string;
  /** Upstream version that is built. */
  readonly version: string;
  /**
   * The version the library pins, when the built one differs, and why.
   * @default - the built version is the pinned one
   */
  readonly pinned?: { readonly version: string; readonly why: string };
  /** Folder under `test/e2e/go` holding the wrapper module. */
  readonly module: string;
  /** `go` (plain go build of each binary) or `ocb` (the collector builder generates the main module first). */
  readonly kind: 'go' | 'ocb';
  /** Binaries built from the wrapper module. */
  readonly binaries: readonly GoBinary[];
  /**
   * `-X` flags of the upstream release build, so the binary reports (and defaults to) its release's versions.
   * @default - none
   */
  readonly ldflags?: (ctx: LdflagsContext) => string[];
}

const K8S_VERSION = 'v1.36.3';

/** The programs, in build order (the builder before the collector it builds). */
export const PROGRAMS: readonly GoProgram[] = [
  {
    name: 'builder',
    version: '0.158.0',
    module: 'builder',
    kind: 'go',
    binaries: [{ name: 'builder', pkg: 'go.opentelemetry.io/collector/cmd/builder' }],
  },
  {
    name: 'otelcol',
    version: '0.158.0',
    module: 'otelcol',
    kind: 'ocb',
    binaries: [{ name: 'otelcol-k8s', pkg: '.' }],
  },
  {
    name: 'telemetrygen',
    version: '0.160.0',
    pinned: {
      version: '0.158.0',
      why: 'the module proxy lists telemetrygen v0.158.0 but refuses its zip (403); v0.160.0 is the nearest served release (a load generator only)',
    },
    module: 'telemetrygen',
    kind: 'go',
    binaries: [{ name: 'telemetrygen', pkg: 'github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen' }],
  },
  {
    name: 'jaeger',
    version: '2.13.0',
    pinned: {
      version: '2.20.0',
      why:
        'Jaeger v2 is published as github.com/jaegertracing/jaeger (no /v2); its last dual tag is v1.76.0 = v2.13.0, ' +
        'and the module proxy refuses the pseudo-version of the v2.20.0 commit (403)',
    },
    module: 'jaeger',
    kind: 'go',
    binaries: [{ name: 'jaeger', pkg: 'github.com/jaegertracing/jaeger/cmd/jaeger' }],
    ldflags: () => [
      '-X github.com/jaegertracing/jaeger/internal/version.latestVersion=v2.13.0',
      '-X github.com/jaegertracing/jaeger/internal/version.commitSHA=63b27e1810a710ac54dc4522da0538e540bdc545',
    ],
  },
  {
    // ours: the Go service of the trace-flow e2e test (OpenTelemetry Go SDK + otlptracegrpc + otelhttp)
    name: 'checkout',
    version: '1.0.0',
    module: 'apps/checkout',
    kind: 'go',
    binaries: [{ name: 'checkout', pkg: '.' }],
  },
  {
    name: 'etcd',
    version: '3.6.16',
    module: 'etcd',
    kind: 'go',
    binaries: [{ name: 'etcd', pkg: '.' }],
  },
  {
    name: 'kubernetes',
    version: K8S_VERSION.slice(1),
    module: 'kubernetes',
    kind: 'go',
    binaries: [
      { name: 'kube-apiserver', pkg: 'k8s.io/kubernetes/cmd/kube-apiserver' },
      { name: 'kube-controller-manager', pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager' },
      { name: 'kubectl', pkg: 'k8s.io/kubernetes/cmd/kubectl' },
    ],
    ldflags: () => {
      const [major, minor] = K8S_VERSION.slice(1).split('.');
      return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
        `-X ${pkg}.gitVersion=${K8S_VERSION}`,
        `-X ${pkg}.gitMajor=${major}`,
        `-X ${pkg}.gitMinor=${minor}`,
        `-X ${pkg}.gitTreeState=clean`,
      ]);
    },
  },
  {
    name: 'operator',
    version: '0.153.0',
    pinned: {
      version: '0.158.0',
      why: 'the module proxy refuses github.com/open-telemetry/opentelemetry-operator v0.154.0-v0.158.0 (403); v0.153.0 is the newest served release',
    },
    module: 'operator',
    kind: 'go',
    binaries: [{ name: 'manager', pkg: 'github.com/open-telemetry/opentelemetry-operator' }],
    // The release Makefile's OPERATOR_LDFLAGS, with the versions of that release's versions.txt.
    ldflags: (ctx) => operatorLdflags(ctx.moduleDir('github.com/open-telemetry/opentelemetry-operator')),
  },
];

/** Looks a program up by name. */
export function program(name: string): GoProgram {
  const p = PROGRAMS.find((x) => x.name === name);
  if (!p) throw new Error(`e2e: no program "${name}"; known: ${PROGRAMS.map((x) => x.name).join(', ')}`);
  return p;
}

/** `-X` flags of the operator's release build, from the versions.txt shipped in its module. */
function operatorLdflags(moduleDir: string): string[] {
  const text = readFileSync(`${moduleDir}/versions.txt`, 'utf8');
  const versions = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z-]+)=(\S+)$/.exec(line.trim());
    if (m) versions.set(m[1], m[2]);
  }
  const need = (key: string): string => {
    const v = versions.get(key);
    if (!v) throw new Error(`e2e: ${moduleDir}/versions.txt has no ${key}=`);
    return v;
  };
  const pkg = 'github.com/open-telemetry/opentelemetry-operator/internal/version';
  const flags: Array<[string, string]> = [
    ['version', need('operator')],
    ['otelCol', need('opentelemetry-collector')],
    ['targetAllocator', need('targetallocator')],
    ['operatorOpAMPBridge', need('operator-opamp-bridge')],
    ['autoInstrumentationJava', need('autoinstrumentation-java')],
    ['autoInstrumentationNodeJS', need('autoinstrumentation-nodejs')],
    ['autoInstrumentationPython', need('autoinstrumentation-python')],
    ['autoInstrumentationDotNet', need('autoinstrumentation-dotnet')],
    ['autoInstrumentationGo', need('autoinstrumentation-go')],
    ['autoInstrumentationApacheHttpd', need('autoinstrumentation-apache-httpd')],
    ['autoInstrumentationNginx', need('autoinstrumentation-nginx')],
  ];
  return flags.map(([k, v]) => `-X ${pkg}.${k}=${v}`);
}
