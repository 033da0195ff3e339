import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, modelForOrg } from '../../src/config.js';

const base = { OPENAI_API_KEY: 'sk-x', APP_URL: 'https://app.example.com/' };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      OPENAI_REALTIME_URL: 'wss://api.openai.com/v1/realtime',
      OPENAI_REALTIME_MODEL: 'gpt-realtime-2.1',
      OPENAI_REASONING_EFFORT: 'low',
      OPENAI_TRANSCRIPTION_MODEL: 'gpt-live-transcribe',
      APP_URL: 'https://app.example.com',
    });
    expect(c.TWILIO_API_BASE_URL).toBeUndefined();
  });

  it('takes per-org models, and uses the default for other orgs', () => {
    const c = loadConfig({ ...base, OPENAI_MODEL_BY_ORG: 'org_a=gpt-realtime-2.1-mini, org_b = gpt-realtime-2.1' });
    expect(modelForOrg(c, 'org_a')).toBe('gpt-realtime-2.1-mini');
    expect(modelForOrg(c, 'org_b')).toBe('gpt-realtime-2.1');
    expect(modelForOrg(c, 'org_c')).toBe('gpt-realtime-2.1');
    expect(() => loadConfig({ ...base, OPENAI_MODEL_BY_ORG: 'org_a:gpt' })).toThrow(/OPENAI_MODEL_BY_ORG/);
  });

  it.each([
    [{}, 'OPENAI_API_KEY'],
    [{ OPENAI_API_KEY: 'sk-x' }, 'APP_URL'],
    [{ ...base, APP_URL: 'ftp://x' }, 'APP_URL'],
    [{ ...base, PORT: 'eighty' }, 'PORT'],
    [{ ...base, OPENAI_REALTIME_URL: 'https://api.openai.com/v1/realtime' }, 'OPENAI_REALTIME_URL'],
    [{ ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ...base, NODE_ENV: 'production' }, 'TWILIO_AUTH_TOKEN'],
    [{ ...base, OPENAI_REASONING_EFFORT: 'max' }, 'OPENAI_REASONING_EFFORT'],
    [{ ...base, TWILIO_REGION: 'Ireland' }, 'TWILIO_REGION'],
    [{ ...base, CONSOLE_TOKEN: 'short' }, 'CONSOLE_TOKEN'],
  ])('names the bad variable in one line: %o', (env, name) => {
    try {
      loadConfig(env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(name);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ ...base, PORT: '', PUBLIC_URL: '', TWILIO_AUTH_TOKEN: ' ' })).toMatchObject({ PORT: 8080, PUBLIC_URL: undefined, TWILIO_AUTH_TOKEN: undefined });
    expect(loadConfig({ ...base, CONSOLE_TOKEN: '  ' }).CONSOLE_TOKEN).toBeUndefined();
  });

  it('takes the operator console token (off when unset)', () => {
    expect(loadConfig(base).CONSOLE_TOKEN).toBeUndefined();
    expect(loadConfig({ ...base, CONSOLE_TOKEN: ' a-long-random-console-secret ' }).CONSOLE_TOKEN).toBe('a-long-random-console-secret');
  });
});
