// The public API of this room: a deliberate list (internal helpers are imported from their modules).
export { LANGUAGES, SDK_DEFAULT_PROTOCOL } from './instrumentation-ref';
export type { InstrumentationLanguage } from './instrumentation-ref';
export { Instrumentation, LOG_CORRELATION_ENV } from './instrumentation';
export type {
  ApacheHttpdOptions,
  ExporterTls,
  InitContainerResources,
  InstrumentationProps,
  JavaExtension,
  JavaOptions,
  LanguageOptions,
  NginxOptions,
} from './instrumentation';
export type { EnvVarJson, InstrumentationEnvVar } from './instrumentation-env';
export {
  ANNOTATION_PREFIX,
  CONTAINER_NAMES_ANNOTATION,
  GO_TARGET_EXE_ANNOTATION,
  InjectLanguage,
  LANGUAGE_ANNOTATIONS,
  PSA_ENFORCE_LABEL,
  inject,
} from './inject';
export type {
  DotnetInjectionOptions,
  GoInjectionOptions,
  IKubeResourceLike,
  IPodTemplateLike,
  IResourceMetadataLike,
  InjectOptions,
  InjectTarget,
  InjectedLanguage,
  LanguageInjectionOptions,
  PythonInjectionOptions,
} from './inject';
export { Propagator } from './propagator';
export { Sampler } from './sampler';
export type { JaegerRemoteSamplerOptions, SamplerSpec } from './sampler';
