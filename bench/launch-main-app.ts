/** The main-app stand-in (`sim/main-app.ts`) in its own process, driven over IPC. */
import { startMainApp, type MainAppStandIn } from '../sim/main-app.js';
import { benchOrgs } from './bench-org.js';
import { serveRpc } from './ipc.js';

let app: MainAppStandIn | undefined;

serveRpc({
  /** Serves the contract's examples and the benchmark's restaurant (`benchOrgs`). */
  start: async () => {
    app ??= await startMainApp({ orgs: benchOrgs() });
    return { url: app.url };
  },
});
