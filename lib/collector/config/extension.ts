import { optBoolean, optNumber, optString, reqString } from '../../common/guards';
import {
  checkCustomArgs,
  componentProps,
  CollectorComponent,
  ComponentOptions,
  ConfiguredComponent,
  CustomComponentOptions,
  ListeningPort,
  portName,
} from './component';
import { checkRange, compact, ConfigObject, formatDuration, isLoopback, serverPort, splitHostPort } from './config-values';

/** Props of `Extension.healthCheck()`. */
export interface HealthCheckProps extends ComponentOptions {
  /** Listen address (probes need a non-loopback address). @default '0.0.0.0:13133' */
  readonly endpoint?: string;
  /** HTTP path of the check. @default '/' */
  readonly path?: string;
}

/** Props of the debugging extensions (`pprof`, `zpages`). */
export interface DebugEndpointProps extends ComponentOptions {
  /** Listen address. @default - loopback (pprof localhost:1777, zpages localhost:55679) */
  readonly endpoint?: string;
}

/** Props of `Extension.fileStorage()`. */
export interface FileStorageProps extends ComponentOptions {
  /** Directory for the persistent queue (mount a volume there). */
  readonly directory: string;
  /** File lock timeout. @default 1 */
  readonly timeoutSec?: number;
  /** Create the directory when missing. @default false */
  readonly createDirectory?: boolean;
}

/** An extension listening on an endpoint (ports are exposed unless bound to loopback). */
export class EndpointExtension extends ConfiguredComponent {
  constructor(
    type: string,
    config: ConfigObject,
    options: ComponentOptions,
    private readonly endpoint: string,
    private readonly portBase: string,
  ) {
    super('extension', type, config, options);
    serverPort(endpoint, `extensions.${this.id}`);
  }

  public listeningPorts(): ListeningPort[] {
    const hp = splitHostPort(this.endpoint);
    if (!hp || isLoopback(hp.host)) return [];
    return [{ name: portName(this.portBase, this.name), port: hp.port, protocol: 'TCP', appProtocol: 'http', componentId: this.id }];
  }

  public boundPorts(): ListeningPort[] {
    const hp = splitHostPort(this.endpoint);
    if (!hp) return [];
    return [{ name: portName(this.portBase, this.name), port: hp.port, protocol: 'TCP', appProtocol: 'http', componentId: this.id }];
  }
}

/** Extension factories. Extensions added to a config are enabled in `service.extensions`. */
export class Extension {
  /**
   * `health_check` on 0.0.0.0:13133 (liveness/readiness probes). The path is always written (default
   * `/`): the operator's webhook adds it to an OpenTelemetryCollector's config otherwise, and the stored
   * config would differ from ours.
   */
  public static healthCheck(props: HealthCheckProps = {}): CollectorComponent {
    const { where } = componentProps<HealthCheckProps>('extension', 'health_check', props, ['endpoint', 'path']);
    optString(where, 'endpoint', props.endpoint, 'pass a listen address host:port, e.g. "0.0.0.0:13133"');
    optString(where, 'path', props.path, 'pass an HTTP path such as "/health"');
    const endpoint = props.endpoint ?? '0.0.0.0:13133';
    const path = props.path ?? '/';
    if (!path.startsWith('/')) {
      throw new Error(`extensions.health_check: path "${path}" must start with "/"; e.g. "/health"`);
    }
    return new EndpointExtension('health_check', compact({ endpoint, path }), props, endpoint, 'health');
  }

  /** `pprof` (Go profiling), loopback by default. */
  public static pprof(props: DebugEndpointProps = {}): CollectorComponent {
    const { where } = componentProps<DebugEndpointProps>('extension', 'pprof', props, ['endpoint']);
    optString(where, 'endpoint', props.endpoint, 'pass a listen address host:port, e.g. "localhost:1777"');
    const endpoint = props.endpoint ?? 'localhost:1777';
    return new EndpointExtension('pprof', { endpoint }, props, endpoint, 'pprof');
  }

  /** `zpages` (live debugging pages), loopback by default. */
  public static zpages(props: DebugEndpointProps = {}): CollectorComponent {
    const { where } = componentProps<DebugEndpointProps>('extension', 'zpages', props, ['endpoint']);
    optString(where, 'endpoint', props.endpoint, 'pass a listen address host:port, e.g. "localhost:55679"');
    const endpoint = props.endpoint ?? 'localhost:55679';
    return new EndpointExtension('zpages', { endpoint }, props, endpoint, 'zpages');
  }

  /** `file_storage`: persistent storage for exporter queues (`sendingQueue.storage`). */
  public static fileStorage(props: FileStorageProps): CollectorComponent {
    const { where } = componentProps<FileStorageProps>('extension', 'file_storage', props, ['directory', 'timeoutSec', 'createDirectory'], false);
    reqString(where, 'directory', props.directory, 'pass the absolute path of a mounted volume, e.g. "/var/lib/otelcol/queue"');
    optNumber(where, 'timeoutSec', props.timeoutSec, { min: 0, example: '1' });
    optBoolean(where, 'createDirectory', props.createDirectory);
    if (!props.directory.startsWith('/')) {
      throw new Error(`extensions.file_storage: directory "${props.directory}" must be an absolute path; mount a volume and use its path`);
    }
    checkRange(props.timeoutSec, 0, Infinity, 'extensions.file_storage: timeout', 'use a value >= 0 seconds');
    return new ConfiguredComponent(
      'extension',
      'file_storage',
      compact({
        directory: props.directory,
        timeout: props.timeoutSec === undefined ? undefined : formatDuration(props.timeoutSec),
        create_directory: props.createDirectory,
      }),
      props,
    );
  }

  /** Escape hatch: any extension type with a free config. */
  public static custom(type: string, config: ConfigObject = {}, options: CustomComponentOptions = {}): CollectorComponent {
    checkCustomArgs('extension', type, config, options);
    return new ConfiguredComponent('extension', type, config, options);
  }
}
