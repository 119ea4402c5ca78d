export const id = 15;
export const ids = [15,819];
export const modules = {

/***/ 43015:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   familyGoldenImages: () => (/* binding */ familyGoldenImages),
/* harmony export */   findImagesInUse: () => (/* binding */ findImagesInUse)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(35193);
/* harmony import */ var _shared_src_aws_ec2_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(39819);
/* harmony import */ var _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29072);
/** EC2 side of the in-use re-scan: which AMIs running instances use, described with their tags. */



async function findImagesInUse(client, region) {
    const counts = new Map();
    const running = new Map();
    for await (const page of (0,_aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .paginateDescribeInstances */ .H0T)({ client }, { Filters: [{ Name: 'instance-state-name', Values: ['running'] }] })) {
        for (const r of page.Reservations ?? [])
            for (const i of r.Instances ?? []) {
                if (!i.ImageId)
                    continue;
                counts.set(i.ImageId, (counts.get(i.ImageId) ?? 0) + 1);
                const list = running.get(i.ImageId) ?? [];
                list.push({
                    account: r.OwnerId,
                    region,
                    instanceId: i.InstanceId ?? '',
                    name: i.Tags?.find((t) => t.Key === 'Name')?.Value,
                    launchTime: i.LaunchTime?.toISOString(),
                });
                running.set(i.ImageId, list);
            }
    }
    const ids = [...counts.keys()].sort();
    const described = new Map();
    for (let k = 0; k < ids.length; k += 100) {
        const chunk = ids.slice(k, k + 100);
        try {
            const r = await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .DescribeImagesCommand */ .ji5({ ImageIds: chunk }));
            for (const img of r.Images ?? [])
                if (img.ImageId)
                    described.set(img.ImageId, img);
        }
        catch (e) {
            if (!(0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .isAwsError */ .m_)(e, /InvalidAMIID/))
                throw e;
            // One unknown id fails the whole call: describe them one by one.
            for (const id of chunk) {
                try {
                    const img = (await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .DescribeImagesCommand */ .ji5({ ImageIds: [id] }))).Images?.[0];
                    if (img)
                        described.set(id, img);
                }
                catch (e2) {
                    if (!(0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .isAwsError */ .m_)(e2, /InvalidAMIID/))
                        throw e2;
                }
            }
        }
    }
    return ids.map((imageId) => {
        const img = described.get(imageId);
        return {
            region,
            imageId,
            name: img?.Name,
            creationDate: img?.CreationDate,
            tags: (0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .imageTags */ .rK)(img),
            instances: counts.get(imageId) ?? 0,
            instanceList: running.get(imageId) ?? [],
            known: Boolean(img),
        };
    });
}
/**
 * The family's earlier golden images in this account and region, for the score trend: the scanned
 * image's `ami-bakery:family` tag (a promoted copy), else its `ami-bakery:template` (a baked image).
 */
async function familyGoldenImages(client, amiId) {
    const r = await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .DescribeImagesCommand */ .ji5({ ImageIds: [amiId] }));
    const tags = (0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .imageTags */ .rK)(r.Images?.[0]);
    const key = tags[_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.family] ? _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.family : tags[_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.template] ? _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.template : undefined;
    if (!key)
        return { images: [] };
    const images = await (0,_shared_src_aws_ec2_js__WEBPACK_IMPORTED_MODULE_0__/* .describeOwnImages */ .Cp)(client, { [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.status]: 'golden', [key]: tags[key] });
    return { family: `${key}=${tags[key]}`, images };
}


/***/ }),

/***/ 39819:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cp: () => (/* binding */ describeOwnImages),
/* harmony export */   describeImage: () => (/* binding */ describeImage),
/* harmony export */   ec2Client: () => (/* binding */ ec2Client),
/* harmony export */   tagImages: () => (/* binding */ tagImages)
/* harmony export */ });
/* unused harmony exports ssmClient, autoScalingClient, stsClient */
/* harmony import */ var _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(35193);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33904);
/* harmony import */ var _tags_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29072);
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
    const r = await ec2.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__/* .DescribeImagesCommand */ .ji5({
        Owners: ['self'],
        Filters: Object.entries(filters).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v].flat() })),
    }));
    return (r.Images ?? []).filter((i) => i.State !== 'deregistered');
}


/***/ })

};
