import { Construct } from 'constructs';
import { ExternalOtlpBackend, ExternalOtlpOptions } from './external-otlp';
import { checkJaegerProps, Jaeger, JaegerProps } from './jaeger';
import { checkTempoProps, Tempo, TempoProps } from './tempo';
import { optObject, optString } from '../common/guards';
import { ITraceBackend } from '../common/trace-backend';

/** Options passed by the stack that binds a backend. */
export interface BackendBindOptions {
  /**
   * Namespace for in-cluster backends whose props do not set one.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
}

/**
 * Where traces land, chosen by a higher-level stack as `backend: Backend.tempo()`. `bind()` creates
 * the backend's objects (none for `Backend.otlp`) and returns what exporters need.
 *
 * @example
 * const backend = Backend.tempo({ storage: TempoStorage.local({ sizeGiB: 20 }) }).bind(chart, 'backend', { namespace: 'observability' });
 * backend.otlpGrpcUrl; // http://tempo.observability.svc.cluster.local:4317
 */
export abstract class Backend {
  /** Grafana Tempo, monolithic (props are checked now, the objects are made by `bind`). */
  public static tempo(props: TempoProps = {}): Backend {
    props = checkTempoProps(props);
    return new (class extends Backend {
      public readonly kind = 'tempo';
      public bind(scope: Construct, id: string, options: BackendBindOptions = {}): ITraceBackend {
        return new Tempo(scope, id, { ...props, namespace: props.namespace ?? bindNamespace('tempo', options) });
      }
    })();
  }

  /** Jaeger v2 (props are checked now, the objects are made by `bind`). */
  public static jaeger(props: JaegerProps = {}): Backend {
    props = checkJaegerProps(props);
    return new (class extends Backend {
      public readonly kind = 'jaeger';
      public bind(scope: Construct, id: string, options: BackendBindOptions = {}): ITraceBackend {
        return new Jaeger(scope, id, { ...props, namespace: props.namespace ?? bindNamespace('jaeger', options) });
      }
    })();
  }

  /** An external OTLP endpoint (vendor or existing backend); validated now, creates nothing. */
  public static otlp(url: string, options: ExternalOtlpOptions = {}): Backend {
    const backend = new ExternalOtlpBackend(url, options);
    return new (class extends Backend {
      public readonly kind = 'otlp';
      public bind(): ITraceBackend {
        return backend;
      }
    })();
  }

  /** `tempo`, `jaeger` or `otlp`. */
  public abstract readonly kind: string;

  /** Creates the backend under `scope` (in-cluster kinds) and returns its exporter contract. */
  public abstract bind(scope: Construct, id: string, options?: BackendBindOptions): ITraceBackend;
}

/** The namespace a stack passes to `bind` (checked: stacks written in JavaScript pass anything). */
function bindNamespace(kind: string, options: unknown): string | undefined {
  const o = optObject<BackendBindOptions>(`${kind} backend bind`, 'options', options ?? {}, ['namespace']);
  return optString(`${kind} backend bind`, 'options.namespace', o?.namespace, 'pass a namespace name');
}
