import { weekdays, type Weekday } from '../main-app/org-config.js';

/**
 * Wall-clock time in an IANA time zone, with Intl only (no dependency): a local date and the minutes since
 * its midnight, and back to an instant. Pure.
 */
export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight, 0…1439. */
  minutes: number;
}

const MINUTE = 60_000;

// Building an Intl.DateTimeFormat is costly; one per zone is kept (bounded).
const partFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (partFormats.size < 200) partFormats.set(timeZone, format);
  }
  return format;
}

/** The zone's wall clock at `instant`, read as if it were UTC (milliseconds). */
function wallClockAsUtc(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of partsFormat(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
}

/** The zone's offset from UTC at `instant`, in milliseconds (e.g. -5 h for New York in winter). */
function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClockAsUtc(whole, timeZone) - whole;
}

export function toLocal(instant: Date, timeZone: string): LocalTime {
  const wall = new Date(wallClockAsUtc(instant.getTime(), timeZone));
  const date = wall.toISOString().slice(0, 10);
  return { date, weekday: weekdayOf(date), minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/**
 * The instant when the zone's clock shows `minutes` after midnight of `date` (minutes may reach 1440 or more:
 * that is the next day). A time skipped by a DST jump forward is taken after the jump (02:30 → 03:30);
 * a time that happens twice when clocks go back is the first of the two.
 */
export function fromLocal(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * MINUTE;
  const first = offsetAt(wall, timeZone);
  const second = offsetAt(wall - first, timeZone);
  const candidate = wall - second;
  if (offsetAt(candidate, timeZone) === second) return new Date(candidate);
  // In the gap of a jump forward: the offset before the jump is the smaller one.
  return new Date(wall - Math.min(first, second));
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // getUTCDay: 0 = Sunday; weekdays starts on Monday.
  return weekdays[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7]!;
}

/** "HH:MM" (up to "24:00") as minutes after midnight. */
export function clockMinutes(text: string): number {
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}
