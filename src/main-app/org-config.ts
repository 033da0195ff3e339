import { z } from 'zod';

/**
 * The main app's org config (GET /api/realtime/org-config), validated at the boundary.
 * Extra fields are stripped; a missing or malformed required field is an error naming its path.
 * Optional fields also accept `null` (treated as absent) so an app that serialises nulls is not refused.
 */

/** Error text for a wrong or absent type: an absent required field says so plainly. */
const expected = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'required field is missing' : `expected ${what}`);

const nonEmpty = z.string({ error: expected('a string') }).trim().min(1, { error: 'expected a non-empty string' });
const cents = z.int({ error: expected('integer cents') }).min(0, { error: 'expected integer cents ≥ 0' });
const bool = z.boolean({ error: expected('true or false') });
const wholeNumber = z.int({ error: expected('a whole number') });

function optionalWithDefault<T extends z.ZodType>(schema: T, fallback: z.output<T>) {
  return schema.nullish().transform((v): z.output<T> => (v ?? fallback) as z.output<T>);
}

function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v): z.output<T> | undefined => (v ?? undefined) as z.output<T> | undefined);
}

function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const modifierOptionSchema = z.object({
  id: nonEmpty,
  name: nonEmpty,
  priceCents: cents,
});

const modifierGroupSchema = z
  .object({
    id: nonEmpty,
    name: nonEmpty,
    required: bool,
    min: wholeNumber.min(0),
    max: wholeNumber.min(1),
    options: z.array(modifierOptionSchema, { error: expected('a list') }).min(1, { error: 'expected at least one option' }),
  })
  .check((ctx) => {
    const g = ctx.value;
    if (g.min > g.max) ctx.issues.push({ code: 'custom', message: `min (${g.min}) is greater than max (${g.max})`, path: ['min'], input: g.min });
    if (g.required && g.min < 1) ctx.issues.push({ code: 'custom', message: 'a required group needs min ≥ 1', path: ['min'], input: g.min });
    if (g.min > g.options.length) ctx.issues.push({ code: 'custom', message: 'min is larger than the number of options', path: ['min'], input: g.min });
    pushDuplicateIds(ctx, g.options, 'options');
  });

const menuItemSchema = z
  .object({
    id: nonEmpty,
    name: nonEmpty,
    description: optional(z.string()),
    priceCents: cents,
    available: bool,
    modifierGroups: optionalWithDefault(z.array(modifierGroupSchema), []),
  })
  .check((ctx) => pushDuplicateIds(ctx, ctx.value.modifierGroups, 'modifierGroups'));

const categorySchema = z.object({
  id: nonEmpty,
  name: nonEmpty,
  items: z.array(menuItemSchema, { error: expected('a list') }),
});

const menuSchema = z
  .object({ categories: z.array(categorySchema, { error: expected('a list') }) }, { error: expected('an object') })
  .check((ctx) => {
    const seen = new Set<string>();
    ctx.value.categories.forEach((cat, ci) =>
      cat.items.forEach((item, ii) => {
        if (seen.has(item.id)) {
          ctx.issues.push({ code: 'custom', message: `duplicate item id "${item.id}"`, path: ['categories', ci, 'items', ii, 'id'], input: item.id });
        }
        seen.add(item.id);
      }),
    );
  });

const fulfillmentSchema = z
  .object({
    pickup: optionalWithDefault(bool, true),
    delivery: optionalWithDefault(bool, false),
  })
  .refine((f) => f.pickup || f.delivery, { error: 'at least one of pickup or delivery must be offered' });

/** "HH:MM" as minutes after midnight; "24:00" only where `allowMidnightEnd` (an interval's end). */
function clockTime(allowMidnightEnd: boolean) {
  return z
    .string({ error: expected('a time "HH:MM"') })
    .regex(/^([01]\d|2[0-4]):[0-5]\d$/, { error: 'expected a time "HH:MM" (24-hour)' })
    .transform((text, ctx) => {
      const minutes = Number(text.slice(0, 2)) * 60 + Number(text.slice(3));
      if (minutes > 24 * 60 || (minutes === 24 * 60 && !allowMidnightEnd)) {
        ctx.issues.push({ code: 'custom', message: allowMidnightEnd ? 'expected a time up to "24:00"' : 'expected a start before "24:00"', input: text });
      }
      return text;
    });
}

/** One opening interval `["HH:MM","HH:MM"]`; an end at or before the start runs past midnight (contract README, `hours`). */
const intervalSchema = z
  .tuple([clockTime(false), clockTime(true)], { error: expected('an interval ["HH:MM","HH:MM"]') })
  .refine(([start, end]) => start !== end, { error: 'an interval cannot start and end at the same time (use ["00:00","24:00"] for all day)' });

