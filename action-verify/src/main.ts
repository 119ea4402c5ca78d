import '../../shared/src/esm-shim.js';
import * as core from '@actions/core';
import { runAction } from '../../shared/src/action.js';
import { runVerify, runVerifyPost } from './verify.js';

// The same bundle is the main step and the post step (post-if: always()).
if (core.getState('isPost') === 'true') {
  await runAction((io) => runVerifyPost(io));
} else {
  core.saveState('isPost', 'true');
  await runAction((io, signal) => runVerify(io, signal), { postStep: true });
}
