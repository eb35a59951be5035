import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The machine a run was measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started and ended: how busy the machine was. */
  loadStart: number;
  loadEnd?: number;
}

export function machineInfo(): MachineInfo {
  let cpu = os.cpus()[0]?.model?.trim() ?? 'unknown';
  try {
    // Some VMs report a bare family name in os.cpus(); /proc/cpuinfo may say more.
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim();
    if (model && model.length > cpu.length) cpu = model;
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadStart: os.loadavg()[0]!,
  };
}

/** Installed versions of the packages measured, read from their package.json. */
export function packageVersions(): Record<string, string> {
  const names = ['busboy', '@fastify/busboy', 'formidable', 'multer', 'multer-s3', 'express', 'koa', 'hono', '@hono/node-server', '@aws-sdk/client-s3', '@aws-sdk/lib-storage', '@sluice/core'];
  const versions: Record<string, string> = {};
  for (const name of names) {
    try {
      versions[name] = (JSON.parse(readFileSync(path.join(benchRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}
