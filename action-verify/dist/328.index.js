export const id = 328;
export const ids = [328];
export const modules = {

/***/ 5328:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   consoleOutput: () => (/* binding */ consoleOutput),
/* harmony export */   waitForInstances: () => (/* binding */ waitForInstances)
/* harmony export */ });
/**
 * Wait until every instance is running with system and instance status checks `ok`, logging
 * progress, bounded by `deadline` (ms since epoch). Throws naming the instances that are not ready.
 */
async function waitForInstances(client, ids, deadline, io, signal) {
    const { DescribeInstanceStatusCommand } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193)]).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
    let delay = 1000;
    let last = '';
    for (;;) {
        if (signal?.aborted)
            throw new Error('cancelled while waiting for the instances');
        const r = await client.send(new DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true }));
        const byId = new Map((r.InstanceStatuses ?? []).map((s) => [s.InstanceId ?? '', s]));
        const states = ids.map((id) => {
            const s = byId.get(id);
            const state = s?.InstanceState?.Name ?? 'unknown';
            return {
                id,
                state,
                system: s?.SystemStatus?.Status ?? 'unknown',
                instance: s?.InstanceStatus?.Status ?? 'unknown',
            };
        });
        const line = states
            .map((s) => `${s.id}: ${s.state}, system ${s.system}, instance ${s.instance}`)
            .join('; ');
        if (line !== last)
            io.info(line);
        last = line;
        const dead = states.find((s) => ['terminated', 'shutting-down', 'stopped', 'stopping'].includes(s.state));
        if (dead)
            throw new Error(`instance ${dead.id} is ${dead.state}: it will not pass its status checks`);
        if (states.every((s) => s.state === 'running' && s.system === 'ok' && s.instance === 'ok'))
            return;
        if (Date.now() + delay > deadline)
            throw new Error(`instances not ready before the timeout: ${line}`);
        await new Promise((res) => setTimeout(res, delay));
        delay = Math.min(delay * 2, 15_000);
    }
}
/** The instance's console output (GetConsoleOutput, the latest), decoded; '' when EC2 has none yet. */
async function consoleOutput(client, instanceId) {
    const { GetConsoleOutputCommand } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193)]).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
    const r = await client.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }));
    return r.Output ? Buffer.from(r.Output, 'base64').toString('utf8') : '';
}


/***/ })

};
