/** The main-app stand-in (`sim/main-app.ts`) in its own process, driven over IPC. */
import { startMainApp, type MainAppStandIn } from '../sim/main-app.js';
import { serveRpc } from './ipc.js';

let app: MainAppStandIn | undefined;

serveRpc({
  start: async () => {
    app ??= await startMainApp();
    return { url: app.url };
  },
});
