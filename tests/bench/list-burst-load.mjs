// The hammering side of bench:login-under-load, in a process of its own: CONCURRENCY list requests
// at a time for SECONDS, spread over the given sessions (each from its own address), each sent
// again the moment it is answered; half are the host list sorted by last stream, half the trainee
// list. Prints what came back as JSON.
// Input (env): ORIGIN, COOKIES and ADDRESSES (comma-separated, one per session), CONCURRENCY, SECONDS.
const { ORIGIN, COOKIES, ADDRESSES, CONCURRENCY, SECONDS } = process.env;
const cookies = COOKIES.split(',');
const addresses = ADDRESSES.split(',');
const lists = [
  ['livestream.hosts.list', { page: 1, pageSize: 20, sort: { key: 'lastStream', order: 'desc' } }],
  ['training.trainees.list', { page: 1, pageSize: 20 }],
];
const answers = {};
let sent = 0;
const end = performance.now() + Number(SECONDS) * 1000;

async function worker(n) {
  const cookie = cookies[n % cookies.length];
  const address = addresses[n % addresses.length];
  for (let i = n; performance.now() < end; i++) {
    const [path, input] = lists[i % lists.length];
    const page = 1 + (i % 3);
    sent++;
    let key;
    try {
      const res = await fetch(`${ORIGIN}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ ...input, page }))}`, {
        headers: { cookie, 'x-forwarded-for': address },
      });
      const body = await res.json();
      key = res.ok ? 'ok' : `${res.status} ${body.error?.data?.appCode ?? '?'}`;
    } catch (err) {
      key = `network ${err.cause?.code ?? err.message}`;
    }
    answers[key] = (answers[key] ?? 0) + 1;
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(CONCURRENCY) }, (_, n) => worker(n)));
console.log(JSON.stringify({ sent, seconds: (performance.now() - t0) / 1000, answers }));
