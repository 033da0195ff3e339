import { offeredFulfillment, type MenuItem, type ModifierGroup, type OrgConfig } from '../main-app/org-config.js';
import { orList } from './cart.js';
import { formatMoney } from './money.js';

export interface InstructionOptions {
  /** Current wall-clock time, shown in the org's time zone (for "are you open", ready times). */
  now?: Date;
  /** The cart as text when a session is restored mid-call (tools.cartSnapshot()). */
  cartSnapshot?: string;
  /** Rules the call layer adds (e.g. how to transfer or end the call). */
  extraRules?: string[];
}

/** The session instructions: the org's own prompt, then the menu and the bridge's ordering rules. Pure. */
export function buildInstructions(org: OrgConfig, options: InstructionOptions = {}): string {
  const sections = [
    org.systemPrompt.trim(),
    `# Restaurant\n${restaurantFacts(org, options.now).join('\n')}`,
    `# Menu\n${menuText(org)}`,
    `# Ordering rules\n${[...orderingRules(org), ...(options.extraRules ?? [])].map((r) => `- ${r}`).join('\n')}`,
  ];
  if (options.cartSnapshot) sections.push(`# Order so far (the call was reconnected; continue from here)\n${options.cartSnapshot}`);
  return sections.join('\n\n');
}

/** What the agent says on picking up (the org's greeting or a default), as response instructions. */
export function greetingInstructions(org: OrgConfig): string {
  const greeting = org.greeting ?? `Thanks for calling ${org.name}! How can I help you today?`;
  return `You just answered the phone. Say exactly this greeting, then wait for the caller: "${greeting}"`;
}

export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function restaurantFacts(org: OrgConfig, now?: Date): string[] {
  const facts = [
    `Name: ${org.name}.`,
    `Speak ${languageName(org.language)} (${org.language}) unless the caller clearly prefers another language.`,
    `Currency: ${org.currency}. Prices below are per item; option prices are added to each item.`,
    `Orders are for ${orList(offeredFulfillment(org))} only.`,
  ];
  if (now) facts.push(`Local time now: ${localTime(now, org.timezone)} (${org.timezone}).`);
  return facts;
}

function orderingRules(org: OrgConfig): string[] {
  const fulfillment = offeredFulfillment(org);
  return [
    'Only what is on this menu exists. Never invent items, options or prices; quote prices and totals only from this menu or from tool results.',
    'Items marked UNAVAILABLE cannot be ordered now: say so and offer an available alternative.',
    'Keep the order with the tools: add_item (use the item and option ids above), update_item and remove_item (by the line number the tools return), get_order to see the order and its total.',
    'Ask for every required choice (such as a size) before adding the item. If a tool answers ok:false, explain the reason briefly and ask the caller how to proceed.',
    fulfillment.length > 1 ? `Ask whether the order is for ${orList(fulfillment)}; for delivery also take the address.` : `All orders are ${fulfillment[0]}; do not offer anything else.`,
    'Before submitting: call get_order, read the whole order back (items, options, quantities) and the total, and get a clear yes from the caller. Also ask for a name for the order.',
    'Call submit_order once, only after that yes, and in the same turn first say a short "One moment while I place that." so the caller is not left in silence. Then tell the caller what it returned: the order number and ready time, or that the order was received and will be confirmed, or why it was refused.',
    'This is a phone call: keep answers short and natural, one question at a time, and say amounts the way people speak them.',
  ];
}

function menuText(org: OrgConfig): string {
  return org.menu.categories
    .map((category) => [`## ${category.name}`, ...category.items.map((item) => itemText(item, org))].join('\n'))
    .join('\n');
}

function itemText(item: MenuItem, org: OrgConfig): string {
  const money = (cents: number) => formatMoney(cents, org.currency, org.language);
  const head = `- ${item.id}: ${item.name}, ${money(item.priceCents)}${item.available ? '' : ' (UNAVAILABLE)'}`;
  const description = item.description ? ` (${item.description})` : '';
  const groups = item.modifierGroups.map((group) => `  - ${groupText(group)}: ${group.options.map((o) => `${o.id} ${o.name} +${money(o.priceCents)}`).join(', ')}`);
  return [head + description, ...groups].join('\n');
}

function groupText(group: ModifierGroup): string {
  const count = group.min === group.max ? `exactly ${group.max}` : group.min > 0 ? `${group.min} to ${group.max}` : `up to ${group.max}`;
  return `${group.name} [${group.id}] ${group.required ? 'required' : 'optional'}, choose ${count}`;
}

// One formatter per time zone: constructing Intl formatters is costly and every call builds its instructions.
const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function localTime(now: Date, timeZone: string): string {
  let format = timeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', hour: 'numeric', minute: '2-digit' });
    if (timeFormats.size < 100) timeFormats.set(timeZone, format);
  }
  return format.format(now);
}

