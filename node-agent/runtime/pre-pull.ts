import type { Logger } from '../../common/log/log.js';
import type { PodRuntime } from './pod-runtime.js';

/**
 * Pulls, in the background, images a node will surely need soon and does not have yet (the function runtime),
 * so that the first instance started here does not wait for a pull. A failure only logs: the pod controller
 * pulls again when a pod needs the image, with its own back-off and events.
 */
export async function prePullImages(runtime: Pick<PodRuntime, 'hasImage' | 'pullImage'>, images: readonly string[], log: Logger): Promise<void> {
  for (const image of images) {
    try {
      if (await runtime.hasImage(image)) continue;
      const started = Date.now();
      await runtime.pullImage(image);
      log.info({ image, ms: Date.now() - started }, 'pulled an image ahead of the first pod that needs it');
    } catch (err) {
      log.warn({ image, err: (err as Error).message }, 'could not pull an image ahead of time; the first pod that needs it pulls it');
    }
  }
}
