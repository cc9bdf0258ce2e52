import { roleProcedure } from '../../trpc/trpc';

/** Who runs training: the bureau, and coordinators within their towns (narrowed in the service). */
export const trainingStaff = roleProcedure('admin', 'staff', 'training_coordinator');