const daySchema = z.array(intervalSchema, { error: expected('a list of ["HH:MM","HH:MM"] intervals ([] = closed)') });

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A day left out is closed; an unknown key (e.g. "monday") is an error, since ignoring it would close that day silently. */
const weeklyHoursSchema = z.strictObject(
  Object.fromEntries(weekdays.map((d) => [d, optionalWithDefault(daySchema, [])])) as Record<(typeof weekdays)[number], ReturnType<typeof optionalWithDefault<typeof daySchema>>>,
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown day ${issue.keys.map((k) => `"${k}"`).join(', ')}; expected mon…sun` : expected('an object of mon…sun')(issue)) },
);

const calendarDate = z.iso.date({ error: 'expected a date "YYYY-MM-DD"' });
const leadMinutes = wholeNumber.min(0, { error: 'expected minutes ≥ 0' }).max(24 * 60, { error: 'expected at most 1440 minutes' });

const languageCode = z.string({ error: expected('a string') }).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'expected a language code such as "en" or "es-MX"' });

export const orgConfigSchema = z.object({
  orgId: nonEmpty,
  name: nonEmpty,
  systemPrompt: nonEmpty,
  greeting: optional(z.string().trim().min(1)),
  voice: optionalWithDefault(nonEmpty, 'marin'),
  language: optionalWithDefault(languageCode, 'en'),
  timezone: optionalWithDefault(z.string().refine(isKnownTimeZone, { error: 'expected an IANA time zone such as "America/New_York"' }), 'UTC'),
  currency: optionalWithDefault(
    z.string().regex(/^[A-Z]{3}$/, { error: 'expected a 3-letter ISO currency code such as "USD"' }),
    'USD',
  ),
  transferNumber: optional(z.string().regex(/^\+[1-9]\d{1,14}$/, { error: 'expected an E.164 number such as "+15005550006"' })),
  fulfillment: optionalWithDefault(fulfillmentSchema, { pickup: true, delivery: false }),
  maxConcurrentCalls: optional(wholeNumber.min(1)),
  menu: menuSchema,
  languages: optional(z.array(languageCode, { error: expected('a list of language codes') }).min(1, { error: 'expected at least one language' })),
  hours: optional(weeklyHoursSchema),
  closedDates: optional(z.array(calendarDate, { error: expected('a list of dates') })),
  pickupLeadMinutes: optional(leadMinutes),
  deliveryLeadMinutes: optional(leadMinutes),
  sms: optional(z.object({ confirmations: optionalWithDefault(bool, false) }, { error: expected('an object') })),
  // Without a consentMessage the bridge says its own consent line (src/phrases) in the org's language.
  recording: optional(
    z.object({ enabled: optionalWithDefault(bool, false), consentMessage: optional(z.string().trim().min(1, { error: 'expected a non-empty string' })) }, { error: expected('an object') }),
  ),
}, { error: expected('a JSON object') })
  // `languages[0]` is the default language and overrides `language` (contract README, org-config fields).
  .transform((org) => (org.languages ? { ...org, language: org.languages[0]! } : org));

export type OrgConfig = z.output<typeof orgConfigSchema>;
export type WeeklyHours = NonNullable<OrgConfig['hours']>;
export type Weekday = keyof WeeklyHours;
export type MenuCategory = OrgConfig['menu']['categories'][number];
export type MenuItem = MenuCategory['items'][number];
export type ModifierGroup = MenuItem['modifierGroups'][number];
export type ModifierOption = ModifierGroup['options'][number];
export type FulfillmentType = 'pickup' | 'delivery';

export type OrgConfigParse = { ok: true; config: OrgConfig } | { ok: false; error: string };

/** Validates an org config; the error is one line naming the first bad field, e.g. `menu.categories[0].items[1].priceCents: …`. */
export function parseOrgConfig(input: unknown): OrgConfigParse {
  const result = orgConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, error: `${formatPath(issue.path) || '(root)'}: ${issue.message}` };
}

/** The fulfillment types an org offers, in a stable order. */
export function offeredFulfillment(org: OrgConfig): FulfillmentType[] {
  const types: FulfillmentType[] = [];
  if (org.fulfillment.pickup) types.push('pickup');
  if (org.fulfillment.delivery) types.push('delivery');
  return types;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function pushDuplicateIds(ctx: z.core.ParsePayload<unknown>, entries: readonly { id: string }[], field: string): void {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (seen.has(entry.id)) ctx.issues.push({ code: 'custom', message: `duplicate id "${entry.id}"`, path: [field, i, 'id'], input: entry.id });
    seen.add(entry.id);
  });
}
