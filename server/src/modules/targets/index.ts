import { defineModule } from '../module';
import { targetsDemo } from './targets.demo';
import { targetsMessages } from './targets.messages';
import { targetsRouter } from './targets.router';

/** Yearly targets per region and metric. */
export const targetsModule = defineModule({ name: 'targets', router: targetsRouter, messages: targetsMessages, seed: targetsDemo });
