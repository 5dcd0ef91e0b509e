import { COMPONENT_KINDS, ComponentKind, componentModule } from './component-types';
import { fail, optList, optOneOf, reqProps, reqString } from '../../common/guards';

/** Collector version shipped by the pinned OpenTelemetry Operator (v0.158.0). */
export const COLLECTOR_VERSION = '0.158.0';

/** Go modules (last path segment) per component kind, space separated. */
type ModuleTable = Record<ComponentKind, string>;

/*
 * Hand-maintained component tables of the four official distributions, as Go module names (the unit the
 * OCB manifests list). `test/collector/config/reference.test.ts` compares them with
 * the distributions' upstream OCB manifests (v0.159.0) at test time. Module -> type
 * names go through the single table in `component-types.ts`.
 */
const CORE_MODULES: ModuleTable = {
  receiver:
    'hostmetricsreceiver jaegerreceiver kafkareceiver nopreceiver otlpreceiver prometheusreceiver ' +
    'zipkinreceiver',
  processor:
    'attributesprocessor batchprocessor filterprocessor memorylimiterprocessor ' +
    'probabilisticsamplerprocessor resourceprocessor spanprocessor',
  exporter:
    'debugexporter fileexporter kafkaexporter nopexporter otlpexporter otlphttpexporter ' +
    'prometheusexporter prometheusremotewriteexporter zipkinexporter',
  extension:
    'healthcheckextension pprofextension zpagesextension',
  connector:
    'forwardconnector',
};

