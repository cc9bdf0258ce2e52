import { roleProcedure } from '../../trpc/trpc';

/** Who works with livestreaming: the bureau, and base managers within their bases (narrowed in the services). */
export const livestreamStaff = roleProcedure('admin', 'staff', 'livestream_manager');

/** The bureau only: what touches trainee records (a host's link to the trainee they are; hosts.service.ts seesTrainees). */
export const livestreamBureau = roleProcedure('admin', 'staff');
