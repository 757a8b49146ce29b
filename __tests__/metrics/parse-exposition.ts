// Prometheus' text exposition, read by prom2javascript, as flat samples for the metrics tests: a histogram
// family gives its `_bucket` (with `le`), `_count` and `_sum` samples, as Prometheus itself would store them.
import { getMetricsFromIterator, type PromData, type PromHistogramData } from 'prom2javascript';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  /** `# TYPE` per metric family. */
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

export async function parseExposition(text: string): Promise<Exposition> {
  const families = await getMetricsFromIterator(text.split('\n').values());
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [name, family] of Object.entries(families)) {
    types.set(name, family.type);
    if (family.type !== 'histogram') {
      for (const d of family.data as readonly PromData[]) samples.push({ name, labels: d.labels, value: d.value });
      continue;
    }
    for (const h of family.data as readonly PromHistogramData[]) {
      // Sorted by bound: an object lists integer-like keys ("1", "10") before the others.
      const buckets = Object.entries(h.buckets).sort(([a], [b]) => Number(a) - Number(b));
      for (const [le, value] of buckets) {
        samples.push({ name: `${name}_bucket`, labels: { ...h.labels, le }, value });
      }
      samples.push({ name: `${name}_count`, labels: h.labels, value: h.count });
      if (h.sum !== undefined) samples.push({ name: `${name}_sum`, labels: h.labels, value: h.sum });
    }
  }
  return { types, samples };
}

/** The samples with this name and (at least) these labels. */
function matching(exp: Exposition, name: string, labels: Record<string, string>): Sample[] {
  return exp.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The total of every sample with this name and (at least) these labels; 0 when there is none. */
export function sumOf(exp: Exposition, name: string, labels: Record<string, string> = {}): number {
  return matching(exp, name, labels).reduce((total, s) => total + s.value, 0);
}

/** The value of the one sample with this name and (at least) these labels; undefined when absent. */
export function valueOf(exp: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = matching(exp, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
