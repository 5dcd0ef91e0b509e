/** The OpenTelemetry Operator release this library is pinned to. */
export const OPERATOR_VERSION = '0.158.0';
