import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

// Installing a browser the README's commands need (Debian's chromium, firefox-esr) on a machine that
// may install packages: root, or sudo without a password. Anywhere else the caller says what to run.

function succeeds(program: string, args: string[]): boolean {
  try {
    execFileSync(program, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** How to run apt-get here as root ([] when already root), or null when this process may not. */
export function aptGetPrefix(): string[] | null {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) return null;
  if (process.getuid?.() === 0) return [];
  return succeeds('sudo', ['-n', 'true']) ? ['sudo', '-n'] : null;
}

/** Runs apt-get, passing its machine-readable progress (APT::Status-Fd) to `onStatus`. */
function aptGet(prefix: string[], args: string[], onStatus: (line: string) => void): Promise<void> {
  const [program, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'APT::Status-Fd=3', ...args] as [string, ...string[]];
  return new Promise((done, fail) => {
    const child = spawn(program, rest, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let errors = '';
    let pending = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onStatus(line);
    });
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done() : fail(new Error(`apt-get ${args.join(' ')} failed (exit ${code}):\n${errors.trim()}`)),
    );
  });
}

/** One line that keeps its place on a terminal and steps by tenths in a log. */
function progressLine(label: string): { show(percent: number, what: string): void; end(text: string): void } {
  const tty = process.stdout.isTTY === true;
  let lastTenth = -1;
  return {
    show(percent, what) {
      const rounded = Math.max(0, Math.min(100, Math.floor(percent)));
      if (tty) {
        process.stdout.write(`\r\x1b[K${label} ${String(rounded).padStart(3)}%  ${what}`.slice(0, (process.stdout.columns ?? 100) - 1));
      } else if (Math.floor(rounded / 10) > lastTenth) {
        lastTenth = Math.floor(rounded / 10);
        console.log(`${label} ${rounded}%  ${what}`);
      }
    },
    end(text) {
      if (tty) process.stdout.write(`\r\x1b[K`);
      console.log(`${label} ${text}`);
    },
  };
}

/**
 * Installs Debian packages with apt-get (after refreshing the package lists), showing one progress
 * line. Returns false without doing anything when this process may not install packages.
 */
export async function installDebianPackages(packages: string[], label: string): Promise<boolean> {
  const prefix = aptGetPrefix();
  if (!prefix) return false;
  const line = progressLine(label);
  const started = Date.now();
  line.show(0, 'reading the package lists (apt-get update)');
  await aptGet(prefix, ['update', '-qq'], () => undefined);
  // Downloading is the first half of the line, unpacking and setting up the second.
  await aptGet(prefix, ['install', '-y', '-qq', ...packages], (status) => {
    const [kind, , percent, ...what] = status.split(':');
    const value = Number(percent);
    if (!Number.isFinite(value)) return;
    if (kind === 'dlstatus') line.show(value / 2, `downloading ${what.join(':')}`);
    else if (kind === 'pmstatus') line.show(50 + value / 2, what.join(':'));
  });
  line.end(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
}
