import { defineModule } from '../module';
import { authDemo } from './auth.demo';
import { authJobs } from './auth.jobs';
import { authMessages } from './auth.messages';
import { authRouter } from './auth.router';

/** Sessions, passwords, users and their scopes. */
export const authModule = defineModule({ name: 'auth', router: authRouter, jobs: authJobs, messages: authMessages, seed: authDemo });
