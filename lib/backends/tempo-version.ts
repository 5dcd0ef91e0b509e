/**
 * Tempo release line. The configuration object differs by major version: 2.x has a compactor
 * (`compactor.compaction.block_retention`) and an ingester; 3.x has neither and keeps retention under
 * `backend_scheduler` / `backend_worker`.
 *
 * Versions: the latest 3.x tag when this version of the library was released (v3.0.3), and 2.10.8
 * (the version tempo-operator v0.22.0 deploys).
 */
export class TempoVersion {
  /** Tempo 2.x (image `grafana/tempo:2.10.8`). */
  public static readonly V2 = new TempoVersion(2, '2.10.8');
  /** Tempo 3.x (image `grafana/tempo:3.0.3`). */
  public static readonly V3 = new TempoVersion(3, '3.0.3');

  /** A specific Tempo release, e.g. `TempoVersion.of('3.0.1')`; only majors 2 and 3 are supported. */
  public static of(version: string): TempoVersion {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/.exec(version ?? '');
    if (!m) {
      throw new Error(`tempo version "${version}" is not a semantic version; use e.g. "3.0.3" or TempoVersion.V3`);
    }
    const major = Number(m[1]);
    if (major !== 2 && major !== 3) {
      throw new Error(`tempo version "${version}" has major ${major}, which is not supported; use a 2.x or 3.x release`);
    }
    return new TempoVersion(major as 2 | 3, version.replace(/^v/, ''));
  }

  private constructor(
    /** Major version (2 or 3). */
    public readonly major: 2 | 3,
    /** Image tag, e.g. `3.0.3`. */
    public readonly tag: string,
  ) {}

  /** Container image `grafana/tempo:<tag>`. */
  public get image(): string {
    return `grafana/tempo:${this.tag}`;
  }
}
