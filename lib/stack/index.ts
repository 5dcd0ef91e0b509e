export * from './sampling';
export * from './tracing-stack';
export * from './pipeline-diagram';
export * from './layered-output';
