// The load side of bench:check-in, in a process of its own (as phones would be): sends every
// trainee's check-in twice, shuffled, CONCURRENCY at a time, and prints what came back as JSON.
// Input (env): ORIGIN, COOKIE, SESSION_ID, TRAINEE_IDS (comma-separated), CONCURRENCY; TARGET_PATH
// (default the check-in procedure) to send the same requests elsewhere.
const { ORIGIN, COOKIE, SESSION_ID, TRAINEE_IDS, CONCURRENCY } = process.env;
const TARGET_PATH = process.env.TARGET_PATH ?? '/trpc/training.attendance.checkIn';
const ids = TRAINEE_IDS.split(',').map(Number);
const sends = [...ids, ...ids].sort(() => Math.random() - 0.5);
const statuses = { checked_in: 0, already_checked_in: 0, failed: 0 };
let next = 0;
async function worker() {
  while (next < sends.length) {
    const traineeId = sends[next++];
    try {
      const res = await fetch(`${ORIGIN}${TARGET_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN, cookie: COOKIE },
        body: JSON.stringify({ sessionId: Number(SESSION_ID), traineeId }),
      });
      const body = await res.json();
      if (res.ok && body.result) statuses[body.result.data.status]++;
      else statuses.failed++;
    } catch {
      statuses.failed++;
    }
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(CONCURRENCY) }, worker));
console.log(JSON.stringify({ requests: sends.length, seconds: (performance.now() - t0) / 1000, statuses }));
