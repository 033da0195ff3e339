/**
 * Reads a V8 heap snapshot (`.heapsnapshot`, as `v8.writeHeapSnapshot` writes it) into the self size and count of
 * each kind of object (type and constructor or name), so two snapshots taken at different numbers of calls show
 * what each call holds.
 */
import { readFileSync } from 'node:fs';

export interface HeapGroup {
  count: number;
  bytes: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Strings, numbers and code are grouped by type only; objects by their constructor (or closure by its function). */
const BY_TYPE_ONLY = new Set(['string', 'concatenated string', 'sliced string', 'number', 'code', 'hidden', 'array', 'object shape']);

export function readHeapGroups(path: string): Map<string, HeapGroup> {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!] ?? 'unknown';
    const name = BY_TYPE_ONLY.has(type) ? '' : (snap.strings[snap.nodes[i + nameAt]!] ?? '').slice(0, 60);
    const key = name ? `${type} ${name}` : type;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += snap.nodes[i + sizeAt]!;
    groups.set(key, group);
  }
  return groups;
}

export interface PerCall {
  key: string;
  count: number;
  bytes: number;
}

/** What grew from `before` to `after`, divided by the calls added: largest first. */
export function perCall(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>, calls: number): PerCall[] {
  const out: PerCall[] = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, bytes: 0 };
    out.push({ key, count: (a.count - b.count) / calls, bytes: (a.bytes - b.bytes) / calls });
  }
  return out.sort((x, y) => y.bytes - x.bytes);
}

export function totalBytes(groups: Map<string, HeapGroup>): number {
  let total = 0;
  for (const g of groups.values()) total += g.bytes;
  return total;
}
