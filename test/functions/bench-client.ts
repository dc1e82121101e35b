/**
 * Run inside a node's namespace by the functions bench: `node --import tsx bench-client.ts COUNT URL...` calls each
 * URL COUNT times in turn over one kept-alive connection per URL and prints each URL's latencies (ms) as JSON.
 */
import { Agent, request } from 'node:http';

const [count, ...urls] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const call = (url: string) =>
  new Promise<number>((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
const out: Record<string, number[]> = Object.fromEntries(urls.map((u) => [u, []]));
for (const u of urls) await call(u); // warm up each path once
for (let i = 0; i < Number(count); i++) for (const u of urls) out[u]!.push(await call(u));
process.stdout.write(JSON.stringify(out));
agent.destroy();