const CONTRIB_MODULES: ModuleTable = {
  receiver:
    'activedirectorydsreceiver aerospikereceiver apachereceiver apachesparkreceiver awscloudwatchreceiver ' +
    'awscontainerinsightreceiver awsecscontainermetricsreceiver awsfirehosereceiver awslambdareceiver ' +
    'awss3receiver awsxrayreceiver azureblobreceiver azureeventhubreceiver azuremonitorreceiver ' +
    'carbonreceiver chronyreceiver ciscoosreceiver cloudflarereceiver cloudfoundryreceiver ' +
    'collectdreceiver couchdbreceiver datadogreceiver dockerstatsreceiver elasticsearchreceiver ' +
    'envoyalsreceiver expvarreceiver faroreceiver filelogreceiver filestatsreceiver flinkmetricsreceiver ' +
    'fluentforwardreceiver githubreceiver gitlabreceiver googlecloudmonitoringreceiver ' +
    'googlecloudpubsubreceiver googlecloudspannerreceiver haproxyreceiver hostmetricsreceiver ' +
    'httpcheckreceiver icmpcheckreceiver iisreceiver influxdbreceiver jaegerreceiver journaldreceiver ' +
    'k8sclusterreceiver k8seventsreceiver k8sobjectsreceiver kafkametricsreceiver kafkareceiver ' +
    'kubeletstatsreceiver libhoneyreceiver lokireceiver macosunifiedloggingreceiver memcachedreceiver ' +
    'mongodbatlasreceiver mongodbreceiver mysqlreceiver namedpipereceiver netflowreceiver nginxreceiver ' +
    'nopreceiver nsxtreceiver ntpreceiver obi oracledbreceiver otelarrowreceiver otlpjsonfilereceiver ' +
    'otlpreceiver podmanreceiver postgresqlreceiver pprofreceiver prometheusreceiver ' +
    'prometheusremotewritereceiver pulsarreceiver purefareceiver purefbreceiver rabbitmqreceiver ' +
    'receivercreator redisreceiver riakreceiver saphanareceiver simpleprometheusreceiver ' +
    'skywalkingreceiver snmpreceiver snowflakereceiver solacereceiver splunkenterprisereceiver ' +
    'splunkhecreceiver sqlqueryreceiver sqlserverreceiver sshcheckreceiver statsdreceiver stefreceiver ' +
    'syslogreceiver systemdreceiver tcpcheckreceiver tcplogreceiver tlscheckreceiver udplogreceiver ' +
    'vcenterreceiver wavefrontreceiver webhookeventreceiver windowseventlogreceiver ' +
    'windowsperfcountersreceiver windowsservicereceiver yanggrpcreceiver zipkinreceiver zookeeperreceiver',
  processor:
    'attributesprocessor batchprocessor cardinalityguardianprocessor coralogixprocessor ' +
    'cumulativetodeltaprocessor deltatocumulativeprocessor deltatorateprocessor drainprocessor ' +
    'filterprocessor genainormalizerprocessor geoipprocessor groupbyattrsprocessor groupbytraceprocessor ' +
    'intervalprocessor isolationforestprocessor k8sattributesprocessor logdedupprocessor ' +
    'memorylimiterprocessor metricsgenerationprocessor metricstarttimeprocessor metricstransformprocessor ' +
    'probabilisticsamplerprocessor redactionprocessor remotetapprocessor resourcedetectionprocessor ' +
    'resourceprocessor schemaprocessor spanprocessor sumologicprocessor tailsamplingprocessor ' +
    'transformprocessor unrollprocessor',
  exporter:
    'alibabacloudlogserviceexporter awscloudwatchlogsexporter awsemfexporter awskinesisexporter ' +
    'awss3exporter awsxrayexporter azureblobexporter azuredataexplorerexporter azuremonitorexporter ' +
    'bmchelixexporter cassandraexporter clickhouseexporter coralogixexporter datadogexporter ' +
    'datasetexporter debugexporter dorisexporter elasticsearchexporter faroexporter fileexporter ' +
    'googlecloudexporter googlecloudpubsubexporter googlecloudstorageexporter ' +
    'googlemanagedprometheusexporter honeycombmarkerexporter influxdbexporter kafkaexporter ' +
    'loadbalancingexporter logicmonitorexporter logzioexporter mezmoexporter nopexporter ' +
    'opensearchexporter otelarrowexporter otlpexporter otlphttpexporter prometheusexporter ' +
    'prometheusremotewriteexporter pulsarexporter rabbitmqexporter sentryexporter signalfxexporter ' +
    'splunkhecexporter stefexporter sumologicexporter syslogexporter tencentcloudlogserviceexporter ' +
    'tinybirdexporter zipkinexporter',
  extension:
    'ackextension asapauthextension awscloudwatchmetricstreamsencodingextension awsiamdbauthextension ' +
    'awslogsencodingextension awsproxy azureauthextension azureencodingextension basicauthextension ' +
    'bearertokenauthextension cgroupruntimeextension datadogextension dbstorage dockerobserver ' +
    'ecsobserver filestorage googleclientauthextension googlecloudlogentryencodingextension ' +
    'headerssetterextension healthcheckextension hostobserver httpforwarderextension ' +
    'jaegerencodingextension jaegerremotesampling jsonlogencodingextension k8sleaderelector k8sobserver ' +
    'oauth2clientauthextension oidcauthextension opampextension otlpencodingextension ' +
    'pebbletailstorageextension pprofextension redisstorageextension sigv4authextension ' +
    'skywalkingencodingextension sumologicextension textencodingextension zipkinencodingextension ' +
    'zpagesextension',
  connector:
    'countconnector datadogconnector exceptionsconnector failoverconnector forwardconnector ' +
    'grafanacloudconnector otlpjsonconnector roundrobinconnector routingconnector servicegraphconnector ' +
    'signaltometricsconnector spanmetricsconnector sumconnector',
};

