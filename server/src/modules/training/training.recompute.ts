import { enqueueBestEffort } from '../../jobs/enqueue';
import type { ServiceDeps } from '../service-context';

/** Person-times follow check-ins within seconds; a burst of a whole class makes one recompute. */
export function enqueueTrainingRecompute(deps: Pick<ServiceDeps, 'queue' | 'log'>): Promise<void> {
  return enqueueBestEffort(deps, 'training.recompute', {}, { delayMs: 5000 });
}
