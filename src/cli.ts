// The `channel-incentives` command. Subcommands are added as the product grows.
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write('usage: channel-incentives <command> [options]\n');
    return 0;
  }
  process.stderr.write(`channel-incentives: unknown command "${argv[0]}"\n`);
  return 2;
}
