export * from './tempo-tail-sampling';
export * from './jaeger-head-sampling';
export * from './vendor-otlp';
export * from './single-node-dev';
