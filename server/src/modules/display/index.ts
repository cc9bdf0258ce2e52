import { defineModule } from '../module';
import * as m0017 from './migrations/2026-12-05-0017-display-links';
import { displayMessages } from './display.messages';
import { displayRouter } from './display.router';

/** 数据大屏: the wall screen of the service centre, through revocable read-only links. */
export const displayModule = defineModule({
  name: 'display',
  router: displayRouter,
  messages: displayMessages,
  migrations: { '2026-12-05-0017-display-links': m0017 },
});
