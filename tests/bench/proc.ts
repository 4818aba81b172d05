/** Reads a process's CPU time and memory from /proc (Linux); zeros elsewhere. */
import fs from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** User + system CPU seconds used so far by `pid`. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** Resident set size of `pid` in bytes. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function machine(): { nproc: number; cpu: string; memGiB: number; node: string; kernel: string } {
  let cpu = 'unknown';
  let memGiB = 0;
  try {
    cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
    memGiB = Math.round(Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024 / 1024);
  } catch {
    // not Linux
  }
  let kernel = '';
  try {
    kernel = fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux
  }
  return { nproc: (globalThis as any).navigator?.hardwareConcurrency ?? 0, cpu, memGiB, node: process.version, kernel };
}

/** 1-minute load average (how busy the machine was). */
export function loadAvg(): number {
  try {
    return Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

/** CPU seconds of `pid` and its living children (a PostgreSQL postmaster and its backends). */
export function treeCpuSeconds(pid: number): number {
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // not Linux, or the process is gone
  }
  return cpuSeconds(pid) + children.reduce((a, c) => a + cpuSeconds(c), 0);
}
