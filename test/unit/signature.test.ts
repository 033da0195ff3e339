import querystring from 'node:querystring';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { candidateUrls, computeTwilioSignature, signatureAlgorithm, validateTwilioSignature } from '../../src/twilio/signature.js';

const { validateRequest, getExpectedTwilioSignature } = twilio;

const workedExampleParams = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675310',
  Digits: '1234',
  From: '+14158675310',
  To: '+18005551212',
};
const mycompanyParams = { ...workedExampleParams, Caller: '+12349013030', From: '+12349013030' };
const incomingCallParams = {
  AccountSid: `AC${'0'.repeat(32)}`,
  CallSid: `CA${'0'.repeat(31)}1`,
  CallStatus: 'ringing',
  Direction: 'inbound',
  From: '+15551230001',
  To: '+15559870002',
};

// Worked examples of Twilio's signature, checked against the twilio package's validateRequest.
const vectors: { token: string; url: string; params: Record<string, string>; signature: string }[] = [
  { token: '12345', url: 'https://example.com/myapp.php?foo=1&bar=2', params: workedExampleParams, signature: 'L/OH5YylLD5NRKLltdqwSvS0BnU=' },
  { token: '12345', url: 'https://mycompany.com/myapp.php?foo=1&bar=2', params: mycompanyParams, signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' },
  { token: '12345', url: 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params: mycompanyParams, signature: 'EpDEmp1PyjDYp77YxYU3GILBWzE=' },
  { token: '12345', url: 'wss://example.com/media-stream/', params: {}, signature: '7J0iz81itFhCXVuZK8EmM4YZwLA=' },
  { token: '12345', url: 'wss://example.com/media-stream', params: {}, signature: 'XFfwGS2Ev7f9qAP9MmRoMS7C724=' },
  { token: '12345', url: 'https://example.com/media-stream', params: {}, signature: '+Nt/WUHH2g+0+t2rLN3k9fNhfEw=' },
  { token: 'test_auth_token', url: 'https://bridge.example.com/incoming-call', params: incomingCallParams, signature: '3u7DdjGXMAnGTo0qml+H/f4VQRg=' },
  { token: 'test_auth_token', url: 'wss://bridge.example.com/media-stream', params: {}, signature: '8gE1Db7QhtUJpWytMa5S6ntiSWM=' },
  { token: 'test_auth_token', url: 'wss://bridge.example.com/media-stream/', params: {}, signature: 'g+b+kkJlGv2APSKJAd61xSPI87w=' },
];

describe('computeTwilioSignature', () => {
  it.each(vectors)('reproduces the protocols vector for $url', ({ token, url, params, signature }) => {
    expect(computeTwilioSignature(token, url, params)).toBe(signature);
  });

  it('appends distinct values of a repeated name in sorted order, as the official library does', () => {
    const params = { To: '+1555', Tag: ['b', 'a', 'b'] };
    const expected = computeTwilioSignature('tok', 'https://h/x', { Tag: 'a' });
    expect(computeTwilioSignature('tok', 'https://h/x', params)).not.toBe(expected);
    expect(computeTwilioSignature('tok', 'https://h/x', params)).toBe(getExpectedTwilioSignature('tok', 'https://h/x', params));
  });

  it('sorts names by code unit (uppercase first) rather than locale', () => {
    const a = computeTwilioSignature('tok', 'https://h/x', { b: '1', B: '2', a: '3' });
    const manual = computeTwilioSignature('tok', 'https://h/xB2a3b1');
    expect(a).toBe(manual);
  });
});

describe('validateTwilioSignature', () => {
  it.each(vectors)('accepts the vector for $url as given', ({ token, url, params, signature }) => {
    expect(validateTwilioSignature({ authToken: token, signature, url, params })).toEqual({ valid: true, matchedUrl: url });
  });

  it('accepts the port-less signature for a URL that carries :443 (Twilio strips the port)', () => {
    const result = validateTwilioSignature({
      authToken: '12345',
      signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
      url: 'https://mycompany.com:443/myapp.php?foo=1&bar=2',
      params: mycompanyParams,
    });
    expect(result).toEqual({ valid: true, matchedUrl: 'https://mycompany.com/myapp.php?foo=1&bar=2' });
  });

  it('accepts the :443 signature for the port-less URL', () => {
    const result = validateTwilioSignature({
      authToken: '12345',
      signature: 'EpDEmp1PyjDYp77YxYU3GILBWzE=',
      url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
      params: mycompanyParams,
    });
    expect(result).toEqual({ valid: true, matchedUrl: 'https://mycompany.com:443/myapp.php?foo=1&bar=2' });
  });

  it('accepts a signature made without user:pass@ for a URL that has them', () => {
    const signature = computeTwilioSignature('tok', 'https://bridge.example.com/incoming-call', incomingCallParams);
    const result = validateTwilioSignature({
      authToken: 'tok',
      signature,
      url: 'https://user:pass@bridge.example.com/incoming-call',
      params: incomingCallParams,
    });
    expect(result).toEqual({ valid: true, matchedUrl: 'https://bridge.example.com/incoming-call' });
  });

  it('accepts a wss header signed with a trailing slash, and reports that form', () => {
    const result = validateTwilioSignature({
      authToken: 'test_auth_token',
      signature: 'g+b+kkJlGv2APSKJAd61xSPI87w=',
      url: 'wss://bridge.example.com/media-stream',
    });
    expect(result).toEqual({ valid: true, matchedUrl: 'wss://bridge.example.com/media-stream/' });
  });

  it('does not let the https form stand in for a wss-signed header, nor the reverse', () => {
    expect(validateTwilioSignature({ authToken: '12345', signature: 'XFfwGS2Ev7f9qAP9MmRoMS7C724=', url: 'https://example.com/media-stream' }).valid).toBe(false);
    expect(validateTwilioSignature({ authToken: '12345', signature: '+Nt/WUHH2g+0+t2rLN3k9fNhfEw=', url: 'wss://example.com/media-stream' }).valid).toBe(false);
  });

  it('rejects tampered, added and missing params', () => {
    const base = { authToken: 'test_auth_token', signature: '3u7DdjGXMAnGTo0qml+H/f4VQRg=', url: 'https://bridge.example.com/incoming-call' };
    expect(validateTwilioSignature({ ...base, params: { ...incomingCallParams, From: '+15551230009' } }).valid).toBe(false);
    expect(validateTwilioSignature({ ...base, params: { ...incomingCallParams, Extra: 'x' } }).valid).toBe(false);
    const { To: _dropped, ...withoutTo } = incomingCallParams;
    expect(validateTwilioSignature({ ...base, params: withoutTo }).valid).toBe(false);
  });

  it('rejects a wrong URL, a wrong token, a blank or repeated header', () => {
    const good = { authToken: 'test_auth_token', signature: '3u7DdjGXMAnGTo0qml+H/f4VQRg=', url: 'https://bridge.example.com/incoming-call', params: incomingCallParams };
    expect(validateTwilioSignature(good).valid).toBe(true);
    expect(validateTwilioSignature({ ...good, url: 'https://bridge.example.com/incoming-call2' }).valid).toBe(false);
    expect(validateTwilioSignature({ ...good, url: 'https://evil.example.com/incoming-call' }).valid).toBe(false);
    expect(validateTwilioSignature({ ...good, url: 'http://bridge.example.com/incoming-call' }).valid).toBe(false);
    expect(validateTwilioSignature({ ...good, authToken: 'other' }).valid).toBe(false);
    expect(validateTwilioSignature({ ...good, authToken: '' }).valid).toBe(false);
    expect(validateTwilioSignature({ ...good, signature: undefined }).valid).toBe(false);
    expect(validateTwilioSignature({ ...good, signature: '' }).valid).toBe(false);
    expect(validateTwilioSignature({ ...good, signature: [good.signature, good.signature] }).valid).toBe(false);
    expect(validateTwilioSignature({ ...good, signature: 'short' }).valid).toBe(false);
  });

  it('does not throw on a URL it cannot parse', () => {
    expect(validateTwilioSignature({ authToken: 't', signature: 'x', url: 'not a url' })).toEqual({ valid: false });
  });
});

describe('candidateUrls', () => {
  it('tries the URL as given first, then the port forms, and for wss the trailing-slash forms', () => {
    const candidates = candidateUrls('wss://bridge.example.com/ws/twilio');
    expect(candidates[0]).toBe('wss://bridge.example.com/ws/twilio');
    expect(candidates).toEqual(
      expect.arrayContaining([
        'wss://bridge.example.com/ws/twilio/',
        'wss://bridge.example.com:443/ws/twilio',
        'wss://bridge.example.com:443/ws/twilio/',
      ]),
    );
    expect(new Set(candidates).size).toBe(candidates.length);
    expect(candidates.some((c) => c.startsWith('https://'))).toBe(false);
  });

  it('keeps the port of a plain-http URL as one candidate and never adds a trailing slash to https', () => {
    const candidates = candidateUrls('http://127.0.0.1:8080/twiml/start?x=1');
    expect(candidates[0]).toBe('http://127.0.0.1:8080/twiml/start?x=1');
    expect(candidates).toContain('http://127.0.0.1/twiml/start?x=1');
    expect(candidates.some((c) => c.includes('start/'))).toBe(false);
  });
});

describe('cross-check against the twilio package', () => {
  // Seeded (mulberry32) so a failing input can be reproduced.
  let seed = 0x5eed;
  const randomInt = (min: number, max: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return min + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min));
  };
  const randomToken = () => Array.from({ length: 32 }, () => randomInt(0, 16).toString(16)).join('');
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_. :/@&=é☎';
  const randomText = (max: number) =>
    Array.from({ length: randomInt(0, max + 1) }, () => alphabet[randomInt(0, alphabet.length)]).join('');
  const randomUrl = () => {
    const scheme = ['https', 'http', 'wss'][randomInt(0, 3)]!;
    const port = randomInt(0, 3) === 0 ? `:${randomInt(1, 65536)}` : '';
    const query = randomInt(0, 2) === 0 ? `?q=${encodeURIComponent(randomText(10))}&n=${randomInt(0, 100)}` : '';
    return `${scheme}://host${randomInt(0, 99)}.example.com${port}/p/${encodeURIComponent(randomText(8))}${query}`;
  };
  const randomParams = () => {
    const params: Record<string, string | string[]> = {};
    for (let i = randomInt(0, 8); i > 0; i--) {
      const name = randomText(6) || 'N';
      params[name] = randomInt(0, 5) === 0 ? [randomText(5), randomText(5), randomText(5)] : randomText(20);
    }
    return params;
  };

  it('computes the same signature as getExpectedTwilioSignature for random inputs', () => {
    for (let i = 0; i < 300; i++) {
      const token = randomToken();
      const url = randomUrl();
      const params = randomParams();
      expect(computeTwilioSignature(token, url, params)).toBe(getExpectedTwilioSignature(token, url, params));
    }
  });

  it('agrees with validateRequest on genuine and tampered signatures for random inputs', () => {
    for (let i = 0; i < 300; i++) {
      const token = randomToken();
      const url = randomUrl();
      const params = randomParams();
      const genuine = getExpectedTwilioSignature(token, url, params);
      expect(validateTwilioSignature({ authToken: token, signature: genuine, url, params }).valid).toBe(true);
      expect(validateRequest(token, genuine, url, params)).toBe(true);

      const tampered = { ...params, Injected: randomText(4) };
      expect(validateTwilioSignature({ authToken: token, signature: genuine, url, params: tampered }).valid).toBe(false);
      expect(validateRequest(token, genuine, url, tampered)).toBe(false);
    }
  });

  it('accepts every URL form validateRequest accepts for port variants', () => {
    const token = 'cross_token';
    for (const [signedUrl, requestUrl] of [
      ['https://a.example.com/x?y=1', 'https://a.example.com:443/x?y=1'],
      ['https://a.example.com:443/x?y=1', 'https://a.example.com/x?y=1'],
      ['http://a.example.com/x', 'http://a.example.com:8080/x'],
      ['http://a.example.com:80/x', 'http://a.example.com/x'],
    ] as const) {
      const signature = getExpectedTwilioSignature(token, signedUrl, {});
      expect(validateRequest(token, signature, requestUrl, {})).toBe(true);
      expect(validateTwilioSignature({ authToken: token, signature, url: requestUrl }).valid).toBe(true);
    }
  });

  it('accepts the trailing-slash wss form that validateRequest does not', () => {
    const signature = getExpectedTwilioSignature('t', 'wss://a.example.com/ws/twilio/', {});
    expect(validateRequest('t', signature, 'wss://a.example.com/ws/twilio', {})).toBe(false);
    expect(validateTwilioSignature({ authToken: 't', signature, url: 'wss://a.example.com/ws/twilio' }).valid).toBe(true);
  });
});

