/** Shared helpers of the benchmark (no library imports: the cold scenarios must load only what they time). */
import * as os from 'os';
import * as path from 'path';

/** The upstream reference folder (CRDs for validating custom resources). */
export const REF = path.resolve(
  process.env.OTEL_K8S_REFERENCE_DIR ?? path.join(__dirname, '..', '..', '..', '..', 'shared', 'reference'),
);

/** The median (upper median for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Milliseconds since `start` (a `process.hrtime.bigint()`). */
export function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** One line describing the machine. */
export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model?.trim() ?? 'unknown cpu'}), Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/** `met` / `MISSED` next to a figure. */
export function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}
