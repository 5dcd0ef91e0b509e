/** A minimal valid OpenTelemetryCollector v1beta1 (daemonset, otlp -> debug); `spec` fields override. */
export function collectorCr(spec: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: 'agent', namespace: 'observability' },
    spec: {
      mode: 'daemonset',
      config: {
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
      },
      ...spec,
    },
  };
}
