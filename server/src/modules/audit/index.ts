import { defineModule } from '../module';
import { auditRouter } from './audit.router';

/** The audit log: who changed what, when. */
export const auditModule = defineModule({ name: 'audit', router: auditRouter });
