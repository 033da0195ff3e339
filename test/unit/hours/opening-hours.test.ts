import { describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../../src/main-app/org-config.js';
import { nextOpening, openingStatus } from '../../../src/hours/opening-hours.js';
import { openNowText, todaysHoursText, weeklyHoursText } from '../../../src/hours/speakable-hours.js';
import { readyQuote } from '../../../src/hours/ready-time.js';
import { loadContractExample } from '../../../sim/main-app.js';
import { fullExampleOrg } from '../ordering/fixtures.js';

const org = fullExampleOrg;
const bella = org();
const at = (iso: string) => new Date(iso);
const open = (closesAt: string) => ({ judged: true, open: true, closesAt: at(closesAt) });
const closed = (closedToday: 'closed-date' | 'no-hours' | false, nextOpen: string) => ({ judged: true, open: false, closedToday, nextOpen: at(nextOpen) });

describe('openingStatus at the edges (Chicago, Monday 2026-12-07)', () => {
  it('is open one minute before closing and closed exactly at closing', () => {
    expect(openingStatus(bella, at('2026-12-08T03:59:00Z'))).toEqual(open('2026-12-08T04:00:00Z'));
    expect(openingStatus(bella, at('2026-12-08T04:00:00Z'))).toEqual(closed(false, '2026-12-08T17:00:00Z'));
  });

  it('is open exactly at opening and closed one minute before', () => {
    expect(openingStatus(bella, at('2026-12-07T17:00:00Z'))).toEqual(open('2026-12-07T20:30:00Z'));
    expect(openingStatus(bella, at('2026-12-07T16:59:00Z'))).toEqual(closed(false, '2026-12-07T17:00:00Z'));
  });

  it('between the lunch and dinner intervals the next opening is the same evening', () => {
    expect(openingStatus(bella, at('2026-12-07T21:00:00Z'))).toEqual(closed(false, '2026-12-07T23:00:00Z'));
  });

  it('a day with [] is closed all day, and the next opening is found on a later day', () => {
    expect(openingStatus(bella, at('2026-12-06T18:00:00Z'))).toEqual(closed('no-hours', '2026-12-07T17:00:00Z'));
  });

  it('a closed date is closed during its usual hours; the next opening skips it', () => {
    // Friday 2026-12-25, 12:00 in Chicago: Fridays are 11:00-23:00, but the date is closed.
    expect(openingStatus(bella, at('2026-12-25T18:00:00Z'))).toEqual(closed('closed-date', '2026-12-26T18:00:00Z'));
    expect(nextOpening(bella, at('2026-12-24T05:00:00Z'))).toEqual(at('2026-12-24T17:00:00Z'));
  });
});

describe('openingStatus past midnight and at "24:00"', () => {
  const lateFriday = org((raw) => (raw.hours = { fri: [['18:00', '02:00']], sat: [['18:00', '02:00']] }));

  it('an interval ["18:00","02:00"] on Friday covers Saturday 01:00 and ends at 02:00', () => {
    expect(openingStatus(lateFriday, at('2026-12-05T07:00:00Z'))).toEqual(open('2026-12-05T08:00:00Z'));
    expect(openingStatus(lateFriday, at('2026-12-05T07:59:00Z'))).toMatchObject({ open: true });
    expect(openingStatus(lateFriday, at('2026-12-05T08:00:00Z'))).toEqual(closed(false, '2026-12-06T00:00:00Z'));
  });

  it('a closed date cancels the shifts starting on it, not the evening before running into it', () => {
    const christmasEve = org((raw) => (raw.hours = { thu: [['18:00', '02:00']], fri: [['18:00', '02:00']] }));
    // Friday 2026-12-25 01:00: Thursday's shift is still on; Friday's own shift is cancelled.
    expect(openingStatus(christmasEve, at('2026-12-25T07:00:00Z'))).toEqual(open('2026-12-25T08:00:00Z'));
    expect(openingStatus(christmasEve, at('2026-12-26T01:00:00Z'))).toMatchObject({ open: false, closedToday: 'closed-date', nextOpen: at('2027-01-01T00:00:00Z') });
  });

  it('"24:00" ends at midnight, and a shift running into the next day’s "00:00" closes at the later end', () => {
    const toMidnight = org((raw) => (raw.hours = { mon: [['11:00', '24:00']] }));
    expect(openingStatus(toMidnight, at('2026-12-08T05:59:00Z'))).toEqual(open('2026-12-08T06:00:00Z'));
    expect(openingStatus(toMidnight, at('2026-12-08T06:00:00Z'))).toMatchObject({ open: false });
    const chained = org((raw) => (raw.hours = { mon: [['11:00', '24:00']], tue: [['00:00', '02:00']] }));
    expect(openingStatus(chained, at('2026-12-08T05:00:00Z'))).toEqual(open('2026-12-08T08:00:00Z'));
  });
});

describe('openingStatus across a DST change (America/New_York)', () => {
  const ny = org((raw) => {
    raw.timezone = 'America/New_York';
    raw.closedDates = [];
    raw.hours = { sat: [['18:00', '02:00']], sun: [['11:00', '22:00']] };
  });

  it('spring forward, 2027-03-14: the night shift ends when the clock jumps from 02:00 to 03:00; Sunday opens at 11:00 EDT', () => {
    expect(openingStatus(ny, at('2027-03-14T06:59:00Z'))).toEqual(open('2027-03-14T07:00:00Z'));
    expect(openingStatus(ny, at('2027-03-14T07:00:00Z'))).toEqual(closed(false, '2027-03-14T15:00:00Z'));
    expect(openingStatus(ny, at('2027-03-14T14:59:00Z'))).toMatchObject({ open: false });
    expect(openingStatus(ny, at('2027-03-14T15:00:00Z'))).toEqual(open('2027-03-15T02:00:00Z'));
  });

  it('fall back, 2027-11-07: the night shift runs through the repeated hour until 02:00 EST; Sunday opens at 11:00 EST', () => {
    expect(openingStatus(ny, at('2027-11-07T05:30:00Z'))).toMatchObject({ open: true }); // 01:30 EDT
    expect(openingStatus(ny, at('2027-11-07T06:30:00Z'))).toEqual(open('2027-11-07T07:00:00Z')); // 01:30 EST
    expect(openingStatus(ny, at('2027-11-07T07:00:00Z'))).toEqual(closed(false, '2027-11-07T16:00:00Z'));
    expect(openingStatus(ny, at('2027-11-07T15:59:00Z'))).toMatchObject({ open: false });
  });
});

describe('orgs without hours', () => {
  const luigis = parseOrgConfig(loadContractExample('org-config.example.json'));
  if (!luigis.ok) throw new Error(luigis.error);

  it('are not judged (always open to the bridge) and have no hours text', () => {
    expect(openingStatus(luigis.config, at('2026-12-08T04:00:00Z'))).toEqual({ judged: false });
    expect(nextOpening(luigis.config, at('2026-12-08T04:00:00Z'))).toBeUndefined();
    expect(openNowText(luigis.config, at('2026-12-08T04:00:00Z'))).toBeUndefined();
    expect(todaysHoursText(luigis.config, at('2026-12-08T04:00:00Z'))).toBeUndefined();
    expect(weeklyHoursText(luigis.config)).toBeUndefined();
  });
});

describe('speakable hours', () => {
  it('says whether the business is open now and until when, or when it opens next', () => {
    expect(openNowText(bella, at('2026-12-08T03:59:00Z'))).toBe('Open now, until 10:00 PM today.');
    expect(openNowText(bella, at('2026-12-08T04:00:00Z'))).toBe('Closed now; opens tomorrow at 11:00 AM.');
    expect(openNowText(bella, at('2026-12-07T21:00:00Z'))).toBe('Closed now; opens today at 5:00 PM.');
    expect(openNowText(bella, at('2026-12-06T18:00:00Z'))).toBe('Closed today; opens tomorrow at 11:00 AM.');
    expect(openNowText(bella, at('2026-12-25T18:00:00Z'))).toBe('Closed all day today (a closure date); opens tomorrow at noon.');
    expect(openNowText(bella, at('2026-12-05T06:30:00Z'))).toBe('Closed now; opens today at noon.');
    const late = org((raw) => (raw.hours = { fri: [['18:00', '02:00']] }));
    expect(openNowText(late, at('2026-12-05T07:00:00Z'))).toBe('Open now, until 2:00 AM today.');
    expect(openNowText(late, at('2026-12-05T01:00:00Z'))).toBe('Open now, until 2:00 AM tomorrow.');
    expect(openNowText(late, at('2026-12-05T08:00:00Z'))).toBe('Closed today; opens on Friday at 6:00 PM.');
    const lateAndAway = org((raw) => {
      raw.hours = { fri: [['18:00', '02:00']] };
      raw.closedDates = ['2026-12-11'];
    });
    expect(openNowText(lateAndAway, at('2026-12-05T08:00:00Z'))).toBe('Closed today; opens on Friday, December 18 at 6:00 PM.');
  });

  it('gives today’s hours and the week’s', () => {
    expect(todaysHoursText(bella, at('2026-12-07T18:00:00Z'))).toBe('Monday: 11:00 AM to 2:30 PM and 5:00 PM to 10:00 PM');
    expect(todaysHoursText(bella, at('2026-12-06T18:00:00Z'))).toBe('Sunday: closed');
    expect(todaysHoursText(bella, at('2026-12-25T18:00:00Z'))).toBe('Friday: closed all day today (a closure date)');
    expect(weeklyHoursText(bella)!.split('\n')).toEqual([
      'Monday: 11:00 AM to 2:30 PM and 5:00 PM to 10:00 PM',
      'Tuesday: 11:00 AM to 2:30 PM and 5:00 PM to 10:00 PM',
      'Wednesday: 11:00 AM to 2:30 PM and 5:00 PM to 10:00 PM',
      'Thursday: 11:00 AM to 2:30 PM and 5:00 PM to 10:00 PM',
      'Friday: 11:00 AM to 11:00 PM',
      'Saturday: noon to 11:00 PM',
      'Sunday: closed',
    ]);
  });
});

describe('readyQuote', () => {
  it('quotes the lead minutes and the local clock time, rounded up to five minutes', () => {
    // Monday 18:03 in Chicago.
    expect(readyQuote(bella, 'pickup', at('2026-12-08T00:03:00Z'))).toEqual({ minutes: 20, readyAt: at('2026-12-08T00:25:00Z'), text: 'about 20 minutes, around 6:25 PM' });
    expect(readyQuote(bella, 'delivery', at('2026-12-08T00:03:00Z'))).toMatchObject({ minutes: 45, text: 'about 45 minutes, around 6:50 PM' });
  });

  it('names the day when the ready time falls after midnight, and is undefined without lead minutes', () => {
    expect(readyQuote(bella, 'delivery', at('2026-12-08T05:40:00Z'))!.text).toBe('about 45 minutes, around 12:25 AM tomorrow');
    expect(readyQuote(org((raw) => delete raw.pickupLeadMinutes), 'pickup', at('2026-12-08T00:03:00Z'))).toBeUndefined();
  });
});
