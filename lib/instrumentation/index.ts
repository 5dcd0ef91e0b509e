export * from './instrumentation';
export * from './instrumentation-env';
export * from './inject';
export * from './propagator';
export * from './sampler';
