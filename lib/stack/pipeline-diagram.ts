import { fail, optList, optOneOf, optString, propsObject, reqInstance, reqString } from '../common/guards';
import { CollectorConfig } from '../collector/config';

/** One collector tier of a tracing pipeline (agent, gateway, …). */
export interface DiagramTier {
  /** Short id, used as the Mermaid subgraph id (letters, digits, `_`). */
  readonly id: string;
  /** Label shown on the subgraph, e.g. `agent (DaemonSet)`. */
  readonly label: string;
  /** The tier's collector config. */
  readonly config: CollectorConfig;
}

/** Props of `pipelineDiagram`. */
export interface PipelineDiagramProps {
  /** Collector tiers in data-flow order: the first receives from the applications, the last exports to the backend. */
  readonly tiers: readonly DiagramTier[];
  /**
   * Label of the node the applications are drawn as.
   * @default 'instrumented workloads'
   */
  readonly sourceLabel?: string;
  /**
   * Label of the backend node.
   * @default - no backend node
   */
  readonly backendLabel?: string;
  /**
   * Which pipelines to draw.
   * @default 'traces' (every pipeline whose id starts with `traces`)
   */
  readonly signal?: 'traces' | 'metrics' | 'logs';
}

const SAFE = /[^A-Za-z0-9_]/g;

function nodeId(tier: string, kind: string, id: string): string {
  return `${tier}_${kind}_${id.replace(SAFE, '_')}`;
}

function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/**
 * A Mermaid flowchart of receivers → processors → exporters across the collector tiers and the
 * backend. Deterministic: the same configs give the same text.
 */
export function pipelineDiagram(props: PipelineDiagramProps): string {
  const where = 'pipelineDiagram';
  props = propsObject<PipelineDiagramProps>(
    where,
    props,
    ['tiers', 'signal', 'sourceLabel', 'backendLabel'],
    false,
  );
  optList(where, 'tiers', props.tiers, (t, path) => {
    const tier = propsObject<DiagramTier>(`${where}: ${path}`, t, ['id', 'label', 'config'], false);
    reqString(where, `${path}.id`, tier.id, 'pass a short id such as "agent"');
    reqString(where, `${path}.label`, tier.label, 'pass a label such as "agent (DaemonSet)"');
    reqInstance(
      where,
      `${path}.config`,
      tier.config,
      CollectorConfig,
      "the collector's config (agent.config)",
    );
    return tier;
  });
  if (props.tiers === undefined)
    fail(where, 'tiers', props.tiers, 'is missing', 'pass the agent (and gateway) tiers');
  optOneOf(where, 'signal', props.signal, ['traces', 'metrics', 'logs'] as const);
  optString(where, 'sourceLabel', props.sourceLabel);
  optString(where, 'backendLabel', props.backendLabel);
  if (props.tiers.length === 0)
    throw new Error(
      'pipelineDiagram needs at least one collector tier; pass the agent (and gateway) configs',
    );
  const signal = props.signal ?? 'traces';
  const lines: string[] = [
    'flowchart LR',
    `  apps([${label(props.sourceLabel ?? 'instrumented workloads')}])`,
  ];
  const entries: string[][] = [];
  const exits: string[][] = [];
  for (const tier of props.tiers) {
    const tid = tier.id.replace(SAFE, '_');
    const pipelines = tier.config.allPipelines().filter((p) => p.signal === signal);
    if (pipelines.length === 0)
      throw new Error(`tier "${tier.id}" has no ${signal} pipeline to draw; add one or pick another signal`);
    lines.push(`  subgraph ${tid}[${label(tier.label)}]`, '    direction LR');
    const declared = new Set<string>();
    const declare = (kind: string, id: string, shape: (l: string) => string) => {
      const n = nodeId(tid, kind, id);
      if (!declared.has(n)) {
        declared.add(n);
        lines.push(`    ${n}${shape(label(id))}`);
      }
      return n;
    };
    const tierEntries = new Set<string>();
    const tierExits = new Set<string>();
    const edges = new Set<string>();
    for (const p of pipelines) {
      const receivers = p.receivers.map((r) => declare('r', r, (l) => `[/${l}/]`));
      const processors = p.processors.map((r) => declare(`p_${p.id.replace(SAFE, '_')}`, r, (l) => `[${l}]`));
      const exporters = p.exporters.map((r) => declare('e', r, (l) => `[\\${l}\\]`));
      receivers.forEach((r) => tierEntries.add(r));
      exporters.forEach((e) => tierExits.add(e));
      const chain = [receivers, ...processors.map((p1) => [p1]), exporters];
      for (let i = 0; i + 1 < chain.length; i++) {
        for (const a of chain[i]) for (const b of chain[i + 1]) edges.add(`    ${a} --> ${b}`);
      }
    }
    lines.push(...edges, '  end');
    entries.push([...tierEntries]);
    exits.push([...tierExits]);
  }
  for (const r of entries[0]) lines.push(`  apps -- OTLP --> ${r}`);
  for (let i = 0; i + 1 < props.tiers.length; i++) {
    for (const e of exits[i]) for (const r of entries[i + 1]) lines.push(`  ${e} --> ${r}`);
  }
  if (props.backendLabel) {
    lines.push(`  backend[(${label(props.backendLabel)})]`);
    for (const e of exits[exits.length - 1]) lines.push(`  ${e} --> backend`);
  }
  return lines.join('\n') + '\n';
}
