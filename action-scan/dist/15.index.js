export const id = 15;
export const ids = [15];
export const modules = {

/***/ 3015:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   familyGoldenImages: () => (/* binding */ familyGoldenImages),
/* harmony export */   findImagesInUse: () => (/* binding */ findImagesInUse)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5193);
/* harmony import */ var _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9072);
/** EC2 side of the in-use re-scan: which AMIs running instances use, described with their tags. */


async function findImagesInUse(client, region) {
    const counts = new Map();
    const running = new Map();
    for await (const page of (0,_aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_1__/* .paginateDescribeInstances */ .H0T)({ client }, { Filters: [{ Name: 'instance-state-name', Values: ['running'] }] })) {
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
            const r = await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_1__/* .DescribeImagesCommand */ .ji5({ ImageIds: chunk }));
            for (const img of r.Images ?? [])
                if (img.ImageId)
                    described.set(img.ImageId, img);
        }
        catch (e) {
            if (!(0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .isAwsError */ .m_)(e, /InvalidAMIID/))
                throw e;
            // One unknown id fails the whole call: describe them one by one.
            for (const id of chunk) {
                try {
                    const img = (await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_1__/* .DescribeImagesCommand */ .ji5({ ImageIds: [id] }))).Images?.[0];
                    if (img)
                        described.set(id, img);
                }
                catch (e2) {
                    if (!(0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .isAwsError */ .m_)(e2, /InvalidAMIID/))
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
            tags: (0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .imageTags */ .rK)(img),
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
    const r = await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_1__/* .DescribeImagesCommand */ .ji5({ ImageIds: [amiId] }));
    const tags = (0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .imageTags */ .rK)(r.Images?.[0]);
    const key = tags[_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.family] ? _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.family : tags[_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.template] ? _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.template : undefined;
    if (!key)
        return { images: [] };
    const found = await client.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_1__/* .DescribeImagesCommand */ .ji5({
        Owners: ['self'],
        Filters: [
            { Name: `tag:${_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.status}`, Values: ['golden'] },
            { Name: `tag:${key}`, Values: [tags[key]] },
        ],
    }));
    return { family: `${key}=${tags[key]}`, images: found.Images ?? [] };
}


/***/ })

};
