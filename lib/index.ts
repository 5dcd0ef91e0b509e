export * from './common/otlp-destination';
export * from './common/layers';
export * from './validation';
export * from './collector/config';
export * from './operator';
export * from './instrumentation';
export * from './backends';
export * from './collector';
