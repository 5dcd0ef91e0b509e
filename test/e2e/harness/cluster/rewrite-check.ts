/**
 * The assertion that the harness changed only what it must in the manifests it applied: each webhook
 * client that calls the operator's Service calls `https://127.0.0.1:<port><same path>` instead, and
 * nothing else differs from the synthesized object.
 */
import { ApplyReport, ident } from './apply';
import { KObject } from './client';
import { jsonEqual } from './drift';
import { OPERATOR_WEBHOOK_SERVICE } from './operator';

/** Paths (dot/[i] notation) where two JSON values differ. */
export function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (jsonEqual(a, b)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differingPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((x, i) => differingPaths(x, b[i], `${path}[${i}]`));
  return [path];
}

/**
 * Checks every object of `objects` against what `report` says was sent: identical, except the
 * rewritten webhook clients (`clientConfig.service` removed, `clientConfig.url` = base + the service's
 * path). Returns the number of rewritten clients; throws with the differences otherwise.
 */
export function assertOnlyRewritten(
  objects: readonly KObject[],
  report: ApplyReport,
  baseUrl: string,
): number {
  const problems: string[] = [];
  let rewritten = 0;
  for (const o of objects) {
    const sent = report.applied.find((a) => ident(a.sent) === ident(o))?.sent;
    if (!sent) {
      problems.push(`${ident(o)} was not applied`);
      continue;
    }
    const allowed = new Set<string>();
    const expectUrl = (prefix: string, original: any, rewrittenTo: any) => {
      if (original?.service?.name !== OPERATOR_WEBHOOK_SERVICE) return;
      allowed.add(`${prefix}.service`);
      allowed.add(`${prefix}.url`);
      rewritten++;
      const want = `${baseUrl}${original.service.path ?? ''}`;
      if (rewrittenTo?.url !== want || rewrittenTo?.service !== undefined)
        problems.push(`${ident(o)} ${prefix}: ${JSON.stringify(rewrittenTo)}, expected only url ${want}`);
    };
    (o.webhooks ?? []).forEach((w: any, i: number) =>
      expectUrl(`webhooks[${i}].clientConfig`, w.clientConfig, sent.webhooks?.[i]?.clientConfig),
    );
    if (o.kind === 'CustomResourceDefinition') {
      expectUrl(
        'spec.conversion.webhook.clientConfig',
        o.spec?.conversion?.webhook?.clientConfig,
        sent.spec?.conversion?.webhook?.clientConfig,
      );
    }
    for (const p of differingPaths(o, sent))
      if (!allowed.has(p)) problems.push(`${ident(o)}: ${p} was changed`);
  }
  if (problems.length)
    throw new Error(`the harness changed more than the webhook clients:\n  ${problems.join('\n  ')}`);
  return rewritten;
}
