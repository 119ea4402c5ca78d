export const id = 819;
export const ids = [819];
export const modules = {

/***/ 9819:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   describeImage: () => (/* binding */ describeImage),
/* harmony export */   ec2Client: () => (/* binding */ ec2Client),
/* harmony export */   tagImages: () => (/* binding */ tagImages)
/* harmony export */ });
/* unused harmony exports ssmClient, autoScalingClient, stsClient, describeOwnImages */
/* harmony import */ var _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5193);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3904);
/* harmony import */ var _tags_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9072);
/**
 * The AWS clients every stage uses, made in one place. Endpoints come from the SDK's standard
 * environment variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, ..._STS, ..._SSM), which is also how
 * tests reach the local sandbox.
 */






function config(region, opts = {}) {
    const retry = opts.retry === 'fanout' ? { retryMode: 'adaptive', maxAttempts: 20 } : { maxAttempts: 5 };
    return { region, ...(opts.credentials ? { credentials: opts.credentials } : {}), ...retry };
}
function ec2Client(region, opts) {
    return new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .EC2Client */ .gu5(config(region, opts));
}
function ssmClient(region, opts) {
    return new SSMClient(config(region, opts));
}
function autoScalingClient(region, opts) {
    return new AutoScalingClient(config(region, opts));
}
function stsClient(region, opts) {
    return new STSClient(config(region, opts));
}
/**
 * Tag images (and their snapshots, when given among `ids`). With `mustExist` (the input that named
 * the image), the first id is checked first, so a wrong id is a clear error naming that input, not a partial change.
 */
async function tagImages(client, ids, tags, opts = {}) {
    if (!ids.length)
        return;
    const input = opts.mustExist;
    if (input) {
        const hint = `check ${input} and aws-region.`;
        let found;
        try {
            found = Boolean((await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .DescribeImagesCommand */ .ji5({ ImageIds: [ids[0]] }))).Images?.length);
        }
        catch (e) {
            if (!(0,_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .isAwsError */ .m_)(e, /InvalidAMIID/))
                throw e;
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `${ids[0]} does not exist in this account/region (${e.name}).`, hint);
        }
        if (!found)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `${ids[0]} was not found in this account/region.`, hint);
    }
    await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .CreateTagsCommand */ .RmG({ Resources: ids, Tags: (0,_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .toAwsTags */ .Ez)(tags) }));
}
/** One image by id; undefined when EC2 does not know it (InvalidAMIID). */
async function describeImage(ec2, imageId) {
    try {
        return (await ec2.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .DescribeImagesCommand */ .ji5({ ImageIds: [imageId] }))).Images?.[0];
    }
    catch (e) {
        if (!(0,_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .isAwsError */ .m_)(e, /InvalidAMIID/))
            throw e;
        return undefined;
    }
}
/** This account's images (`Owners: self`, not deregistered) with the given tags. */
async function describeOwnImages(ec2, 
/** tag → value, or values (any of them) */
filters) {
    const r = await ec2.send(new DescribeImagesCommand({
        Owners: ['self'],
        Filters: Object.entries(filters).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v].flat() })),
    }));
    return (r.Images ?? []).filter((i) => i.State !== 'deregistered');
}


/***/ })

};
