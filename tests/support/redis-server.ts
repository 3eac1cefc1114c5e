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