describe('signatures Twilio makes with a Webhook Setting (SharedKey, HMAC_SHA256)', () => {
  const { validateRequest: officialValidate, getSignatureAlgorithm } = twilio as unknown as {
    validateRequest: (secret: string, signature: string, url: string, params: object, algorithm?: string) => boolean;
    getSignatureAlgorithm: (header?: string) => string;
  };
  const url = 'https://bridge.example.com/twiml/start?orgId=org_luigis';
  const header = 'key=webhooks_sharedkey_abc,algorithm=HMAC_SHA256';

  it('reads the algorithm from the settings header as the twilio package does', () => {
    for (const value of [header, 'algorithm=HMAC_SHA1', 'key=x', '', undefined, ' algorithm = HMAC_SHA256 ']) {
      expect(signatureAlgorithm(value)).toBe(getSignatureAlgorithm(value));
    }
  });

  it('computes and accepts an HMAC_SHA256 signature exactly when the twilio package does', () => {
    const signature = computeTwilioSignature('shared-secret', url, incomingCallParams, 'HMAC_SHA256');
    expect(officialValidate('shared-secret', signature, url, incomingCallParams, 'HMAC_SHA256')).toBe(true);
    expect(validateTwilioSignature({ authToken: 'shared-secret', algorithm: 'HMAC_SHA256', signature, url, params: incomingCallParams }).valid).toBe(true);
    // The same signature is not an HMAC_SHA1 one, nor valid with the Auth Token.
    expect(validateTwilioSignature({ authToken: 'shared-secret', signature, url, params: incomingCallParams }).valid).toBe(false);
    expect(validateTwilioSignature({ authToken: 'auth-token', algorithm: 'HMAC_SHA256', signature, url, params: incomingCallParams }).valid).toBe(false);
  });

  it('refuses an algorithm it does not know', () => {
    expect(validateTwilioSignature({ authToken: 'k', algorithm: 'HMAC_MD5', signature: 'x', url }).valid).toBe(false);
    expect(() => computeTwilioSignature('k', url, {}, 'HMAC_MD5')).toThrow(/unsupported/);
  });
});

