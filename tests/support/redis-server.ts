// A real redis-server for a test: its own free loopback port, no persistence, stopped
// by its PID. `redis-server --port 0` would disable TCP, so a free port is picked first.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface RunningRedis {
  /** e.g. redis://127.0.0.1:41234 */
  url: string;
  port: number;
  pid: number;
  /** Kills the server (SIGTERM, then SIGKILL) and waits until it has exited. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One PING over a raw socket: true when the server answers +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\r\n')) done(text.startsWith('+PONG'));
    });
  });
}

/** A redis-server on a free loopback port, or on `port` (a test that points a signer at it before it runs). */
export async function startRedis(port?: number): Promise<RunningRedis> {
  port ??= await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Polled, not timed: under load the server may take a while to accept connections.
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start: ${output}`);
    if (await ping(port)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pid: child.pid!,
        stop: async () => {
          if (child.exitCode === null) {
            process.kill(child.pid!, 'SIGTERM');
            const killer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5000);
            await exited;
            clearTimeout(killer);
          }
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.kill(child.pid!, 'SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port}: ${output}`);
}

/** One CLUSTER/INFO-style command over a raw socket; resolves with the raw reply text once it stops growing. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error(`redis-server on ${port} did not answer ${line}`));
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(line + '\r\n'));
    socket.on('data', (chunk) => {
      text += chunk.toString();
      // A simple reply (+OK / -ERR) or a bulk string ($<n>\r\n<n bytes>\r\n) complete: done.
      const bulk = /^\$(\d+)\r\n/.exec(text);
      if ((!bulk && text.endsWith('\r\n')) || (bulk && text.length >= bulk[0].length + Number(bulk[1]) + 2)) {
        socket.destroy();
        resolve(text);
      }
    });
  });
}

/**
 * A real one-node Redis Cluster: `cluster-enabled yes`, every slot (0–16383) assigned to it,
 * started once CLUSTER INFO says cluster_state:ok. Multi-key commands and scripts are held
 * to Redis Cluster's rule here as on a real cluster: keys in different slots are CROSSSLOT.
 */
export async function startRedisCluster(): Promise<RunningRedis & { dir: string }> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir,
      // A node that never met another one announces an empty address in CLUSTER SLOTS, where a
      // cluster client (ioredis.Cluster) would then try to connect.
      '--cluster-announce-ip', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const killer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let answering = false;
    for (let attempt = 0; attempt < 200 && !answering; attempt++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited at start: ${output}`);
      answering = await ping(port);
      if (!answering) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!answering) throw new Error(`redis-server did not answer PING on port ${port}: ${output}`);
    const added = await command(port, 'CLUSTER ADDSLOTSRANGE 0 16383');
    if (!added.startsWith('+OK')) throw new Error(`CLUSTER ADDSLOTSRANGE: ${added}`);
    for (let attempt = 0; ; attempt++) {
      if ((await command(port, 'CLUSTER INFO')).includes('cluster_state:ok')) break;
      if (attempt >= 200) throw new Error(`the one-node cluster on ${port} never reached cluster_state:ok`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid!, dir, stop };
}
