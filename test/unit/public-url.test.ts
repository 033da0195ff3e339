import { describe, expect, it } from 'vitest';
import { computeTwilioSignature, validateTwilioSignature } from '../../src/twilio/signature.js';
import { PublicUrlError, firstHeaderValue, publicBaseUrl, publicHttpUrl, publicWsUrl } from '../../src/twilio/public-url.js';

const internalRequest = { headers: { host: '10.0.0.5:8080' }, url: '/twiml/start?org=pizza' };

describe('publicHttpUrl', () => {
  it('uses PUBLIC_URL over the internal address, keeping the path and query', () => {
    expect(publicHttpUrl(internalRequest, 'https://bridge.example.com')).toBe('https://bridge.example.com/twiml/start?org=pizza');
  });

  it('drops a default :443 and a trailing slash from PUBLIC_URL (Twilio signs the port-less form)', () => {
    expect(publicHttpUrl(internalRequest, 'https://bridge.example.com:443/')).toBe('https://bridge.example.com/twiml/start?org=pizza');
  });

  it('keeps a path prefix from PUBLIC_URL', () => {
    expect(publicHttpUrl(internalRequest, 'https://example.com/bridge/')).toBe('https://example.com/bridge/twiml/start?org=pizza');
  });

  it('uses X-Forwarded-Proto and X-Forwarded-Host when PUBLIC_URL is not set', () => {
    const req = {
      headers: { host: '10.0.0.5:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'bridge.up.railway.app' },
      url: '/twiml/start',
    };
    expect(publicHttpUrl(req)).toBe('https://bridge.up.railway.app/twiml/start');
    expect(publicHttpUrl(req, '')).toBe('https://bridge.up.railway.app/twiml/start');
  });

  it('takes the first value of comma lists and repeated headers', () => {
    const req = {
      headers: { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': ['bridge.example.com, 10.0.0.1', 'other.example.com'] },
      url: '/x',
    };
    expect(publicHttpUrl(req)).toBe('https://bridge.example.com/x');
  });

  it('falls back to Host and http when nothing is forwarded (a direct local request)', () => {
    expect(publicHttpUrl({ headers: { host: '127.0.0.1:34567' }, url: '/twiml/start' })).toBe('http://127.0.0.1:34567/twiml/start');
  });

  it('refuses a missing host, a host smuggling a path or user info, and an odd scheme', () => {
    expect(() => publicHttpUrl({ headers: {}, url: '/x' })).toThrow(PublicUrlError);
    expect(() => publicHttpUrl({ headers: { host: 'evil.com/path' }, url: '/x' })).toThrow(/not a valid host/);
    expect(() => publicHttpUrl({ headers: { host: 'user@evil.com' }, url: '/x' })).toThrow(/not a valid host/);
    expect(() => publicHttpUrl({ headers: { host: 'h', 'x-forwarded-proto': 'ftp' }, url: '/x' })).toThrow(/X-Forwarded-Proto/);
  });

  it('reads the WebSocket schemes some proxies forward on an upgrade as https and http', () => {
    expect(publicHttpUrl({ headers: { host: 'h.example', 'x-forwarded-proto': 'wss' }, url: '/ws/twilio' })).toBe('https://h.example/ws/twilio');
    expect(publicHttpUrl({ headers: { host: 'h.example', 'x-forwarded-proto': 'WS' }, url: '/ws/twilio' })).toBe('http://h.example/ws/twilio');
    expect(publicWsUrl('/ws/twilio', { headers: { host: 'h.example', 'x-forwarded-proto': 'wss' } })).toBe('wss://h.example/ws/twilio');
  });

  it('accepts a bracketed IPv6 host with a port', () => {
    expect(publicHttpUrl({ headers: { host: '[::1]:8080' }, url: '/x' })).toBe('http://[::1]:8080/x');
  });

  it('refuses a PUBLIC_URL that is not an http(s) origin', () => {
    expect(() => publicHttpUrl(internalRequest, 'bridge.example.com')).toThrow(/PUBLIC_URL/);
    expect(() => publicHttpUrl(internalRequest, 'wss://bridge.example.com')).toThrow(/http\(s\)/);
    expect(() => publicHttpUrl(internalRequest, 'https://bridge.example.com/?a=1')).toThrow(/query string/);
  });

  it('yields the URL a Twilio signature over the public address validates against', () => {
    const params = { CallSid: 'CA1', From: '+15551230001' };
    const signature = computeTwilioSignature('tok', 'https://bridge.example.com/twiml/start?org=pizza', params);
    const url = publicHttpUrl(internalRequest, 'https://bridge.example.com');
    expect(validateTwilioSignature({ authToken: 'tok', signature, url, params }).valid).toBe(true);
  });
});

describe('publicWsUrl', () => {
  it('turns an https public base into wss', () => {
    expect(publicWsUrl('/ws/twilio', internalRequest, 'https://bridge.example.com')).toBe('wss://bridge.example.com/ws/twilio');
  });

  it('turns a plain-http base into ws for local tests, from headers', () => {
    expect(publicWsUrl('ws/twilio', { headers: { host: '127.0.0.1:4000' } })).toBe('ws://127.0.0.1:4000/ws/twilio');
  });

  it('follows X-Forwarded-Proto https to wss', () => {
    expect(publicWsUrl('/ws/twilio', { headers: { host: 'a.example.com', 'x-forwarded-proto': 'HTTPS' } })).toBe('wss://a.example.com/ws/twilio');
  });
});

describe('publicBaseUrl and firstHeaderValue', () => {
  it('gives just the origin', () => {
    expect(publicBaseUrl({ headers: { host: 'a.example.com' } }, 'https://b.example.com')).toBe('https://b.example.com');
  });

  it('treats a blank header as absent', () => {
    expect(firstHeaderValue({ 'x-forwarded-host': ' , b' }, 'x-forwarded-host')).toBeUndefined();
    expect(publicBaseUrl({ headers: { 'x-forwarded-host': '', host: 'c.example.com' } })).toBe('http://c.example.com');
  });
});
