// Prisma Studio against a standby, for real: it serves its page, answers a query from the standby itself, and
// stopping it leaves no process behind.
import fs from 'node:fs/promises';
import net from 'node:net';
import { ConfigError, loadConfig } from '../../src/config';
import { StudioServer } from '../../src/studio/studio';
import { DEFAULT_STUDIO_PORT, resolveStudioNode, studioNodes } from '../../src/studio/studio-nodes';

const config = loadConfig(process.env);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Pids whose process group is `pgid`, from /proc. */
async function groupMembers(pgid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces): state, ppid, pgrp …
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) pids.push(Number(entry));
  }
  return pids;
}

/** Pids of Studio processes serving `port`, from /proc. */
async function studioProcesses(port: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (args.includes('studio') && args.includes(String(port))) pids.push(Number(entry));
  }
  return pids;
}

describe('studio nodes', () => {
  test('the primary, then each standby, by name or index, with 5555 + index as default port', () => {
    const nodes = studioNodes(config);
    expect(nodes.map((n) => n.name)).toEqual(['primary', ...config.replicaUrls.map((_, i) => `standby${i + 1}`)]);
    expect(resolveStudioNode(config, 'primary').url).toBe(config.primaryUrl);
    expect(resolveStudioNode(config, 'standby1').url).toBe(config.replicaUrls[0]);
    expect(resolveStudioNode(config, 'standby').url).toBe(config.replicaUrls[0]);
    expect(resolveStudioNode(config, '2').url).toBe(config.replicaUrls[1]);
    expect(resolveStudioNode(config, 'standby2').defaultPort).toBe(DEFAULT_STUDIO_PORT + 2);
  });

  test('an unknown node is a clear error listing the configured ones', () => {
    expect(() => resolveStudioNode(config, 'standby9')).toThrow(ConfigError);
    expect(() => resolveStudioNode(config, 'standby9')).toThrow(/No node "standby9".*primary \(0\), standby1 \(1\)/);
    const primaryOnly = loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/app' });
    expect(() => resolveStudioNode(primaryOnly, '1')).toThrow(/No standby is configured: set REPLICA_URLS/);
  });
});

test('Studio on standby1 serves its page, reads from the standby, and stops without leaving a process', async () => {
  const node = resolveStudioNode(config, 'standby1');
  const port = await freePort();
  const studio = await StudioServer.start(node, { port });
  const pid = studio.pid!;
  try {
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<div id="root"><\/div>/);
    expect(html).toMatch(/__STUDIO_CONFIG__ = \{"adapter":"postgres"\}/);

    // Studio's own query endpoint: the server that answers is the standby (its port, in recovery).
    const res = await fetch(`http://127.0.0.1:${port}/bff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        procedure: 'query',
        query: { sql: 'SELECT inet_server_port() AS port, pg_is_in_recovery() AS standby', parameters: [] },
      }),
    });
    expect(await res.json()).toEqual([null, [{ port: Number(new URL(node.url).port), standby: true }]]);

    // The password reached Studio through its environment, not its command line.
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('studio');
    expect(cmdline).not.toContain(new URL(node.url).password);
    expect(await groupMembers(pid)).toContain(pid);
  } finally {
    await studio.stop();
  }
  expect(await groupMembers(pid)).toEqual([]);
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  await studio.stop(); // idempotent
});

test('a port already taken: a clear error, and nothing left running', async () => {
  // Accepts and never answers, like an unrelated service on that port.
  const sockets = new Set<net.Socket>();
  const blocker = net.createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as net.AddressInfo;
  try {
    await expect(StudioServer.start(resolveStudioNode(config, 'primary'), { port })).rejects.toThrow(
      /exited before serving on port \d+[\s\S]*choose another with --port/,
    );
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
  expect(await studioProcesses(port)).toEqual([]);
});
