import '../../shared/src/esm-shim.js';
import * as core from '@actions/core';
import { runAction } from '../../shared/src/action.js';
import { runBake, runBakePost } from './bake.js';

// The same bundle is the main step and the post step (post-if: always()).
if (core.getState('isPost') === 'true') {
  await runAction((io) => runBakePost(io));
} else {
  core.saveState('isPost', 'true');
  await runAction((io, signal) => runBake(io, signal), { postStep: true });
}
