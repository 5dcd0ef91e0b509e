// The public API of this room: a deliberate list (internal helpers are imported from their modules).
export { TracingResources } from './cdk8s-resources';
export type { RegisteredObject, TracingResourcesProps } from './cdk8s-resources';
