import type { MenuItem, ModifierGroup, ModifierOption, OrgConfig } from '../main-app/org-config.js';
import { formatMoney } from './money.js';

export interface IndexedItem extends MenuItem {
  categoryId: string;
  categoryName: string;
}

export type ItemLookup =
  | { kind: 'found'; item: IndexedItem }
  | { kind: 'ambiguous'; candidates: IndexedItem[] }
  | { kind: 'not-found'; suggestions: IndexedItem[] };

export type OptionLookup =
  | { kind: 'found'; group: ModifierGroup; option: ModifierOption }
  | { kind: 'ambiguous'; candidates: { group: ModifierGroup; option: ModifierOption }[] }
  | { kind: 'not-found' };

/** An org's menu, indexed for lookups by id or by a forgiving name match (case, accents, plurals, small typos). */
export class MenuIndex {
  private readonly byIdMap = new Map<string, IndexedItem>();
  readonly currency: string;
  readonly language: string;

  constructor(org: Pick<OrgConfig, 'menu' | 'currency' | 'language'>) {
    this.currency = org.currency;
    this.language = org.language;
    for (const category of org.menu.categories) {
      for (const item of category.items) {
        this.byIdMap.set(item.id, { ...item, categoryId: category.id, categoryName: category.name });
      }
    }
  }

  items(): IndexedItem[] {
    return [...this.byIdMap.values()];
  }

  byId(id: string): IndexedItem | undefined {
    return this.byIdMap.get(id);
  }

  money(cents: number): string {
    return formatMoney(cents, this.currency, this.language);
  }

  /** Finds an item by exact id, else by name. */
  findItem(ref: string): ItemLookup {
    const direct = this.byIdMap.get(ref.trim());
    if (direct) return { kind: 'found', item: direct };
    const match = matchByName(this.items(), ref, (item) => [item.name, item.id]);
    if (match.kind !== 'not-found') return match.kind === 'found' ? { kind: 'found', item: match.value } : { kind: 'ambiguous', candidates: match.values };
    const query = tokens(ref);
    const suggestions = this.items()
      .filter((item) => tokens(item.name).some((t) => query.some((q) => tokensMatch(q, t))))
      .sort((a, b) => Number(b.available) - Number(a.available))
      .slice(0, 3);
    return { kind: 'not-found', suggestions };
  }

  /** Finds one of an item's modifier options by id, else by name, across all of the item's groups. */
  findOption(item: MenuItem, ref: string): OptionLookup {
    const all = item.modifierGroups.flatMap((group) => group.options.map((option) => ({ group, option })));
    const direct = all.find((c) => c.option.id === ref.trim());
    if (direct) return { kind: 'found', ...direct };
    const match = matchByName(all, ref, (c) => [c.option.name, c.option.id, `${c.option.name} ${c.group.name}`]);
    if (match.kind === 'found') return { kind: 'found', ...match.value };
    if (match.kind === 'ambiguous') return { kind: 'ambiguous', candidates: match.values };
    return { kind: 'not-found' };
  }

  /** Available items to offer instead of an unavailable one: same category first. */
  alternativesTo(item: IndexedItem, limit = 3): IndexedItem[] {
    return this.items()
      .filter((other) => other.available && other.id !== item.id)
      .sort((a, b) => Number(b.categoryId === item.categoryId) - Number(a.categoryId === item.categoryId))
      .slice(0, limit);
  }
}

type NameMatch<T> = { kind: 'found'; value: T } | { kind: 'ambiguous'; values: T[] } | { kind: 'not-found' };

/**
 * Exact (normalised) name first; otherwise the candidates whose name contains every word said
 * ("margherita" → "Margherita Pizza") or whose every word was said ("large margherita pizza").
 */
function matchByName<T>(candidates: T[], ref: string, namesOf: (c: T) => string[]): NameMatch<T> {
  const query = tokens(ref);
  if (query.length === 0) return { kind: 'not-found' };
  const key = query.join(' ');
  const exact = candidates.filter((c) => namesOf(c).some((n) => tokens(n).join(' ') === key));
  if (exact.length === 1) return { kind: 'found', value: exact[0]! };
  if (exact.length > 1) return { kind: 'ambiguous', values: exact };
  const covers = (a: string[], b: string[]) => a.every((x) => b.some((y) => tokensMatch(x, y)));
  const partial = candidates.filter((c) =>
    namesOf(c).some((n) => {
      const name = tokens(n);
      return name.length > 0 && (covers(query, name) || covers(name, query));
    }),
  );
  if (partial.length === 1) return { kind: 'found', value: partial[0]! };
  if (partial.length > 1) return { kind: 'ambiguous', values: partial };
  return { kind: 'not-found' };
}

const STOP_WORDS = new Set(['a', 'an', 'the', 'of', 'with', 'and', 'please', 'some']);

/** Lower-case words without accents, punctuation, filler words or a plural "s". */
export function tokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !STOP_WORDS.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

/** Equal, or close enough for a speech-to-text spelling slip on longer words. */
function tokensMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  const allowed = shorter >= 8 ? 2 : shorter >= 5 ? 1 : 0;
  return allowed > 0 && Math.abs(a.length - b.length) <= allowed && editDistance(a, b) <= allowed;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The names of every item on the menu, in menu order (words for the transcriber to expect). */
export function menuItemNames(org: OrgConfig): string[] {
  return org.menu.categories.flatMap((category) => category.items.map((item) => item.name));
}
