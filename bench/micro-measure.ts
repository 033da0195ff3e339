/**
 * A small per-operation timer for micro-benchmarks on a shared machine: rows are run in turn, several rounds
 * interleaved, and each row reports its fastest round (load from elsewhere only ever adds time), so a burst of
 * other work moves a round, not the result. Each row's function returns a number that is summed, so the work
 * cannot be optimised away.
 */
export interface MicroRow {
  name: string;
  run: () => number;
  /** A row whose time is set-up this row repeats each time (restoring a frame it consumes): subtracted. */
  minus?: string;
}

export interface MicroResult {
  name: string;
  nsPerOp: number;
}

/** Keeps every result alive. */
let checksum = 0;

function timeOnce(run: () => number, iterations: number): number {
  let sum = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sum += run();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  checksum += sum;
  return ns;
}

export function measure(rows: readonly MicroRow[], { rounds = 9, iterations = 50_000 } = {}): MicroResult[] {
  for (const row of rows) timeOnce(row.run, iterations / 4);
  const best = rows.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < rounds; r++) rows.forEach((row, i) => (best[i] = Math.min(best[i]!, timeOnce(row.run, iterations))));
  const byName = new Map(rows.map((row, i) => [row.name, best[i]!]));
  return rows.map((row, i) => ({ name: row.name, nsPerOp: best[i]! - (row.minus === undefined ? 0 : byName.get(row.minus)!) }));
}

/** One line per row: ns per operation and its ratio to each reference row. */
export function printTable(title: string, results: readonly MicroResult[], references: readonly string[]): void {
  const refs = references.map((name) => results.find((r) => r.name === name)!);
  console.log(`\n${title}`);
  console.log(`${'ns/frame'.padStart(9)}  ${refs.map((_, i) => `÷ref${i + 1}`.padStart(6)).join('  ')}  row`);
  for (const r of results) {
    const ratios = refs.map((ref) => (r.nsPerOp / ref.nsPerOp).toFixed(2).padStart(6)).join('  ');
    console.log(`${Math.round(r.nsPerOp).toString().padStart(9)}  ${ratios}  ${r.name}`);
  }
  refs.forEach((ref, i) => console.log(`  ref${i + 1} = ${ref.name}`));
}
