// `channel-incentives serve` (what `npm start` runs).
import type { Command } from '../cli.js';
import { runMain } from '../main.js';

export const command: Command = {
  summary: 'start the server (API and workers; --role api|worker|all)',
  run: async (argv, io) => {
    const code = await runMain(argv, io);
    // Stray handles (reconnecting clients) must not keep a stopped server alive. Help and
    // usage errors return before anything starts: nothing to force (and a forced exit
    // would end a caller that runs this command in process, such as the CLI tests).
    const startedNothing = code === 2 || argv.includes('--help') || argv.includes('-h');
    if (!startedNothing) setTimeout(() => process.exit(code), 200).unref();
    return code;
  },
};
