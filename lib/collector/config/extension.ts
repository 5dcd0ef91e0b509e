import type { HealthCheckProps, DebugEndpointProps, FileStorageProps } from './component-fields';
import { checkFieldProps, propNames, renderFields } from './fields';
import { checkFileStorage, checkHealthCheck, FILE_STORAGE_FIELDS, HEALTH_CHECK_FIELDS, PPROF_FIELDS, ZPAGES_FIELDS } from './component-fields';
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
import { ConfigObject, isLoopback, serverPort, splitHostPort } from './config-values';

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
    const { p, where } = componentProps<HealthCheckProps>('extension', 'health_check', props, propNames(HEALTH_CHECK_FIELDS));
    checkFieldProps(HEALTH_CHECK_FIELDS, p, where);
    const values = { endpoint: p.endpoint ?? '0.0.0.0:13133', path: p.path ?? '/' };
    checkHealthCheck(values, where);
    return new EndpointExtension('health_check', renderFields(HEALTH_CHECK_FIELDS, values), p, values.endpoint, 'health');
  }

  /** `pprof` (Go profiling), loopback by default. */
  public static pprof(props: DebugEndpointProps = {}): CollectorComponent {
    const { p, where } = componentProps<DebugEndpointProps>('extension', 'pprof', props, propNames(PPROF_FIELDS));
    checkFieldProps(PPROF_FIELDS, p, where);
    const values = { endpoint: p.endpoint ?? 'localhost:1777' };
    return new EndpointExtension('pprof', renderFields(PPROF_FIELDS, values), p, values.endpoint, 'pprof');
  }

  /** `zpages` (live debugging pages), loopback by default. */
  public static zpages(props: DebugEndpointProps = {}): CollectorComponent {
    const { p, where } = componentProps<DebugEndpointProps>('extension', 'zpages', props, propNames(ZPAGES_FIELDS));
    checkFieldProps(ZPAGES_FIELDS, p, where);
    const values = { endpoint: p.endpoint ?? 'localhost:55679' };
    return new EndpointExtension('zpages', renderFields(ZPAGES_FIELDS, values), p, values.endpoint, 'zpages');
  }

  /** `file_storage`: persistent storage for exporter queues (`sendingQueue.storage`). */
  public static fileStorage(props: FileStorageProps): CollectorComponent {
    const { p, where } = componentProps<FileStorageProps>('extension', 'file_storage', props, propNames(FILE_STORAGE_FIELDS), false);
    checkFieldProps(FILE_STORAGE_FIELDS, p, where);
    checkFileStorage(p, where);
    return new ConfiguredComponent('extension', 'file_storage', renderFields(FILE_STORAGE_FIELDS, p), p);
  }

  /** Escape hatch: any extension type with a free config. */
  public static custom(type: string, config: ConfigObject = {}, options: CustomComponentOptions = {}): CollectorComponent {
    checkCustomArgs('extension', type, config, options);
    return new ConfiguredComponent('extension', type, config, options);
  }
}
