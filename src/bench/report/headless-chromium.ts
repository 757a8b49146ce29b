// Renders a report page in headless Chromium (Debian's `chromium` package): the DOM after rendering, or a PNG.
// Used by the report tests and to make the README's example image. Each run gets a fresh profile folder.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';

/** How to get Chromium when it is missing (`npm test` installs it as root, through `npm run setup:tools`). */
export const CHROMIUM_INSTALL_HINT =
  'install it with `npm run setup:tools` as root, or `sudo apt-get install -y chromium`';

/** Flags for a quiet, offline, throwaway headless run (no sandbox: CI runs as root). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Seconds a Chromium run may take before it is stopped. */
export const CHROMIUM_TIMEOUT_S = 90;

/** The Chromium executable (`chromium`, else `chromium-browser`, on PATH), or null when none answers. */
export async function findChromium(
  candidates: readonly string[] = ['chromium', 'chromium-browser'],
): Promise<string | null> {
  for (const file of candidates) {
    const r = await execa(file, ['--version'], { reject: false, stdin: 'ignore', timeout: 30_000 }).catch(() => null);
    if (r && r.exitCode === 0) return file;
  }
  return null;
}

async function run(chromium: string, args: string[]): Promise<string> {
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-chromium-'));
  try {
    const r = await execa(chromium, [...FLAGS, `--user-data-dir=${profile}`, ...args], {
      reject: false,
      stdin: 'ignore',
      timeout: CHROMIUM_TIMEOUT_S * 1000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.exitCode !== 0) {
      throw new Error(`${chromium} exited with ${r.exitCode ?? r.signal}: ${String(r.stderr).trim().slice(-2000)}`);
    }
    return String(r.stdout);
  } finally {
    await fs.rm(profile, { recursive: true, force: true });
  }
}

/** The page's DOM after Chromium loaded and rendered it, serialised as HTML (`--dump-dom`). */
export function dumpDom(chromium: string, htmlFile: string): Promise<string> {
  return run(chromium, ['--dump-dom', pathToFileURL(path.resolve(htmlFile)).href]);
}

/** Saves a PNG of the page at the given window size (`--screenshot`). */
export async function screenshot(
  chromium: string,
  htmlFile: string,
  pngFile: string,
  size: { readonly width: number; readonly height: number } = { width: 1200, height: 1600 },
): Promise<void> {
  await run(chromium, [
    `--screenshot=${path.resolve(pngFile)}`,
    `--window-size=${size.width},${size.height}`,
    '--hide-scrollbars',
    pathToFileURL(path.resolve(htmlFile)).href,
  ]);
}
