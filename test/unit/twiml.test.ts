import { describe, expect, it } from 'vitest';
import {
  MAX_REST_TWIML_CHARS,
  TwimlError,
  assertFitsRestUpdate,
  connectStreamTwiml,
  escapeXml,
  sayAndHangupTwiml,
  transferTwiml,
} from '../../src/twilio/twiml.js';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

describe('escapeXml', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f');
  });

  it('drops control characters XML 1.0 forbids but keeps tab, newline and non-ASCII', () => {
    expect(escapeXml('a\u0000b\u0007c\td\ne é☎')).toBe('abc\td\ne é☎');
  });
});

describe('connectStreamTwiml', () => {
  it('builds <Connect><Stream> with one <Parameter> per entry', () => {
    const twiml = connectStreamTwiml({
      streamUrl: 'wss://bridge.example.com/ws/twilio',
      parameters: { orgId: 'org_123', callToken: 'v1.abc.def' },
    });
    expect(twiml).toBe(
      `${DECLARATION}<Response><Connect><Stream url="wss://bridge.example.com/ws/twilio">` +
        '<Parameter name="orgId" value="org_123"/><Parameter name="callToken" value="v1.abc.def"/>' +
        '</Stream></Connect></Response>',
    );
  });

  it('adds statusCallback and an after-stream <Say> then <Hangup/>', () => {
    const twiml = connectStreamTwiml({
      streamUrl: 'wss://bridge.example.com/ws/twilio',
      parameters: {},
      statusCallbackUrl: 'https://bridge.example.com/twilio/stream-status',
      afterStream: { say: 'Sorry, something went wrong.', language: 'en-US', voice: 'Polly.Joanna' },
    });
    expect(twiml).toBe(
      `${DECLARATION}<Response><Connect><Stream url="wss://bridge.example.com/ws/twilio" ` +
        'statusCallback="https://bridge.example.com/twilio/stream-status"></Stream></Connect>' +
        '<Say language="en-US" voice="Polly.Joanna">Sorry, something went wrong.</Say><Hangup/></Response>',
    );
  });

  it('escapes parameter names and values (e.g. a caller number with markup)', () => {
    const twiml = connectStreamTwiml({
      streamUrl: 'wss://bridge.example.com/ws/twilio',
      parameters: { 'from"x': `+1555"/><Hangup/><Parameter name='` },
    });
    expect(twiml).toContain('<Parameter name="from&quot;x" value="+1555&quot;/&gt;&lt;Hangup/&gt;&lt;Parameter name=&apos;"/>');
    expect(twiml).not.toContain('<Hangup/>');
  });

  it('accepts ws:// for local tests', () => {
    expect(connectStreamTwiml({ streamUrl: 'ws://127.0.0.1:8080/ws/twilio', parameters: {} })).toContain('url="ws://127.0.0.1:8080/ws/twilio"');
  });

  it('refuses a stream URL with a query string, even an empty one', () => {
    for (const streamUrl of ['wss://bridge.example.com/ws/twilio?token=abc', 'wss://bridge.example.com/ws/twilio?']) {
      expect(() => connectStreamTwiml({ streamUrl, parameters: {} })).toThrow(/query string/);
    }
  });

  it('refuses a stream URL that is not ws(s) or not absolute', () => {
    expect(() => connectStreamTwiml({ streamUrl: 'https://bridge.example.com/ws/twilio', parameters: {} })).toThrow(/wss:\/\//);
    expect(() => connectStreamTwiml({ streamUrl: '/ws/twilio', parameters: {} })).toThrow(TwimlError);
  });

  it('refuses a non-http statusCallback URL', () => {
    expect(() =>
      connectStreamTwiml({ streamUrl: 'wss://h/ws', parameters: {}, statusCallbackUrl: 'javascript:alert(1)' }),
    ).toThrow(/statusCallbackUrl/);
  });

  it('enforces Twilio’s name + value < 500 characters per Parameter', () => {
    const name = 'callToken';
    const fits = 'x'.repeat(499 - name.length);
    expect(connectStreamTwiml({ streamUrl: 'wss://h/ws', parameters: { [name]: fits } })).toContain(fits);
    expect(() => connectStreamTwiml({ streamUrl: 'wss://h/ws', parameters: { [name]: `${fits}x` } })).toThrow(/under 500/);
  });

  it('refuses an empty parameter name', () => {
    expect(() => connectStreamTwiml({ streamUrl: 'wss://h/ws', parameters: { '': 'v' } })).toThrow(/name must not be empty/);
  });
});

describe('sayAndHangupTwiml', () => {
  it('says the escaped text and hangs up', () => {
    expect(sayAndHangupTwiml('Fish & chips <today>', { voice: 'alice' })).toBe(
      `${DECLARATION}<Response><Say voice="alice">Fish &amp; chips &lt;today&gt;</Say><Hangup/></Response>`,
    );
  });

  it('refuses blank text', () => {
    expect(() => sayAndHangupTwiml('  ')).toThrow(/must not be empty/);
  });

  it('refuses a response over the 64 kB webhook limit with code 11750', () => {
    const error = captureError(() => sayAndHangupTwiml('a'.repeat(70_000)));
    expect(error).toBeInstanceOf(TwimlError);
    expect((error as TwimlError).twilioCode).toBe(11750);
  });
});

describe('transferTwiml', () => {
  it('matches the transfer shape: announcement, dial with timeout 20, fallback', () => {
    expect(transferTwiml('+15551234567', { announcement: 'Connecting you now.', fallback: 'Sorry, nobody is available.' })).toBe(
      '<Response><Say>Connecting you now.</Say><Dial timeout="20">+15551234567</Dial><Say>Sorry, nobody is available.</Say></Response>',
    );
  });

  it('omits the optional <Say>s and honours a custom timeout', () => {
    expect(transferTwiml('+442071234567', { timeoutSeconds: 30 })).toBe('<Response><Dial timeout="30">+442071234567</Dial></Response>');
  });

  it('escapes announcement text', () => {
    expect(transferTwiml('+15551234567', { announcement: `Tom's "place"` })).toContain('<Say>Tom&apos;s &quot;place&quot;</Say>');
  });

  it('refuses numbers that are not E.164', () => {
    for (const bad of ['5551234567', '+0123', '+1 555 123 4567', '+1555</Dial><Hangup/>', '']) {
      expect(() => transferTwiml(bad)).toThrow(/E\.164/);
    }
  });

  it('refuses an out-of-range dial timeout', () => {
    expect(() => transferTwiml('+15551234567', { timeoutSeconds: 0 })).toThrow(/timeout/);
    expect(() => transferTwiml('+15551234567', { timeoutSeconds: 2.5 })).toThrow(/timeout/);
  });

  it('refuses TwiML over 4000 characters with code 32018', () => {
    const error = captureError(() => transferTwiml('+15551234567', { announcement: 'a'.repeat(MAX_REST_TWIML_CHARS) }));
    expect(error).toBeInstanceOf(TwimlError);
    expect((error as TwimlError).twilioCode).toBe(32018);
  });
});

describe('assertFitsRestUpdate', () => {
  it('returns TwiML of exactly 4000 characters and refuses 4001', () => {
    const exact = 'x'.repeat(MAX_REST_TWIML_CHARS);
    expect(assertFitsRestUpdate(exact)).toBe(exact);
    expect(() => assertFitsRestUpdate(`${exact}x`)).toThrow(/4001 characters/);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