const K8S_MODULES: ModuleTable = {
  receiver:
    'filelogreceiver fluentforwardreceiver hostmetricsreceiver httpcheckreceiver jaegerreceiver ' +
    'journaldreceiver k8sclusterreceiver k8seventsreceiver k8sobjectsreceiver kubeletstatsreceiver ' +
    'otelarrowreceiver otlpreceiver prometheusreceiver receivercreator zipkinreceiver',
  processor:
    'attributesprocessor batchprocessor cumulativetodeltaprocessor deltatocumulativeprocessor ' +
    'deltatorateprocessor drainprocessor filterprocessor groupbyattrsprocessor groupbytraceprocessor ' +
    'intervalprocessor k8sattributesprocessor logdedupprocessor memorylimiterprocessor ' +
    'metricsgenerationprocessor metricstransformprocessor probabilisticsamplerprocessor ' +
    'redactionprocessor remotetapprocessor resourcedetectionprocessor resourceprocessor ' +
    'tailsamplingprocessor transformprocessor',
  exporter:
    'debugexporter fileexporter loadbalancingexporter nopexporter otelarrowexporter otlpexporter ' +
    'otlphttpexporter',
  extension:
    'ackextension basicauthextension bearertokenauthextension cgroupruntimeextension filestorage ' +
    'headerssetterextension healthcheckextension hostobserver httpforwarderextension k8sleaderelector ' +
    'k8sobserver oauth2clientauthextension oidcauthextension opampextension pprofextension ' +
    'zpagesextension',
  connector:
    'countconnector exceptionsconnector failoverconnector forwardconnector otlpjsonconnector ' +
    'roundrobinconnector routingconnector servicegraphconnector spanmetricsconnector',
};

const OTLP_MODULES: ModuleTable = {
  receiver:
    'otlpreceiver',
  processor: '',
  exporter:
    'otlpexporter otlphttpexporter',
  extension: '',
  connector: '',
};

/** Whether a distribution has a component. `unknown`: a type outside our table whose module we only guessed. */
export type ComponentAvailability = 'available' | 'missing' | 'unknown';

/** Props of a distribution row. */
interface DistributionSpec {
  readonly id: 'core' | 'contrib' | 'k8s' | 'otlp';
  readonly binary: string;
  readonly dockerHubRepository: string;
  readonly ghcrRepository: string;
  readonly modules: ModuleTable;
}

const GHCR = 'ghcr.io/open-telemetry/opentelemetry-collector-releases';

/**
 * An official collector distribution (image -> available components). Enum-like: use the static members.
 *
 * @example
 * const image = CollectorDistribution.K8S.image(); // ghcr.io/.../opentelemetry-collector-k8s:0.158.0
 * CollectorDistribution.CORE.availability('processor', 'tail_sampling'); // 'missing'
 */
export class CollectorDistribution {
  /** `otelcol`: core components plus a few contrib basics; no tail_sampling, load_balancing, k8s_attributes. */
  public static readonly CORE = new CollectorDistribution({
    id: 'core',
    binary: 'otelcol',
    dockerHubRepository: 'otel/opentelemetry-collector',
    ghcrRepository: `${GHCR}/opentelemetry-collector`,
    modules: CORE_MODULES,
  });
  /** `otelcol-contrib`: everything (large image). */
  public static readonly CONTRIB = new CollectorDistribution({
    id: 'contrib',
    binary: 'otelcol-contrib',
    dockerHubRepository: 'otel/opentelemetry-collector-contrib',
    ghcrRepository: `${GHCR}/opentelemetry-collector-contrib`,
    modules: CONTRIB_MODULES,
  });
  /** `otelcol-k8s`: the Kubernetes distribution (tail_sampling, load_balancing, k8s_attributes, ...). */
  public static readonly K8S = new CollectorDistribution({
    id: 'k8s',
    binary: 'otelcol-k8s',
    dockerHubRepository: 'otel/opentelemetry-collector-k8s',
    ghcrRepository: `${GHCR}/opentelemetry-collector-k8s`,
    modules: K8S_MODULES,
  });
  /** `otelcol-otlp`: OTLP receiver and OTLP exporters only. */
  public static readonly OTLP = new CollectorDistribution({
    id: 'otlp',
    binary: 'otelcol-otlp',
    dockerHubRepository: 'otel/opentelemetry-collector-otlp',
    ghcrRepository: `${GHCR}/opentelemetry-collector-otlp`,
    modules: OTLP_MODULES,
  });

  /** All distributions, smallest first (used to suggest an image). */
  public static all(): readonly CollectorDistribution[] {
    return [CollectorDistribution.OTLP, CollectorDistribution.CORE, CollectorDistribution.K8S, CollectorDistribution.CONTRIB];
  }

