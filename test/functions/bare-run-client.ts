/**
 * Run inside a node's namespace by the functions bench, the cold-start baseline:
 * `node --import tsx bare-run-client.ts DOCKER_SOCKET IMAGE CODE_DIR PORT ROUNDS` starts the runtime image
 * ROUNDS times with a bare `docker run` on the node's pod network (the code bind-mounted, as for an instance),
 * and prints, as JSON, the ms from each create until the container answered its first request.
 */
import { request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import Docker from 'dockerode';

const [socketPath, image, code, port, rounds] = process.argv.slice(2) as [string, string, string, string, string];
const docker = new Docker({ socketPath });
const answers = (url: string) =>
  new Promise<boolean>((resolve) => {
    request(url, { timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    })
      .on('error', () => resolve(false))
      .on('timeout', function (this: { destroy(): void }) {
        this.destroy();
      })
      .end();
  });

const out: number[] = [];
for (let i = 0; i < Number(rounds); i++) {
  const t0 = performance.now();
  const c = await docker.createContainer({
    Image: image,
    Cmd: ['python3', '/opt/minik8s/runtime.py'],
    Env: ['MINIK8S_CODE_DIR=/code', `PORT=${port}`],
    HostConfig: { Binds: [`${code}:/code:ro`], NetworkMode: 'minik8s', AutoRemove: true },
  });
  await c.start();
  const ip = Object.values((await c.inspect()).NetworkSettings.Networks)[0]?.IPAddress;
  if (!ip) throw new Error('the baseline container got no address on the pod network');
  for (let tries = 0; !(await answers(`http://${ip}:${port}/`)); tries++) {
    if (tries > 3000) throw new Error(`the baseline container at ${ip} never answered`);
    await delay(5);
  }
  out.push(performance.now() - t0);
  await c.kill().catch(() => undefined);
}
process.stdout.write(JSON.stringify(out));
