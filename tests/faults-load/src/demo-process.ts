import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { Env } from '@sluice/demo-common';
import { appDir, type DemoName } from './demos.js';

/** A demo's real `src/server.ts` running as a child process. */
export interface DemoProcess {
  demo: DemoName;
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stdout(): string;
  stderr(): string;
  /** SIGKILLs the process if it is still running (teardown). */
  kill(): Promise<void>;
}

/**
 * Starts `apps/<demo>-demo/src/server.ts` the way `pnpm start` does (node with
 * tsx) with `env` on an ephemeral port, and waits for its URL line.
 */
export async function startDemoProcess(demo: DemoName, env: Env, startTimeoutMs = 30_000): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: appDir(demo),
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', PORT: '0', ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${demo} demo did not start within ${startTimeoutMs} ms:\n${stdout}\n${stderr}`)), startTimeoutMs);
    const look = (): void => {
      const match = /demo on (http:\/\/\S+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(match[1]!.replace('localhost', '127.0.0.1'));
    };
    child.stdout!.on('data', look);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${demo} demo exited (code ${code}) before listening:\n${stdout}\n${stderr}`));
    });
  });
  return {
    demo,
    url,
    pid: child.pid!,
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The open descriptors of a process, as their link targets (`socket:[…]`, paths, `pipe:[…]`). */
export async function openDescriptors(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '(closed)')));
  return targets.filter((target) => target !== '(closed)');
}

/** A value in kB from /proc/<pid>/status (VmRSS, VmHWM ...). */
export async function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** What an RSS sampler saw. */
export interface RssSamples {
  peakKiB: number;
  samples: number;
  /** The longest gap between two samples (the sampler's own scheduling delays). */
  maxGapMs: number;
}

// Runs in its own process, so a busy test process cannot delay the samples.
const SAMPLER = `
const fs = require('node:fs');
const pid = Number(process.argv[1]);
const every = Number(process.argv[2]);
let peak = 0, samples = 0, maxGap = 0, last = Date.now();
const sample = () => {
  const now = Date.now();
  if (samples > 0) maxGap = Math.max(maxGap, now - last);
  last = now;
  try {
    const m = /^VmRSS:\\s+(\\d+) kB/m.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'));
    if (m) { peak = Math.max(peak, Number(m[1])); samples++; }
  } catch {}
};
sample();
const timer = setInterval(sample, every);
process.stdin.on('data', () => {});
process.stdin.on('end', () => {
  clearInterval(timer);
  sample();
  process.stdout.write(JSON.stringify({ peakKiB: peak, samples, maxGapMs: maxGap }));
});
`;

/**
 * Samples a process's VmRSS from outside every `everyMs` (its own process).
 * `stop()` resolves with the peak.
 */
export function startRssSampler(pid: number, everyMs = 20): { stop(): Promise<RssSamples> } {
  const sampler = spawn(process.execPath, ['-e', SAMPLER, String(pid), String(everyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  sampler.stdout!.on('data', (chunk: Buffer) => (out += chunk));
  const closed = new Promise<void>((resolve) => sampler.on('close', () => resolve()));
  return {
    async stop() {
      sampler.stdin!.end();
      await closed;
      return JSON.parse(out) as RssSamples;
    },
  };
}

/** One TCP socket of a process, from /proc/<pid>/net/tcp{,6}. */
export interface TcpSocket {
  inode: string;
  localPort: number;
  remotePort: number;
  /** The kernel's TCP state, e.g. '01' ESTABLISHED, '08' CLOSE_WAIT, '0A' LISTEN. */
  state: string;
  /** Bytes received but not yet read by the process. */
  rxQueue: number;
  txQueue: number;
}

/** The TCP sockets a process holds open (its fds joined with the kernel's socket tables). */
export async function tcpSockets(pid: number): Promise<TcpSocket[]> {
  const inodes = new Set((await openDescriptors(pid)).map((fd) => /^socket:\[(\d+)\]$/.exec(fd)?.[1]).filter((inode): inode is string => inode !== undefined));
  const sockets: TcpSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
      const [tx, rx] = cols[4]!.split(':').map((hex) => parseInt(hex, 16));
      sockets.push({
        inode: cols[9]!,
        localPort: parseInt(cols[1]!.split(':')[1]!, 16),
        remotePort: parseInt(cols[2]!.split(':')[1]!, 16),
        state: cols[3]!,
        txQueue: tx!,
        rxQueue: rx!,
      });
    }
  }
  return sockets;
}
