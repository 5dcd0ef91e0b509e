// The public API of this room: a deliberate list (internal helpers are imported from their modules).
export { Sampling } from './sampling';
export type { TailSamplingOptions } from './sampling';
export { StackOperator, TracingStack } from './tracing-stack';
export type { TracingStackProps } from './tracing-stack';
export { pipelineDiagram } from './pipeline-diagram';
export type { DiagramTier, PipelineDiagramProps } from './pipeline-diagram';
export { ARGOCD_SYNC_WAVE, synthLayered, synthObjects } from './layered-output';
export type { LayeredOutput, LayeredOutputProps } from './layered-output';
