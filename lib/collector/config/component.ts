import { ComponentKind } from './component-types';
import { ConfigObject, ConfigValue, cloneConfig } from './config-values';
import { SecretKeyRef } from '../../common/otlp-destination';
import { checkConfigValue, fail, optList, optNumber, optOneOf, optString, optStringList, propsObject, reqProps, reqString } from '../../common/guards';

/** Upstream component type pattern (`component.Type`). */
export const TYPE_PATTERN = /^[a-zA-Z][0-9a-zA-Z_]{0,62}$/;
/** Upstream component name pattern: no whitespace, control or symbol characters; at most 1024 chars. */
export const NAME_PATTERN = /^[^\p{Z}\p{C}\p{S}]{1,1024}$/u;

/** A port a collector config listens on (workloads derive container and Service ports from it). */
export interface ListeningPort {
  /** Kubernetes port name (<= 15 chars, lowercase alphanumerics and `-`), e.g. `otlp-grpc`. */
  readonly name: string;
  /** Port number. */
  readonly port: number;
  /** Transport protocol. */
  readonly protocol: 'TCP' | 'UDP';
  /** Application protocol hint (`grpc`, `http`). @default - none */
  readonly appProtocol?: string;
  /** Id of the component that opens it, e.g. `otlp` or `health_check`; `service.telemetry` for self-metrics. */
  readonly componentId: string;
}

/** An environment variable the collector container must get from a Secret (never inlined). */
export interface SecretEnvVar {
  /** Variable name referenced as `${env:NAME}` in the config. */
  readonly name: string;
  /** Secret key holding the value. */
  readonly secretKeyRef: SecretKeyRef;
}

/** Options common to every component factory. */
export interface ComponentOptions {
  /**
   * Instance name: the component id becomes `type/name`.
   * @default - no name (id = type)
   */
  readonly name?: string;
}

/** Validates a `type[/name]` id part and returns it. */
export function checkIdParts(kind: string, type: string, name: string | undefined): void {
  if (typeof type !== 'string') fail(kind, 'type', type, 'is not a string', 'pass a component type such as "otlp"');
  if (name !== undefined && typeof name !== 'string') fail(`${kind} "${type}"`, 'name', name, 'is not a string', 'pass an instance name such as "primary"');
  if (!TYPE_PATTERN.test(type)) {
    throw new Error(
      `${kind} type "${type}" is invalid; a type starts with a letter and has at most 63 letters, digits or underscores`,
    );
  }
  if (name !== undefined && !NAME_PATTERN.test(name)) {
    throw new Error(
      `${kind} "${type}" name "${name}" is invalid; a name is 1-1024 characters without spaces, control characters or symbols such as / $ + =`,
    );
  }
}

/**
 * A collector component (receiver, processor, exporter, extension, connector). Instances are immutable;
 * create them through the static factories of `Receiver`, `Processor`, `Exporter`, `Extension`, `Connector`.
 */
export abstract class CollectorComponent {
  /** Component kind. */
  public readonly kind: ComponentKind;
  /** Type as rendered, e.g. `otlp_grpc`. */
  public readonly type: string;
  /** Instance name. @default - none */
  public readonly name?: string;

  protected constructor(kind: ComponentKind, type: string, options: ComponentOptions = {}) {
    checkIdParts(kind, type, options.name);
    this.kind = kind;
    this.type = type;
    this.name = options.name;
  }

  /** The id used in the config: `type` or `type/name`. */
  public get id(): string {
    return this.name === undefined ? this.type : `${this.type}/${this.name}`;
  }

  /** The component's configuration as a plain object (stable key order, no undefined values). */
  public abstract toConfig(): ConfigObject;

  /** Ports this component listens on. */
  public listeningPorts(): ListeningPort[] {
    return [];
  }

  /**
   * Ports this component binds, also on loopback (which `listeningPorts()` leaves out because no
   * Service can reach them); two components binding the same port conflict at start.
   */
  public boundPorts(): ListeningPort[] {
    return this.listeningPorts();
  }

  /** Ids of extensions this component references (auth, storage); checked by `validate()`. */
  public referencedExtensions(): string[] {
    return [];
  }

  /** Env vars that must come from Secrets for this component's `${env:...}` references. */
  public secretEnv(): SecretEnvVar[] {
    return [];
  }

  /**
   * Problems that the collector reports at startup but that a parsed config may still contain
   * (reported as errors by `CollectorConfig.validate()`).
   */
  public problems(): { rule: string; message: string }[] {
    return [];
  }

  /**
   * For exporters: whether retry and the sending queue are enabled (undefined: unknown / not an exporter).
   */
  public resilience(): { retry: boolean; queue: boolean } | undefined {
    return undefined;
  }
}

/** Options of an escape-hatch component. */
export interface CustomComponentOptions extends ComponentOptions {
  /** Ports the component listens on (the model cannot know them for arbitrary types). @default - none */
  readonly ports?: readonly Omit<ListeningPort, 'componentId'>[];
  /** Extensions it references (for the undefined-component check). @default - none */
  readonly extensions?: readonly string[];
  /** Secret-backed env vars its `${env:...}` references need. @default - none */
  readonly secretEnv?: readonly SecretEnvVar[];
}

