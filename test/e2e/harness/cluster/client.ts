/**
 * A small API client over `@kubernetes/client-node`: its KubeConfig (TLS, client certificates, tokens)
 * and HTTP library carry every request, but bodies are sent and read as plain JSON (the typed
 * serializer would drop fields it does not know, which a strict-validation test must not do), and
 * the API server's `Warning` headers are returned with every response.
 */
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  ServerConfiguration,
} from '@kubernetes/client-node';

/** What the API server answered. */
export interface ApiResponse {
  readonly status: number;
  readonly body: any;
  /** `Warning` headers (RFC 7234 warn-text of each `299 - "..."`). */
  readonly warnings: string[];
}

/** A Kubernetes object as JSON. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: any;
  };
  [k: string]: any;
}

/** How a kind is served. */
export interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

/** Field manager of everything the harness applies (the user's `kubectl apply --server-side` stand-in). */
export const FIELD_MANAGER = 'otel-e2e';

/** Splits the values of `Warning` headers (joined by `, ` when repeated) into their texts. */
export function parseWarnings(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  const re = /\d{3} [^ ]+ "((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(header); m; m = re.exec(header)) out.push(m[1].replace(/\\(.)/g, '$1'));
  return out.length ? out : [header];
}

/** Error of a request that did not succeed. */
export class ApiError extends Error {
  constructor(
    readonly response: ApiResponse,
    what: string,
  ) {
    super(`${what}: HTTP ${response.status}: ${response.body?.message ?? JSON.stringify(response.body)}`);
  }
}

/** A client for one kubeconfig. */
export class ApiClient {
  readonly kubeConfig: KubeConfig;
  private readonly server: ServerConfiguration<Record<string, string>>;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();

  constructor(kubeconfigFile: string) {
    this.kubeConfig = new KubeConfig();
    this.kubeConfig.loadFromFile(kubeconfigFile);
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error(`cluster: ${kubeconfigFile} has no current cluster`);
    this.server = new ServerConfiguration(cluster.server, {});
  }

  /** One request; `body` is sent as JSON (or as given when a string). */
  async request(
    method: keyof typeof HttpMethod,
    path: string,
    opts: { query?: Record<string, string>; body?: unknown; contentType?: string; timeoutMs?: number } = {},
  ): Promise<ApiResponse> {
    const ctx = this.server.makeRequestContext(path, HttpMethod[method]);
    for (const [k, v] of Object.entries(opts.query ?? {})) ctx.setQueryParam(k, v);
    ctx.setHeaderParam('Accept', 'application/json');
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
      ctx.setBody(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    }
    ctx.setSignal(AbortSignal.timeout(opts.timeoutMs ?? 60_000));
    await this.kubeConfig.applySecurityAuthentication(ctx);
    const rsp = await this.http.send(ctx).toPromise();
    const text = await rsp.body.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (e.g. /readyz) */
    }
    return { status: rsp.httpStatusCode, body, warnings: parseWarnings(rsp.headers['warning']) };
  }

  /** Like `request`, throwing `ApiError` unless the status is 2xx. */
  async ok(
    method: keyof typeof HttpMethod,
    path: string,
    opts: Parameters<ApiClient['request']>[2] = {},
  ): Promise<ApiResponse> {
    const r = await this.request(method, path, opts);
    if (r.status < 200 || r.status > 299) throw new ApiError(r, `${method} ${path}`);
    return r;
  }

  /** How `kind` of `apiVersion` is served (discovery, refreshed once on a miss). */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let kinds = this.discovery.get(apiVersion);
      if (!kinds || attempt === 1) {
        const r = await this.request(
          'GET',
          apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
        );
        kinds = new Map();
        if (r.status === 200) {
          for (const res of r.body.resources ?? []) {
            if (String(res.name).includes('/')) continue;
            kinds.set(res.kind, { plural: res.name, namespaced: !!res.namespaced, verbs: res.verbs ?? [] });
          }
        }
        this.discovery.set(apiVersion, kinds);
      }
      const info = kinds.get(kind);
      if (info) return info;
    }
    throw new Error(`cluster: the API server does not serve ${kind} in ${apiVersion}; apply its CRD first`);
  }

  /** Forgets discovery (after CRDs change). */
  forgetDiscovery(): void {
    this.discovery.clear();
  }

  /** Path of a collection (`name` undefined) or of one object. */
  async path(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name?: string,
  ): Promise<string> {
    const info = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (info.namespaced && !namespace)
      throw new Error(`cluster: ${kind} ${name ?? ''} is namespaced but has no namespace`);
    const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace!)}` : '';
    return `${base}${ns}/${info.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  /**
   * Server-side apply with `fieldValidation=Strict` (unknown or duplicate fields are errors). Returns
   * the response (not thrown on failure: callers judge it).
   */
  async apply(
    obj: KObject,
    opts: { dryRun?: boolean; fieldManager?: string; force?: boolean } = {},
  ): Promise<ApiResponse> {
    const p = await this.path(obj.apiVersion, obj.kind, obj.metadata?.namespace, obj.metadata?.name);
    const query: Record<string, string> = {
      fieldManager: opts.fieldManager ?? FIELD_MANAGER,
      fieldValidation: 'Strict',
    };
    if (opts.dryRun) query.dryRun = 'All';
    if (opts.force) query.force = 'true';
    return this.request('PATCH', p, { query, body: obj, contentType: 'application/apply-patch+yaml' });
  }

  /** GET one object; undefined on 404. */
  async get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<any | undefined> {
    const r = await this.request('GET', await this.path(apiVersion, kind, namespace, name));
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new ApiError(r, `GET ${kind} ${namespace ?? ''}/${name}`);
    return r.body;
  }

  /** Lists `kind` (in `namespace`, or everywhere), optionally by label selector. */
  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<any[]> {
    const info = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const r = await this.ok('GET', `${base}${ns}/${info.plural}`, {
      query: labelSelector ? { labelSelector } : {},
    });
    // list items carry no kind: put it back
    return (r.body.items ?? []).map((i: any) => ({ apiVersion, kind, ...i }));
  }

  /** DELETE one object (404 counts as done). */
  async delete(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    propagationPolicy: 'Foreground' | 'Background' | 'Orphan' = 'Foreground',
  ): Promise<ApiResponse> {
    const r = await this.request('DELETE', await this.path(apiVersion, kind, namespace, name), {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy },
    });
    if (r.status !== 404 && (r.status < 200 || r.status > 299))
      throw new ApiError(r, `DELETE ${kind} ${namespace ?? ''}/${name}`);
    return r;
  }
}
