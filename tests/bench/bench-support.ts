import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';

/**
 * What the benches share: a database of their own beside the one DATABASE_URL names, and a load
 * generator run as a second process (as phones or an attacker's machine would be), whose last
 * word on stdout is a JSON summary.
 */
export async function benchDatabase(base: string, name: string) {
  const database = `cuntong_bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  return {
    database,
    url: url.toString(),
    /** The server's admin connection, for reading pg_stat_activity and the like. */
    admin,
    async drop() {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}

/** Run `script` with node and these environment variables; its stdout, parsed as JSON. */
export async function runLoadProcess<T>(script: string, env: Record<string, string>): Promise<T> {
  const load = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  load.stdout.on('data', (d) => (out += d));
  const code = await new Promise((r) => load.once('exit', r));
  if (code !== 0) throw new Error(`load process ${script} exited with ${code}`);
  return JSON.parse(out) as T;
}

/** The server a bench makes its own database beside (DATABASE_URL, as a superuser); exits saying so when unset. */
export function benchServerUrl(): string {
  const base = process.env.DATABASE_URL;
  if (!base) {
    console.error('Set DATABASE_URL (any database on the server, as a superuser; a bench database is made beside it).');
    process.exit(2);
  }
  return base;
}

/** Benches with a bare SQL side run it in psql; exits saying how to get it when missing. */
export function requirePsql(): void {
  if (spawnSync('psql', ['--version']).status !== 0) {
    console.error('psql is needed for the bare SQL side (apt-get install postgresql-client).');
    process.exit(2);
  }
}
