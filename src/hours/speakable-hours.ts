import { weekdays, type Weekday } from '../main-app/org-config.js';
import { openingStatus, type HoursOrg } from './opening-hours.js';
import { addDays, clockMinutes, toLocal } from './zoned-time.js';

/** Opening hours as short English text the agent can say (it translates when speaking another language). Pure. */

const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

/** "11:00 AM", "2:30 PM", "noon", "midnight" from "HH:MM". */
export function speakableClock(text: string): string {
  const minutes = clockMinutes(text) % (24 * 60);
  if (minutes === 0) return 'midnight';
  if (minutes === 12 * 60) return 'noon';
  const hour = Math.floor(minutes / 60);
  return `${hour % 12 || 12}:${String(minutes % 60).padStart(2, '0')} ${hour < 12 ? 'AM' : 'PM'}`;
}

/** An instant as the org's local clock and day: `{ clock: "5:00 PM", day: "today" | "tomorrow" | "on Friday" | "on Friday, January 2" }`. */
export function momentParts(at: Date, now: Date, timeZone: string): { clock: string; day: string } {
  const local = toLocal(at, timeZone);
  const today = toLocal(now, timeZone).date;
  const clock = speakableClock(`${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:${String(local.minutes % 60).padStart(2, '0')}`);
  if (local.date === today) return { clock, day: 'today' };
  if (local.date === addDays(today, 1)) return { clock, day: 'tomorrow' };
  for (let day = 2; day < 7; day++) if (local.date === addDays(today, day)) return { clock, day: `on ${DAY_NAMES[local.weekday]}` };
  const [y, m, d] = local.date.split('-').map(Number) as [number, number, number];
  const monthDay = new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric' });
  return { clock, day: `on ${DAY_NAMES[local.weekday]}, ${monthDay}` };
}

/** "today at 5:00 PM", "tomorrow at 11:00 AM", "on Friday at noon". */
export function speakableMoment(at: Date, now: Date, timeZone: string): string {
  const { clock, day } = momentParts(at, now, timeZone);
  return `${day} at ${clock}`;
}

function intervalsText(intervals: readonly (readonly [string, string])[]): string {
  return intervals.map(([from, to]) => `${speakableClock(from)} to ${speakableClock(to)}`).join(' and ');
}

/** Today's hours: "Monday: 11:00 AM to 2:30 PM and 5:00 PM to 10:00 PM", "Sunday: closed", "Friday: closed today (holiday closure)". Undefined when not judged. */
export function todaysHoursText(org: HoursOrg, now: Date): string | undefined {
  if (!org.hours) return undefined;
  const { date, weekday } = toLocal(now, org.timezone);
  if (org.closedDates?.includes(date)) return `${DAY_NAMES[weekday]}: closed all day today (a closure date)`;
  const intervals = org.hours[weekday];
  return `${DAY_NAMES[weekday]}: ${intervals.length ? intervalsText(intervals) : 'closed'}`;
}

/** The week's hours, one day a line: "Monday: 11:00 AM to 2:30 PM and 5:00 PM to 10:00 PM". Undefined when not judged. */
export function weeklyHoursText(org: Pick<HoursOrg, 'hours'>): string | undefined {
  if (!org.hours) return undefined;
  const hours = org.hours;
  return weekdays.map((day) => `${DAY_NAMES[day]}: ${hours[day].length ? intervalsText(hours[day]) : 'closed'}`).join('\n');
}

/** One sentence on whether the business is open now: "Open now, until 10:00 PM today." / "Closed now; opens tomorrow at 11:00 AM." Undefined when not judged. */
export function openNowText(org: HoursOrg, now: Date): string | undefined {
  const status = openingStatus(org, now);
  if (!status.judged) return undefined;
  if (status.open) {
    const { clock, day } = momentParts(status.closesAt, now, org.timezone);
    return `Open now, until ${clock} ${day}.`;
  }
  const why = status.closedToday === 'closed-date' ? 'Closed all day today (a closure date)' : status.closedToday === 'no-hours' ? 'Closed today' : 'Closed now';
  return status.nextOpen ? `${why}; opens ${speakableMoment(status.nextOpen, now, org.timezone)}.` : `${why}.`;
}
