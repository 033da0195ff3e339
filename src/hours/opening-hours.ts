import type { OrgConfig } from '../main-app/org-config.js';
import { addDays, clockMinutes, fromLocal, toLocal, weekdayOf } from './zoned-time.js';

/**
 * Whether the business is open, from the org's weekly `hours` and `closedDates` in its `timezone`
 * (contract README, org-config fields). Pure: the caller passes the instant.
 *
 * An interval belongs to the day it starts on: `["18:00","02:00"]` on Friday covers Saturday 01:00.
 * A closed date cancels the intervals that start on it (a late shift from the evening before still runs
 * past midnight into it). An org without `hours` is not judged: the bridge treats it as always open and
 * leaves the verdict to the app.
 */
export type HoursOrg = Pick<OrgConfig, 'hours' | 'closedDates' | 'timezone'>;

export type OpeningStatus =
  | { judged: false }
  | { judged: true; open: true; closesAt: Date }
  | { judged: true; open: false; closedToday: 'closed-date' | 'no-hours' | false; nextOpen: Date | undefined };

interface Shift {
  start: Date;
  end: Date;
}

/** How far ahead a next opening is looked for (a long closure still finds its end). */
const SEARCH_DAYS = 400;

/** The shifts that start on a local date, as instants. */
function shiftsOn(org: HoursOrg, date: string): Shift[] {
  if (!org.hours || org.closedDates?.includes(date)) return [];
  return org.hours[weekdayOf(date)].map(([from, to]) => {
    const start = clockMinutes(from);
    const end = clockMinutes(to);
    return {
      start: fromLocal(date, start, org.timezone),
      end: fromLocal(date, end > start ? end : end + 24 * 60, org.timezone),
    };
  });
}

export function openingStatus(org: HoursOrg, now: Date): OpeningStatus {
  if (!org.hours) return { judged: false };
  const today = toLocal(now, org.timezone).date;
  const nearby = [...shiftsOn(org, addDays(today, -1)), ...shiftsOn(org, today)];
  const current = nearby.find((s) => s.start <= now && now < s.end);
  if (current) return { judged: true, open: true, closesAt: closingOf(org, current, today) };
  const closedToday = org.closedDates?.includes(today) ? 'closed-date' : org.hours[weekdayOf(today)].length === 0 ? 'no-hours' : false;
  return { judged: true, open: false, closedToday, nextOpen: nextOpening(org, now) };
}

/** The first opening after `now` (undefined when not judged or none within about a year). */
export function nextOpening(org: HoursOrg, now: Date): Date | undefined {
  if (!org.hours) return undefined;
  const today = toLocal(now, org.timezone).date;
  for (let day = 0; day <= SEARCH_DAYS; day++) {
    const starts = shiftsOn(org, addDays(today, day))
      .map((s) => s.start)
      .filter((start) => start > now);
    if (starts.length > 0) return new Date(Math.min(...starts.map((s) => s.getTime())));
  }
  return undefined;
}

/** Where one shift runs straight into the next (e.g. "24:00" then "00:00"), the business closes at the last end. */
function closingOf(org: HoursOrg, shift: Shift, today: string): Date {
  const later = [...shiftsOn(org, today), ...shiftsOn(org, addDays(today, 1)), ...shiftsOn(org, addDays(today, 2))];
  let end = shift.end;
  for (let next = later.find((s) => s.start <= end && s.end > end); next; next = later.find((s) => s.start <= end && s.end > end)) end = next.end;
  return end;
}
