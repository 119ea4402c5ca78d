export const id = 819;
export const ids = [819];
export const modules = {

/***/ 9819:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ec2Client: () => (/* binding */ ec2Client),
/* harmony export */   tagImage: () => (/* binding */ tagImage),
/* harmony export */   waitForInstances: () => (/* binding */ waitForInstances)
/* harmony export */ });
/* unused harmony export imageTags */
/* harmony import */ var _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5193);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3904);
/* harmony import */ var _validate_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1850);
/**
 * EC2 access shared by the stages. Endpoints come from the SDK's standard environment variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2), which is also how tests reach the local sandbox.
 */



/** An image's tags as a plain object. */
function imageTags(img) {
    return Object.fromEntries((img?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}
function ec2Client(region) {
    return new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .EC2Client */ .gu5({ region, maxAttempts: 5 });
}
/** Tag an AMI (and check it exists first, so a wrong id is a clear error, not a partial change). */
async function tagImage(client, amiId, tags) {
    let images;
    try {
        images = await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .DescribeImagesCommand */ .ji5({ ImageIds: [amiId] }));
    }
    catch (e) {
        const name = e.name ?? '';
        if (/InvalidAMIID/.test(name)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('ami-id', `${amiId} does not exist in this account/region (${name}).`, 'check ami-id and aws-region.');
        }
        throw e;
    }
    if (!images.Images?.length) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('ami-id', `${amiId} was not found in this account/region.`, 'check ami-id and aws-region.');
    }
    await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .CreateTagsCommand */ .RmG({
        Resources: [amiId],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }));
}
/**
 * Wait until every instance is running with system and instance status checks `ok`, logging
 * progress, bounded by `deadline` (ms since epoch). Throws naming the instances that are not ready.
 */
async function waitForInstances(client, ids, deadline, io, signal) {
    const { DescribeInstanceStatusCommand } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
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


/***/ })

};
