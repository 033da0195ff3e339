import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { mulawToLinear } from '../../sim/audio.js';

/** Debian's `chromium` package: the browser the tests drive (never a downloaded build). */
export const CHROMIUM = '/usr/bin/chromium';

/** Installs Debian's chromium when it is missing; throws (the test fails loudly) when it cannot. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
}

/**
 * Headless Chromium with a fresh profile and a fake microphone that plays `wavPath` (in a loop), and that grants
 * the microphone without asking.
 */
export function launchChromium(wavPath: string): Promise<BrowserContext> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'console-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavPath}`,
    ],
  });
}

/** μ-law audio (the stand-ins' tones and silence) as a 16-bit PCM WAV file at 8 kHz, for the fake microphone. */
export function writeMulawAsWav(path: string, mulaw: Buffer): void {
  const rate = 8000;
  const data = Buffer.alloc(mulaw.length * 2);
  for (let i = 0; i < mulaw.length; i++) data.writeInt16LE(mulawToLinear(mulaw[i]!), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}