describe('URL forms the twilio package also accepts', () => {
  // Query strings a back end may have signed in another encoding: `new URL()` normalises some characters, and
  // Node's legacy querystring re-encodes others (e.g. ' as %27).
  const urls = [
    "https://bridge.example.com/twiml/start?orgId=luigi's&x=a b",
    'https://bridge.example.com/twiml/start?orgId=%27q%27&note=caf%C3%A9',
    'https://bridge.example.com:443/twiml/start?a=1&b=(2)',
    'https://bridge.example.com/twiml/start?orgId=o~1*2!',
  ];
  const signers = (url: string) => {
    const forms = [url, new URL(url).toString()];
    const legacy = (u: string) => {
      const q = u.indexOf('?');
      return `${u.slice(0, q)}?${querystring.stringify(querystring.parse(u.slice(q + 1)))}`;
    };
    return [...forms, ...forms.map(legacy)];
  };

  it.each(urls)('accepts the same signatures as validateRequest for %s', (url) => {
    for (const signedUrl of signers(url)) {
      const signature = getExpectedTwilioSignature('tok', signedUrl, incomingCallParams);
      const official = validateRequest('tok', signature, url, incomingCallParams);
      expect(validateTwilioSignature({ authToken: 'tok', signature, url, params: incomingCallParams }).valid).toBe(official);
      expect(official).toBe(true);
    }
  });
});
