import type { MenuItem, ModifierGroup } from '../main-app/org-config.js';
import type { IndexedItem, MenuIndex } from './menu.js';

/** The call's cart as pure data; every change validates against the menu and prices from it (integer cents). */

export interface LineModifier {
  groupId: string;
  optionId: string;
  name: string;
  priceCents: number;
}

export interface CartLine {
  /** Stable for the life of the cart (never renumbered), so "line 2" keeps meaning the same thing. */
  lineId: number;
  itemId: string;
  name: string;
  quantity: number;
  modifiers: LineModifier[];
  notes: string | null;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface Cart {
  readonly lines: readonly CartLine[];
  readonly nextLineId: number;
}

export interface CartLimits {
  maxQuantityPerLine: number;
  maxLines: number;
  maxTotalQuantity: number;
}

export const defaultCartLimits: CartLimits = { maxQuantityPerLine: 25, maxLines: 30, maxTotalQuantity: 100 };
export const emptyCart: Cart = { lines: [], nextLineId: 1 };

export type RejectionCode =
  | 'unknown_item'
  | 'ambiguous_item'
  | 'item_unavailable'
  | 'invalid_quantity'
  | 'unknown_option'
  | 'ambiguous_option'
  | 'duplicate_option'
  | 'missing_required_option'
  | 'too_few_options'
  | 'too_many_options'
  | 'unknown_line'
  | 'order_too_large';

/** Why a change was refused, worded so the model can say it or ask the caller about it. */
export interface Rejection {
  code: RejectionCode;
  message: string;
  /** Names the caller could pick instead (alternatives, candidates or valid choices). */
  choices?: string[];
}

export type CartChange = { ok: true; cart: Cart; line: CartLine } | { ok: false; rejection: Rejection };

export interface AddItemInput {
  item: string;
  quantity?: number;
  options?: string[];
  notes?: string | null;
}

export interface UpdateItemInput {
  line: number;
  quantity?: number;
  /** Replaces the line's options entirely. */
  options?: string[];
  /** `null` or `""` clears the notes. */
  notes?: string | null;
}

const reject = (code: RejectionCode, message: string, choices?: string[]): { ok: false; rejection: Rejection } => ({
  ok: false,
  rejection: choices && choices.length > 0 ? { code, message, choices } : { code, message },
});

export function addItem(cart: Cart, menu: MenuIndex, input: AddItemInput, limits = defaultCartLimits): CartChange {
  const lookup = menu.findItem(input.item);
  if (lookup.kind === 'not-found') {
    const names = lookup.suggestions.map((s) => s.name);
    const hint = names.length ? ` Did the caller mean ${orList(names)}?` : ' Ask the caller to choose something from the menu.';
    return reject('unknown_item', `There is no "${input.item}" on the menu.${hint}`, names);
  }
  if (lookup.kind === 'ambiguous') {
    const names = lookup.candidates.map((c) => c.name);
    return reject('ambiguous_item', `"${input.item}" could be ${orList(names)}. Ask the caller which one.`, names);
  }
  const item = lookup.item;
  if (!item.available) return unavailable(menu, item);
  const quantity = input.quantity ?? 1;
  const quantityError = checkQuantity(quantity, limits);
  if (quantityError) return quantityError;
  const modifiers = resolveModifiers(menu, item, input.options ?? []);
  if (!modifiers.ok) return modifiers;
  const notes = cleanNotes(input.notes);

  const same = cart.lines.find((l) => l.itemId === item.id && l.notes === notes && sameModifiers(l.modifiers, modifiers.modifiers));
  if (same) return updateLine(cart, item, same, { quantity: same.quantity + quantity }, limits);
  if (cart.lines.length >= limits.maxLines) return reject('order_too_large', `An order can have at most ${limits.maxLines} lines.`);
  const line = priceLine({ lineId: cart.nextLineId, itemId: item.id, name: item.name, quantity, modifiers: modifiers.modifiers, notes }, item.priceCents);
  return withinTotal({ lines: [...cart.lines, line], nextLineId: cart.nextLineId + 1 }, line, limits);
}

export function updateItem(cart: Cart, menu: MenuIndex, input: UpdateItemInput, limits = defaultCartLimits): CartChange {
  const line = cart.lines.find((l) => l.lineId === input.line);
  if (!line) return unknownLine(cart, input.line);
  const item = menu.byId(line.itemId);
  if (!item) return reject('unknown_item', `${line.name} is no longer on the menu; remove line ${line.lineId}.`);
  if (!item.available) return unavailable(menu, item);
  const changes: Partial<CartLine> = {};
  if (input.quantity !== undefined) {
    const quantityError = checkQuantity(input.quantity, limits);
    if (quantityError) return quantityError;
    changes.quantity = input.quantity;
  }
  if (input.options !== undefined) {
    const modifiers = resolveModifiers(menu, item, input.options);
    if (!modifiers.ok) return modifiers;
    changes.modifiers = modifiers.modifiers;
  }
  if (input.notes !== undefined) changes.notes = cleanNotes(input.notes);
  return updateLine(cart, item, line, changes, limits);
}

export function removeItem(cart: Cart, lineId: number): CartChange {
  const line = cart.lines.find((l) => l.lineId === lineId);
  if (!line) return unknownLine(cart, lineId);
  return { ok: true, cart: { ...cart, lines: cart.lines.filter((l) => l !== line) }, line };
}

export function subtotalCents(cart: Cart): number {
  return cart.lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
}

/** "2 × Margherita Pizza (Large, Mushrooms; note: well done)" */
export function describeLine(line: Pick<CartLine, 'quantity' | 'name' | 'notes'> & { modifiers: readonly { name: string }[] }): string {
  const details = [line.modifiers.map((m) => m.name).join(', '), line.notes ? `note: ${line.notes}` : ''].filter(Boolean).join('; ');
  return `${line.quantity} × ${line.name}${details ? ` (${details})` : ''}`;
}

function updateLine(cart: Cart, item: MenuItem, line: CartLine, changes: Partial<CartLine>, limits: CartLimits): CartChange {
  const quantityError = checkQuantity(changes.quantity ?? line.quantity, limits);
  if (quantityError) return quantityError;
  const updated = priceLine({ ...line, ...changes }, item.priceCents);
  return withinTotal({ ...cart, lines: cart.lines.map((l) => (l === line ? updated : l)) }, updated, limits);
}

function withinTotal(cart: Cart, line: CartLine, limits: CartLimits): CartChange {
  const total = cart.lines.reduce((sum, l) => sum + l.quantity, 0);
  if (total > limits.maxTotalQuantity) {
    return reject('order_too_large', `A phone order can have at most ${limits.maxTotalQuantity} items in total; for larger orders the caller should speak to the restaurant.`);
  }
  return { ok: true, cart, line };
}

/** Prices come only from the menu: the item's price plus its chosen options', times the quantity. */
function priceLine(line: Omit<CartLine, 'unitPriceCents' | 'lineTotalCents'>, itemPriceCents: number): CartLine {
  const unitPriceCents = itemPriceCents + line.modifiers.reduce((sum, m) => sum + m.priceCents, 0);
  return { ...line, unitPriceCents, lineTotalCents: unitPriceCents * line.quantity };
}

function checkQuantity(quantity: number, limits: CartLimits): { ok: false; rejection: Rejection } | undefined {
  if (Number.isInteger(quantity) && quantity >= 1 && quantity <= limits.maxQuantityPerLine) return undefined;
  return reject('invalid_quantity', `The quantity must be a whole number from 1 to ${limits.maxQuantityPerLine} (got ${quantity}). To take a line off, remove it.`);
}

function unavailable(menu: MenuIndex, item: IndexedItem): { ok: false; rejection: Rejection } {
  const alternatives = menu.alternativesTo(item).map((a) => a.name);
  const offer = alternatives.length ? ` Offer instead: ${orList(alternatives)}.` : '';
  return reject('item_unavailable', `${item.name} is not available right now.${offer}`, alternatives);
}

function unknownLine(cart: Cart, lineId: number): { ok: false; rejection: Rejection } {
  const current = cart.lines.map((l) => `line ${l.lineId}: ${describeLine(l)}`);
  const listing = current.length ? ` The order has ${current.join('; ')}.` : ' The order is empty.';
  return reject('unknown_line', `There is no line ${lineId} in the order.${listing}`);
}

type Resolved = { ok: true; modifiers: LineModifier[] } | { ok: false; rejection: Rejection };

/** Maps option references to the item's options and checks every group's required/min/max rules. */
function resolveModifiers(menu: MenuIndex, item: MenuItem, refs: string[]): Resolved {
  const chosen = new Set<string>();
  for (const ref of refs) {
    const lookup = menu.findOption(item, ref);
    if (lookup.kind === 'not-found') {
      return reject('unknown_option', `${item.name} has no option "${ref}". ${describeChoices(menu, item)}`, allOptionNames(item));
    }
    if (lookup.kind === 'ambiguous') {
      const names = lookup.candidates.map((c) => `${c.option.name} (${c.group.name})`);
      return reject('ambiguous_option', `"${ref}" could be ${orList(names)}. Ask the caller which one.`, names);
    }
    const key = `${lookup.group.id}\u0000${lookup.option.id}`;
    if (chosen.has(key)) return reject('duplicate_option', `${lookup.option.name} can only be chosen once for ${item.name}.`);
    chosen.add(key);
  }
  const modifiers: LineModifier[] = [];
  for (const group of item.modifierGroups) {
    const picked = group.options.filter((o) => chosen.has(`${group.id}\u0000${o.id}`));
    const problem = checkGroup(menu, item, group, picked.length);
    if (problem) return problem;
    modifiers.push(...picked.map((o) => ({ groupId: group.id, optionId: o.id, name: o.name, priceCents: o.priceCents })));
  }
  return { ok: true, modifiers };
}

function checkGroup(menu: MenuIndex, item: MenuItem, group: ModifierGroup, count: number): { ok: false; rejection: Rejection } | undefined {
  const names = group.options.map((o) => o.name);
  if (group.required && count === 0) {
    return reject('missing_required_option', `${item.name} needs a choice of ${group.name}: ${groupChoices(menu, group)}. Ask the caller.`, names);
  }
  if (count > group.max) {
    return reject('too_many_options', `${group.name} allows at most ${group.max} ${group.max === 1 ? 'choice' : 'choices'} for ${item.name} (got ${count}).`, names);
  }
  if (count > 0 && count < group.min) {
    return reject('too_few_options', `${group.name} needs at least ${group.min} choices for ${item.name} (got ${count}): ${groupChoices(menu, group)}.`, names);
  }
  return undefined;
}

function describeChoices(menu: MenuIndex, item: MenuItem): string {
  if (item.modifierGroups.length === 0) return `${item.name} has no options.`;
  return `Choices: ${item.modifierGroups.map((g) => `${g.name}: ${groupChoices(menu, g)}`).join('; ')}.`;
}

function groupChoices(menu: MenuIndex, group: ModifierGroup): string {
  return orList(group.options.map((o) => (o.priceCents > 0 ? `${o.name} (+${menu.money(o.priceCents)})` : o.name)));
}

function allOptionNames(item: MenuItem): string[] {
  return item.modifierGroups.flatMap((g) => g.options.map((o) => o.name));
}

function sameModifiers(a: readonly LineModifier[], b: readonly LineModifier[]): boolean {
  return a.length === b.length && a.every((m, i) => m.groupId === b[i]!.groupId && m.optionId === b[i]!.optionId);
}

function cleanNotes(notes: string | null | undefined): string | null {
  const trimmed = notes?.trim();
  return trimmed ? trimmed : null;
}

export function orList(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
