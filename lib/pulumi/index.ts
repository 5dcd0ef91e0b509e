export * from './cdk8s-resources';
