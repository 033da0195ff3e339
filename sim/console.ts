/**
 * `npm run console`: the bridge with its operator console on, to talk to the agent from a browser and watch calls.
 *   - Without OPENAI_API_KEY: the stand-in OpenAI Realtime model (the demo's script) and the stand-in main app
 *     (org_luigis from contract/); no key or account needed.
 *   - With OPENAI_API_KEY: the real OpenAI Realtime API (the rest of the configuration from the environment, as
 *     `npm run dev` reads it), and the main app at APP_URL, or the stand-in one when APP_URL is unset.
 * Prints the console's URL and its token (CONSOLE_TOKEN, or a fresh random one). Listens on 127.0.0.1:PORT (8080).
 * A .env file is read as `npm run dev` reads it.
 */
import dotenv from 'dotenv';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { DEMO_ORG_ID, demoModel } from './demo-script.js';
import { listenBridge, startDemoStack } from './demo-stack.js';
import { startMainApp } from './main-app.js';

export interface ConsoleOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the URL and token are printed (default: stdout). */
  out?: (line: string) => void;
  /** Default: PORT, else 8080. */
  port?: number;
}

export interface RunningConsole {
  /** The console page, with the org to call filled in when it is the stand-in's. */
  url: string;
  token: string;
  realOpenAI: boolean;
  logFile: string;
  close(): Promise<void>;
}

export async function startConsole(options: ConsoleOptions = {}): Promise<RunningConsole> {
  const env = options.env ?? process.env;
  const out = options.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const token = env.CONSOLE_TOKEN?.trim() || randomBytes(24).toString('base64url');
  const port = options.port ?? Number(env.PORT || 8080);
  const realOpenAI = Boolean(env.OPENAI_API_KEY?.trim());
  const running = realOpenAI ? await withOpenAI(env, token, port) : await withStandIns(token, port);
  out(realOpenAI ? 'Operator console: the real OpenAI Realtime API' : 'Operator console: stand-in model and main app (no keys needed)');
  out(`  open   ${running.url}`);
  out(`  token  ${token}`);
  out(`  logs   ${running.logFile}`);
  return { ...running, token, realOpenAI };
}

type Started = Pick<RunningConsole, 'url' | 'logFile' | 'close'>;

async function withStandIns(token: string, port: number): Promise<Started> {
  const stack = await startDemoStack({ clock: systemClock, model: demoModel(systemClock), config: { CONSOLE_TOKEN: token }, port });
  return { url: `${stack.bridgeUrl}/console?org=${DEMO_ORG_ID}`, logFile: stack.logFile, close: stack.close };
}

async function withOpenAI(env: NodeJS.ProcessEnv, token: string, port: number): Promise<Started> {
  const mainApp = env.APP_URL?.trim() ? undefined : await startMainApp();
  const dataDir = mkdtempSync(join(tmpdir(), 'voice-bridge-console-'));
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, ...env, CONSOLE_TOKEN: token, ...(mainApp ? { APP_URL: mainApp.url } : {}) });
  const logFile = join(dataDir, 'bridge.log');
  const file = createWriteStream(logFile);
  const bridge = await listenBridge(config, createLogger(config.LOG_LEVEL, file), systemClock, port).catch(async (err: unknown) => {
    await mainApp?.close();
    throw err;
  });
  const orgHint = mainApp ? `?org=${DEMO_ORG_ID}` : '';
  return {
    url: `${bridge.url}/console${orgHint}`,
    logFile,
    close: async () => {
      await bridge.close();
      await mainApp?.close();
      file.end();
    },
  };
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href;
}

if (isMain()) {
  // As `npm run dev` does: a .env file fills the environment (OPENAI_API_KEY there means the real API).
  dotenv.config({ quiet: true });
  const running = await startConsole().catch((err: Error) => {
    process.stderr.write(`npm run console: ${err.message}\n`);
    process.exit(1);
  });
  process.stdout.write('Ctrl-C stops it.\n');
  const stop = () => void running.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
