import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { installDebianPackages } from './debian-packages';

// Finding Firefox for the Firefox end-to-end run: FIREFOX_PATH, else Debian's firefox-esr (installed
// with a progress line where this machine lets us install packages).

export const HOW_TO_GET_FIREFOX = [
  'No Firefox found, and this user may not install packages (neither root nor sudo without a password). Either:',
  '  sudo apt-get install -y firefox-esr     (Debian/Ubuntu: /usr/bin/firefox-esr), then run this again',
  '  or set FIREFOX_PATH=/path/to/firefox    (Firefox ≥ 128)',
].join('\n');

function onPath(command: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export function findFirefox(): string | null {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  for (const candidate of ['/usr/bin/firefox-esr', onPath('firefox-esr'), onPath('firefox')]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Where Firefox is; installs Debian's firefox-esr where allowed, else exits with instructions. */
export async function requireFirefox(): Promise<string> {
  const found = findFirefox();
  if (found) return found;
  if (process.env.FIREFOX_PATH) {
    console.error(`FIREFOX_PATH=${process.env.FIREFOX_PATH} does not exist.`);
    process.exit(1);
  }
  if (await installDebianPackages(['firefox-esr'], 'Installing Firefox ESR (apt-get install firefox-esr)…')) {
    const installed = findFirefox();
    if (installed) return installed;
  }
  console.error(HOW_TO_GET_FIREFOX);
  process.exit(1);
}
