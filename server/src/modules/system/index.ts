import { defineModule } from '../module';
import { systemRouter } from './system.router';

/** What the client needs before login: version, languages, home county. */
export const systemModule = defineModule({ name: 'system', router: systemRouter });
