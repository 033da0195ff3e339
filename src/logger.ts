import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line: credentials and audio. */
export const redactPaths = [
  'apiKey',
  'authToken',
  'token',
  'authorization',
  'Authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'config.OPENAI_API_KEY',
  'config.TWILIO_AUTH_TOKEN',
  'config.INTERNAL_API_KEY',
  'config.METRICS_TOKEN',
  'config.STREAM_TOKEN_SECRET',
  'payload',
  'audio',
  'delta',
  'media.payload',
  'customParameters.callToken',
];

export function createLogger(level: LevelWithSilent, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'voice-bridge' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
