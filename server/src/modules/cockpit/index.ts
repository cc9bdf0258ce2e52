import { defineModule } from '../module';
import { cockpitRouter } from './cockpit.router';

/** 驾驶舱 and the role homes: where the county stands against its targets, and each role's day. */
export const cockpitModule = defineModule({ name: 'cockpit', router: cockpitRouter });