/** A component given as type + free config (escape hatch), also used for simple typed components. */
export class ConfiguredComponent extends CollectorComponent {
  private readonly config: ConfigObject;
  private readonly options: CustomComponentOptions;

  constructor(kind: ComponentKind, type: string, config: ConfigObject, options: CustomComponentOptions = {}) {
    super(kind, type, options);
    this.config = cloneConfig(config);
    this.options = options;
  }

  public toConfig(): ConfigObject {
    return cloneConfig(this.config);
  }

  public listeningPorts(): ListeningPort[] {
    return (this.options.ports ?? []).map((p) => ({ ...p, componentId: this.id }));
  }

  /**
   * The declared extensions, plus every extension the config names in the collector's own reference
   * fields: `auth.authenticator` (client and server auth) and `sending_queue.storage` (at any depth).
   */
  public referencedExtensions(): string[] {
    const found = new Set(this.options.extensions ?? []);
    const walk = (v: ConfigValue, parent: string | undefined): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, undefined));
      else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (typeof x === 'string' && ((parent === 'auth' && k === 'authenticator') || (parent === 'sending_queue' && k === 'storage'))) found.add(x);
          walk(x, k);
        }
      }
    };
    walk(this.config, undefined);
    return [...found];
  }

  public secretEnv(): SecretEnvVar[] {
    return [...(this.options.secretEnv ?? [])];
  }
}

/** Kubernetes port name from a base and a component name (lowercase, `-`, <= 15 chars). */
export function portName(base: string, componentName: string | undefined): string {
  const raw = componentName === undefined ? base : `${componentName}-${base.split('-').pop()}`;
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return cleaned.slice(0, 15).replace(/-$/, '') || base.slice(0, 15);
}

/** Section names of the component kinds (`processors`, ...). */
const SECTIONS: Record<ComponentKind, string> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
  connector: 'connectors',
};

/**
 * The props of a typed component factory, checked: a plain object (`undefined` allowed when
 * `optional`) with only `known` keys (plus `name`), and a string `name`. Returns the props and the
 * message prefix (`processors.batch/name`).
 */
export function componentProps<T extends object>(
  kind: ComponentKind,
  type: string,
  props: unknown,
  known: readonly string[],
  optional = true,
): { p: T; where: string } {
  const base = `${SECTIONS[kind]}.${type}`;
  const p = propsObject<T & ComponentOptions>(base, props, ['name', ...known], optional);
  const name = optString(base, 'name', p.name, 'pass an instance name such as "primary"');
  return { p, where: name === undefined ? base : `${base}/${name}` };
}

const PORT_KEYS = ['name', 'port', 'protocol', 'appProtocol'];

/** Checks the options of an escape-hatch component (`*.custom(type, config, options)`). */
export function checkCustomArgs(kind: ComponentKind, type: unknown, config: unknown, options: unknown): void {
  const where = `${SECTIONS[kind]}.${typeof type === 'string' ? type : '(custom)'}`;
  reqString(where, 'type', type, 'pass a component type such as "span_metrics"');
  const cfg = propsObject<Record<string, unknown>>(where, config, undefined);
  checkConfigValue(where, '', cfg);
  const o = propsObject<CustomComponentOptions>(where, options, ['name', 'ports', 'extensions', 'secretEnv']);
  optString(where, 'name', o.name, 'pass an instance name such as "primary"');
  optList(where, 'ports', o.ports, (x, path) => {
    const port = reqProps<Record<string, unknown>>(where, path, x, PORT_KEYS);
    reqString(where, `${path}.name`, port.name, 'pass a Kubernetes port name such as "jaeger-grpc"');
    if (port.port === undefined) fail(where, `${path}.port`, port.port, 'is missing', 'pass a port number between 1 and 65535');
    optNumber(where, `${path}.port`, port.port, { min: 1, max: 65535, integer: true });
    if (port.protocol === undefined) fail(where, `${path}.protocol`, port.protocol, 'is missing', 'pass "TCP" or "UDP"');
    optOneOf(where, `${path}.protocol`, port.protocol, ['TCP', 'UDP']);
    optString(where, `${path}.appProtocol`, port.appProtocol, 'pass an application protocol such as "grpc"');
    return port;
  });
  optStringList(where, 'extensions', o.extensions, 'pass a list of extension ids');
  checkSecretEnv(where, 'secretEnv', o.secretEnv);
}

/** Checks a list of Secret-backed env vars (`{ name, secretKeyRef: { name, key } }`). */
export function checkSecretEnv(where: string, path: string, v: unknown): void {
  optList(where, path, v, (x, itemPath) => {
    const e = reqProps<Record<string, unknown>>(where, itemPath, x, ['name', 'secretKeyRef']);
    const name = reqString(where, `${itemPath}.name`, e.name, 'pass an environment variable name such as BACKEND_TOKEN');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(where, `${itemPath}.name`, name, 'is not an environment variable name', 'use letters, digits and underscores, not starting with a digit');
    const ref = reqProps<Record<string, unknown>>(where, `${itemPath}.secretKeyRef`, e.secretKeyRef, ['name', 'key']);
    reqString(where, `${itemPath}.secretKeyRef.name`, ref.name, 'pass the Secret name');
    reqString(where, `${itemPath}.secretKeyRef.key`, ref.key, 'pass the key inside the Secret');
    return e;
  });
}