  /**
   * The distribution of an image reference (`repo[:tag][@digest]`, Docker Hub or ghcr.io).
   * Throws for images that are not an official distribution.
   */
  public static fromImage(image: string): CollectorDistribution {
    reqString('CollectorDistribution.fromImage', 'image', image, 'pass an image reference such as "otel/opentelemetry-collector-k8s:0.158.0"');
    const repo = imageRepository(image);
    const found = CollectorDistribution.all().find(
      (d) => d.dockerHubRepository === repo || d.ghcrRepository === repo || `docker.io/${d.dockerHubRepository}` === repo,
    );
    if (!found) {
      throw new Error(
        `collector image "${image}" is not an official distribution; use one of ${CollectorDistribution.all()
          .map((d) => d.ghcrRepository)
          .join(', ')} or pass the distribution explicitly`,
      );
    }
    return found;
  }

  /** Short id: `core`, `contrib`, `k8s` or `otlp`. */
  public readonly id: DistributionSpec['id'];
  /** Binary name (`otelcol-k8s`), also the config directory name in the image. */
  public readonly binary: string;
  /** Docker Hub repository, e.g. `otel/opentelemetry-collector-contrib`. */
  public readonly dockerHubRepository: string;
  /** ghcr.io repository, e.g. `ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s`. */
  public readonly ghcrRepository: string;
  private readonly table: ModuleTable;
  /** The module sets, split from the table on first use (the four distributions exist at load). */
  private moduleSets?: Record<ComponentKind, ReadonlySet<string>>;

  private constructor(spec: DistributionSpec) {
    this.id = spec.id;
    this.binary = spec.binary;
    this.dockerHubRepository = spec.dockerHubRepository;
    this.ghcrRepository = spec.ghcrRepository;
    this.table = spec.modules;
  }

  private get modules(): Record<ComponentKind, ReadonlySet<string>> {
    if (!this.moduleSets) {
      const split = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter((x) => x.length > 0));
      const t = this.table;
      this.moduleSets = {
        receiver: split(t.receiver),
        processor: split(t.processor),
        exporter: split(t.exporter),
        extension: split(t.extension),
        connector: split(t.connector),
      };
    }
    return this.moduleSets;
  }

  /**
   * Image reference for a version.
   * @param version collector version @default COLLECTOR_VERSION (0.158.0)
   * @param registry `ghcr` or `dockerhub` @default 'ghcr'
   */
  public image(version: string = COLLECTOR_VERSION, registry: 'ghcr' | 'dockerhub' = 'ghcr'): string {
    const repo = registry === 'ghcr' ? this.ghcrRepository : this.dockerHubRepository;
    return `${repo}:${version}`;
  }

  /** Go modules (last path segment) of a kind in this distribution, sorted. */
  public moduleNames(kind: ComponentKind): string[] {
    return [...this.modules[kind]].sort();
  }

  /** Whether a component type (canonical or deprecated alias) is built into this distribution. */
  public availability(kind: ComponentKind, type: string): ComponentAvailability {
    const { module, guessed } = componentModule(kind, type);
    if (this.modules[kind].has(module)) return 'available';
    return guessed ? 'unknown' : 'missing';
  }

  /** The smallest distributions that contain all the given components (for error messages). */
  public static smallestWith(components: readonly { kind: ComponentKind; type: string }[]): CollectorDistribution[] {
    const where = 'CollectorDistribution.smallestWith';
    if (components === undefined) fail(where, 'components', components, 'is missing', 'pass a list of { kind, type }');
    optList(where, 'components', components, (c, path) => {
      const o = reqProps<Record<string, unknown>>(where, path, c, ['kind', 'type']);
      if (o.kind === undefined) fail(where, `${path}.kind`, o.kind, 'is missing', `use one of ${COMPONENT_KINDS.join(', ')}`);
      optOneOf(where, `${path}.kind`, o.kind, COMPONENT_KINDS);
      reqString(where, `${path}.type`, o.type, 'pass a component type such as "tail_sampling"');
      return o;
    }, 'pass a list of { kind, type }');
    return CollectorDistribution.all().filter((d) =>
      components.every((c) => d.availability(c.kind, c.type) === 'available'),
    );
  }
}

function imageRepository(image: string): string {
  let ref = image.trim();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  return ref;
}
