import { describe, expect, it } from 'vitest';
import { messageLookupResult, messageSendResult } from '../../src/twilio/message-answers.js';

const SID = 'SM' + 'a'.repeat(32);
const message = { to: '+15551230000', from: '+15005550006', body: "Luigi's: order 42 confirmed." };
const resource = (fields: Record<string, unknown> = {}) => JSON.stringify({ sid: SID, status: 'queued', ...message, ...fields });
const error = (status: number, code: number) => JSON.stringify({ code, message: `Invalid 'To' Phone Number: ${message.to}`, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

describe('what a Messages create answer means', () => {
  it('201 with a Message resource: sent, with its sid', () => {
    expect(messageSendResult(201, resource())).toEqual({ kind: 'sent', sid: SID });
  });

  it('a 2xx without a readable resource may have sent the text', () => {
    expect(messageSendResult(201, '<html>')).toMatchObject({ kind: 'retryable', maybeSent: true });
  });

  it.each([21211, 21606, 21610, 21614, 21617, 20003])('a 4xx with Twilio code %i is a refusal, never retried', (code) => {
    expect(messageSendResult(code === 20003 ? 401 : 400, error(400, code))).toEqual({ kind: 'refused', httpStatus: code === 20003 ? 401 : 400, twilioCode: code });
  });

  it('429 and a full From queue (21611) are retried: nothing was queued', () => {
    expect(messageSendResult(429, error(429, 20429))).toEqual({ kind: 'retryable', reason: 'HTTP 429, Twilio code 20429', maybeSent: false });
    expect(messageSendResult(400, error(400, 21611))).toMatchObject({ kind: 'retryable', maybeSent: false });
  });

  it.each([500, 502, 503, 504])('%i is retried, but may have created the message', (status) => {
    expect(messageSendResult(status, error(status, 20000 + status))).toEqual({ kind: 'retryable', reason: `HTTP ${status}, Twilio code ${20000 + status}`, maybeSent: true });
  });

  it("never carries Twilio's message text, which can quote the phone number", () => {
    const results = [messageSendResult(500, error(500, 20500)), messageSendResult(400, error(400, 21211))];
    expect(JSON.stringify(results)).not.toContain(message.to);
  });
});

describe('what a Messages list answer means', () => {
  const page = (...messages: unknown[]) => JSON.stringify({ messages, page: 0, page_size: 50, next_page_uri: null });

  it('finds the message with the same To, From and body', () => {
    const other = JSON.parse(resource({ sid: 'SM' + 'b'.repeat(32), body: 'another order' })) as unknown;
    expect(messageLookupResult(200, page(other, JSON.parse(resource({ status: 'delivered' }))), message)).toEqual({ kind: 'found', sid: SID, status: 'delivered' });
  });

  it('absent when no message matches all three', () => {
    expect(messageLookupResult(200, page(JSON.parse(resource({ to: '+15551239999' }))), message)).toEqual({ kind: 'absent' });
    expect(messageLookupResult(200, page(), message)).toEqual({ kind: 'absent' });
  });

  it('anything but a page is retried: it proves nothing', () => {
    expect(messageLookupResult(503, error(503, 20503), message)).toEqual({ kind: 'retryable', reason: 'HTTP 503, Twilio code 20503' });
    expect(messageLookupResult(200, '{}', message)).toMatchObject({ kind: 'retryable' });
    expect(messageLookupResult(401, error(401, 20003), message)).toMatchObject({ kind: 'retryable' });
  });
});
