// The `channel-incentives` command: a table of subcommands, each in its own file
// under src/cli/, loaded only when called (so `score` never loads the server).
import type { CommandIo } from './cli/io.js';
import { stdio } from './cli/io.js';

export interface Command {
  /** One line for the overview. */
  summary: string;
  run(argv: string[], io: CommandIo): Promise<number>;
}

/** Multi-word commands ("plan validate") are keys with a space. */
const commands: Record<string, () => Promise<Command>> = {
  score: () => import('./cli/score.js').then((m) => m.command),
  whatif: () => import('./cli/whatif.js').then((m) => m.command),
  'plan validate': () => import('./cli/plan-validate.js').then((m) => m.command),
  serve: () => import('./cli/serve.js').then((m) => m.command),
  'tenant add': () => import('./cli/tenant.js').then((m) => m.add),
  'tenant list': () => import('./cli/tenant.js').then((m) => m.list),
  'tenant show': () => import('./cli/tenant.js').then((m) => m.show),
  'tenant pause': () => import('./cli/tenant.js').then((m) => m.pause),
  'tenant resume': () => import('./cli/tenant.js').then((m) => m.resume),
  'tenant install-fields': () => import('./cli/tenant-install-fields.js').then((m) => m.command),
  'admin-key create': () => import('./cli/admin-key.js').then((m) => m.create),
  'admin-key revoke': () => import('./cli/admin-key.js').then((m) => m.revoke),
  'plan upload': () => import('./cli/plan-admin.js').then((m) => m.upload),
  'plan activate': () => import('./cli/plan-admin.js').then((m) => m.activate),
  'plan list': () => import('./cli/plan-admin.js').then((m) => m.list),
  'keys rotate': () => import('./cli/keys-rotate.js').then((m) => m.command),
  'sandbox zoho': () => import('./cli/sandbox-zoho.js').then((m) => m.command),
  'sandbox fxiaoke': () => import('./cli/sandbox-fxiaoke.js').then((m) => m.command),
  sync: () => import('./cli/sync.js').then((m) => m.sync),
  recalc: () => import('./cli/sync.js').then((m) => m.recalc),
};

export async function main(argv: string[], io: CommandIo = stdio): Promise<number> {
  const [first, second] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    io.out(await overview());
    return 0;
  }
  const two = second ? `${first} ${second}` : '';
  const name = two && commands[two] ? two : commands[first] ? first : '';
  if (!name) {
    io.err(`channel-incentives: unknown command "${two && !commands[first] ? two : first}"\n`);
    io.err('Run "channel-incentives --help" for the list of commands.\n');
    return 2;
  }
  const command = await commands[name]!();
  return command.run(argv.slice(name.split(' ').length), io);
}

async function overview(): Promise<string> {
  const lines = ['usage: channel-incentives <command> [options]', '', 'commands:'];
  for (const name of Object.keys(commands).sort()) {
    const command = await commands[name]!();
    lines.push(`  ${name.padEnd(22)} ${command.summary}`);
  }
  lines.push('', 'Run "channel-incentives <command> --help" for its options.');
  return `${lines.join('\n')}\n`;
}
