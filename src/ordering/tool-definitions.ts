import { offeredFulfillment, type OrgConfig } from '../main-app/org-config.js';
import type { CartLimits } from './cart.js';

/** A function tool in the Realtime GA flat shape (assignable to openai's RealtimeFunctionTool). */
export interface ToolDefinition {
  type: 'function';
  name: OrderingToolName;
  description: string;
  parameters: Record<string, unknown>;
}

export const orderingToolNames = ['add_item', 'update_item', 'remove_item', 'get_order', 'add_last_order', 'submit_order'] as const;
export type OrderingToolName = (typeof orderingToolNames)[number];

const optionsSchema = {
  type: 'array',
  items: { type: 'string' },
  description: 'Chosen modifier options, by option id from the menu (preferred, e.g. "opt_large") or option name. Include one for every required group.',
};

const notesSchema = {
  type: 'string',
  maxLength: 200,
  description: 'Special request for this item in the caller\'s words, e.g. "well done". Only if the caller asked for one.',
};

function lineSchema(action: string) {
  return { type: 'integer', minimum: 1, description: `The line number to ${action}, as returned by add_item or get_order.` };
}

export interface ToolDefinitionOptions {
  /** Offer add_last_order (a known caller with a previous order; or always, for a tool list that is the same for every call). */
  lastOrder?: boolean;
}

/** The ordering tools offered to the model; submit_order's fulfillment choices follow what the org offers. */
export function buildToolDefinitions(org: OrgConfig, limits: CartLimits, options: ToolDefinitionOptions = {}): ToolDefinition[] {
  const quantity = (what: string) => ({ type: 'integer', minimum: 1, maximum: limits.maxQuantityPerLine, description: what });
  const fulfillment = offeredFulfillment(org);
  const submitProperties: Record<string, unknown> = {
    customer_name: { type: 'string', minLength: 1, maxLength: 100, description: 'The name the order is under, as the caller gave it.' },
    fulfillment_type: { type: 'string', enum: fulfillment, description: `How the caller gets the order: ${fulfillment.join(' or ')}.` },
    confirmed: {
      type: 'boolean',
      description: 'true only if you read the full order and total back and the caller clearly said yes.',
    },
    notes: { type: 'string', maxLength: 300, description: 'A note for the whole order, if the caller asked for one.' },
  };
  if (fulfillment.includes('delivery')) {
    submitProperties.delivery_address = { type: 'string', maxLength: 300, description: 'Full delivery address; required for delivery.' };
  }

  const definitions: ToolDefinition[] = [
    {
      type: 'function',
      name: 'add_item',
      description:
        'Add a menu item to the order. Ask for required choices (like size) first. Returns the new line with its price and the order subtotal, or ok:false with a reason to tell the caller.',
      parameters: {
        type: 'object',
        properties: {
          item: { type: 'string', minLength: 1, description: 'The menu item id (preferred, e.g. "item_margherita") or its name as on the menu.' },
          quantity: quantity('How many of this item, same options. Default 1.'),
          options: optionsSchema,
          notes: notesSchema,
        },
        required: ['item'],
        additionalProperties: false,
      },
    },
    {
      type: 'function',
      name: 'update_item',
      description: 'Change a line of the order: its quantity, its options (the list replaces all current options), or its notes (empty string clears them).',
      parameters: {
        type: 'object',
        properties: {
          line: lineSchema('change'),
          quantity: quantity('The new quantity for the line.'),
          options: optionsSchema,
          notes: notesSchema,
        },
        required: ['line'],
        additionalProperties: false,
      },
    },
    {
      type: 'function',
      name: 'remove_item',
      description: 'Remove a line from the order.',
      parameters: { type: 'object', properties: { line: lineSchema('remove') }, required: ['line'], additionalProperties: false },
    },
    {
      type: 'function',
      name: 'get_order',
      description:
        'Get the current order: every line with its options and price, the subtotal, and an estimated ready time when the restaurant gives one. Use it before reading the order back.',
      parameters: { type: 'object', properties: {}, additionalProperties: false },
    },
    {
      type: 'function',
      name: 'submit_order',
      description:
        'Send the confirmed order to the restaurant. Only after reading the order and total back and getting a clear yes. Returns the order number and ready time, "received" (it will be confirmed later), or a refusal reason to explain to the caller.',
      parameters: {
        type: 'object',
        properties: submitProperties,
        required: fulfillment.length > 1 ? ['customer_name', 'fulfillment_type', 'confirmed'] : ['customer_name', 'confirmed'],
        additionalProperties: false,
      },
    },
  ];
  if (options.lastOrder) definitions.splice(definitions.length - 1, 0, LAST_ORDER_TOOL);
  return definitions;
}

const LAST_ORDER_TOOL: ToolDefinition = {
  type: 'function',
  name: 'add_last_order',
  description:
    "Add the caller's previous order to the current order in one step, at today's menu and prices. Only when the instructions say a previous order is on file and the caller wants it again. Items no longer available are named, not added.",
  parameters: { type: 'object', properties: {}, additionalProperties: false },
};
