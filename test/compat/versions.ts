/** The versions the compatibility matrix tests (test/compat/run.ts) and the README states. */

/** Node.js majors we support. */
export const NODE_MAJORS = [20, 22, 24];
/** TypeScript versions a consumer may compile with: the lowest supported, the one we build with, the highest. */
export const TYPESCRIPT_VERSIONS = ['5.0.4', '5.6.3', '5.9.3', '6.0.3'];
/**
 * The first TypeScript minor whose `moduleResolution: bundler` compiles @pulumi/pulumi's dependency
 * @grpc/grpc-js with `skipLibCheck` off (5.6.3 is in the matrix to show it).
 */
export const BUNDLER_STRICT_FROM = '5.6';
/** The ends of the @pulumi/pulumi peer range (^3.248.0) at the time of writing. */
export const PULUMI_VERSIONS = ['3.248.0', '3.276.0'];
/** @pulumi/kubernetes peer range ^4.34.2: 4.34.2 is also its newest 4.x. */
export const PULUMI_KUBERNETES_VERSION = '4.34.2';
