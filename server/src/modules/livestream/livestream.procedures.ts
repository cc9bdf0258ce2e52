import { roleProcedure } from '../../trpc/trpc';

/** Who works with livestreaming: the bureau, and base managers within their bases (narrowed in the services). */
export const livestreamStaff = roleProcedure('admin', 'staff', 'livestream_manager');
