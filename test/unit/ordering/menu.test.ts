import { describe, expect, it } from 'vitest';
import { MenuIndex, tokens } from '../../../src/ordering/menu.js';
import { exampleOrg } from './fixtures.js';

const menu = new MenuIndex(exampleOrg());
const foundId = (ref: string) => {
  const r = menu.findItem(ref);
  return r.kind === 'found' ? r.item.id : r.kind;
};

describe('MenuIndex.findItem', () => {
  it('finds an item by its exact id', () => {
    expect(foundId('item_cola')).toBe('item_cola');
  });

  it.each([
    ['Margherita Pizza', 'item_margherita'],
    ['margherita pizza', 'item_margherita'],
    ['Margherita', 'item_margherita'],
    ['a large margherita pizza', 'item_margherita'],
    ['Margarita pizza', 'item_margherita'],
    ['colas', 'item_cola'],
    ['Pepperoni', 'item_pepperoni'],
  ])('matches the name %j forgivingly', (ref, id) => {
    expect(foundId(ref)).toBe(id);
  });

  it('reports an ambiguous name with the candidates', () => {
    const r = menu.findItem('pizza');
    expect(r.kind).toBe('ambiguous');
    if (r.kind === 'ambiguous') expect(r.candidates.map((c) => c.id).sort()).toEqual(['item_margherita', 'item_pepperoni']);
  });

  it('reports an unknown item, with no invented suggestions', () => {
    const r = menu.findItem('sushi platter');
    expect(r).toEqual({ kind: 'not-found', suggestions: [] });
  });

  it('suggests items that share a word with an unknown name', () => {
    const r = menu.findItem('hawaiian pizza');
    expect(r.kind).toBe('not-found');
    if (r.kind === 'not-found') expect(r.suggestions.map((s) => s.id)).toEqual(['item_margherita', 'item_pepperoni']);
  });
});

describe('MenuIndex.findOption', () => {
  const margherita = menu.byId('item_margherita')!;

  it('finds an option by id or by name and reports its group', () => {
    const byId = menu.findOption(margherita, 'opt_large');
    const byName = menu.findOption(margherita, 'mushrooms');
    expect(byId.kind === 'found' && [byId.group.id, byId.option.id]).toEqual(['mg_size', 'opt_large']);
    expect(byName.kind === 'found' && [byName.group.id, byName.option.id]).toEqual(['mg_toppings', 'opt_mushroom']);
  });

  it('does not find an option that belongs to no group of the item', () => {
    expect(menu.findOption(margherita, 'pineapple').kind).toBe('not-found');
  });
});

describe('MenuIndex alternatives and tokens', () => {
  it('offers available items, same category first, for an unavailable one', () => {
    expect(menu.alternativesTo(menu.byId('item_pepperoni')!).map((i) => i.id)).toEqual(['item_margherita', 'item_cola']);
  });

  it('normalises accents, case, punctuation, filler words and plurals', () => {
    expect(tokens('The Crème-Brûlée, please!')).toEqual(['creme', 'brulee']);
    expect(tokens('Olives')).toEqual(['olive']);
  });
});
