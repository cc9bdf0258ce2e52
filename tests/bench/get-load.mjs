// The load side of bench:cockpit, in a process of its own (as the bureau's browsers would be):
// CONCURRENCY users each send GET ORIGIN+TARGET again the moment it is answered, for SECONDS, and
// it prints the count, the rate and the latencies (p50, p95, p99, ms) as JSON.
// Input (env): ORIGIN, TARGET (path and query), COOKIE (may be empty), CONCURRENCY, SECONDS.
const { ORIGIN, TARGET, COOKIE, CONCURRENCY, SECONDS } = process.env;
const latencies = [];
const statuses = {};
const end = performance.now() + Number(SECONDS) * 1000;
async function user() {
  while (performance.now() < end) {
    const t = performance.now();
    let key;
    try {
      const res = await fetch(`${ORIGIN}${TARGET}`, { headers: { cookie: COOKIE ?? '', origin: ORIGIN } });
      const text = await res.text();
      key = res.ok ? String(res.status) : `${res.status} ${/"appCode":"([A-Z_]+)"/.exec(text)?.[1] ?? '?'}`;
    } catch (err) {
      key = `network ${err.cause?.code ?? err.message}`;
    }
    latencies.push(performance.now() - t);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(CONCURRENCY) }, user));
const seconds = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
console.log(JSON.stringify({ requests: latencies.length, seconds, rate: Math.round(latencies.length / seconds), p50: at(0.5), p95: at(0.95), p99: at(0.99), statuses }));
