import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioApiBaseUrl } from '../../src/twilio/rest-client.js';

describe('twilioApiBaseUrl', () => {
  // The twilio package's own host rule (Twilio.getHostname), for the same region and edge.
  const client = new twilio.Twilio(`AC${'0'.repeat(32)}`, 'token');
  const official = (region?: string, edge?: string) => `https://${client.getHostname('api.twilio.com', edge, region)}`;

  it.each([
    [undefined, undefined],
    ['ie1', 'dublin'],
    ['au1', 'sydney'],
    ['ie1', undefined],
    [undefined, 'dublin'],
    ['us1', 'ashburn'],
  ] as const)('region %s, edge %s: the host the twilio package uses', (region, edge) => {
    expect(twilioApiBaseUrl(region, edge)).toBe(official(region, edge));
  });

  it('gives the regional host an IE1 account needs', () => {
    expect(twilioApiBaseUrl('ie1', 'dublin')).toBe('https://api.dublin.ie1.twilio.com');
  });
});
