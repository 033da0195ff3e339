/** `npm run bench`: the capacity sweep from the command line (see `--help`). */
import { runBench } from './bench.js';
import { OptionsError, USAGE, parseBenchOptions } from './options.js';
import { textReport } from './report.js';

try {
  const options = parseBenchOptions(process.argv.slice(2));
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    const { report, files } = await runBench(options, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`\n${textReport(report)}\n\n`);
    for (const file of files) process.stdout.write(`wrote ${file}\n`);
  }
} catch (err) {
  process.stderr.write(`${err instanceof OptionsError ? `${err.message}\n\n${USAGE}` : (err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
}
