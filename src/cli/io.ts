// Where a command writes: injected so tests can capture output without spawning a process.
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
