/** Propagator names accepted by the Instrumentation CRD (v0.158.0). */
const KNOWN = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace', 'none'] as const;

/** A context propagator (`OTEL_PROPAGATORS`), enum-like. */
export class Propagator {
  /** W3C Trace Context. */
  public static readonly TRACECONTEXT = new Propagator('tracecontext');
  /** W3C Baggage. */
  public static readonly BAGGAGE = new Propagator('baggage');
  /** Zipkin B3, single header. */
  public static readonly B3 = new Propagator('b3');
  /** Zipkin B3, multiple headers. */
  public static readonly B3_MULTI = new Propagator('b3multi');
  /** Jaeger `uber-trace-id`. */
  public static readonly JAEGER = new Propagator('jaeger');
  /** AWS X-Ray. */
  public static readonly XRAY = new Propagator('xray');
  /** OpenTracing `ot-tracer-*`. */
  public static readonly OT_TRACE = new Propagator('ottrace');
  /** No propagation. */
  public static readonly NONE = new Propagator('none');

  /** A propagator by its `OTEL_PROPAGATORS` name; unknown names are rejected. */
  public static of(name: string): Propagator {
    if (!(KNOWN as readonly string[]).includes(name)) {
      throw new Error(
        `instrumentation propagators: unknown propagator "${name}"; use one of ${KNOWN.join(', ')}`,
      );
    }
    return new Propagator(name);
  }

  private constructor(
    /** Name as written in `spec.propagators`. */
    public readonly name: string,
  ) {}
}

/** Validates a propagator list and returns the names. */
export function propagatorNames(propagators: readonly Propagator[]): string[] {
  const names = propagators.map((p) => (p instanceof Propagator ? p.name : Propagator.of(String(p)).name));
  if (names.length === 0) {
    throw new Error('instrumentation propagators: the list is empty; omit it for the default (tracecontext, baggage) or list at least one');
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) {
    throw new Error(`instrumentation propagators: "${dup}" is listed twice; list each propagator once`);
  }
  if (names.includes('none') && names.length > 1) {
    throw new Error(
      `instrumentation propagators: "none" cannot be combined with ${names.filter((n) => n !== 'none').join(', ')}; use none alone`,
    );
  }
  return names;
}
