export const id = 784;
export const ids = [784,819];
export const modules = {

/***/ 3784:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   goldenImagesOf: () => (/* binding */ goldenImagesOf),
/* harmony export */   resolveSourceAmi: () => (/* binding */ resolveSourceAmi)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5193);
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4736);
/* harmony import */ var _shared_src_aws_ec2_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9819);
/* harmony import */ var _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9072);
/* harmony import */ var _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3904);
/**
 * The AWS side of the fingerprint: the source AMI resolved with the SDK (an id checked, an SSM
 * parameter read, a source_ami_filter's newest match), and the golden images of the template.
 */





const inputOf = (spec) => (spec.from === 'input source-ami' ? 'source-ami' : 'template');
async function resolveSourceAmi(ec2, ssm, spec) {
    if (spec.kind === 'ssm') {
        try {
            const r = await ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .GetParameterCommand */ .lhy({ Name: spec.name }));
            const v = r.Parameter?.Value ?? '';
            if (!/^ami-[0-9a-f]{8,17}$/.test(v))
                throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(inputOf(spec), `SSM parameter ${spec.name} holds "${v.slice(0, 40)}", not an AMI id.`, 'name a parameter whose value is an AMI id.');
            // the image it names must exist too: Packer would otherwise start and fail on it
            if (!(await (0,_shared_src_aws_ec2_js__WEBPACK_IMPORTED_MODULE_0__.describeImage)(ec2, v)))
                throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(inputOf(spec), `SSM parameter ${spec.name} names ${v}, which does not exist or is not visible to this account here.`, 'update the parameter, or check aws-region.');
            return v;
        }
        catch (e) {
            if (e instanceof _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz)
                throw e;
            if ((0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .isAwsError */ .m_)(e, 'ParameterNotFound'))
                throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(inputOf(spec), `SSM parameter ${spec.name} does not exist in this region.`, 'check the name (public ones start with /aws/service/) and aws-region.');
            throw new Error(`Reading SSM parameter ${spec.name} failed: ${(0,_shared_src_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(e)}`);
        }
    }
    if (spec.kind === 'id') {
        if (await (0,_shared_src_aws_ec2_js__WEBPACK_IMPORTED_MODULE_0__.describeImage)(ec2, spec.id))
            return spec.id;
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(inputOf(spec), `source AMI ${spec.id} (${spec.from}) does not exist or is not visible to this account here.`, 'check the AMI id and aws-region.');
    }
    const r = await ec2.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_4__/* .DescribeImagesCommand */ .ji5({
        ...(spec.owners.length ? { Owners: spec.owners } : {}),
        Filters: Object.entries(spec.filters).map(([Name, v]) => ({ Name, Values: [v] })),
    }));
    const newest = (r.Images ?? [])
        .filter((i) => i.State === undefined || i.State === 'available')
        .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
    if (!newest?.ImageId)
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('template', `source_ami_filter matches no image (${JSON.stringify(spec.filters)}, owners ${spec.owners.join(', ') || 'any'}).`, 'check the filter and aws-region.');
    return newest.ImageId;
}
/** Available golden images of a template (tag ami-bakery:template), newest first. */
async function goldenImagesOf(ec2, template) {
    const golden = await (0,_shared_src_aws_ec2_js__WEBPACK_IMPORTED_MODULE_0__/* .describeOwnImages */ .Cp)(ec2, { [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.status]: 'golden', [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.template]: template });
    return golden
        .filter((i) => i.State === 'available')
        .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
}


/***/ }),

/***/ 9819:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cp: () => (/* binding */ describeOwnImages),
/* harmony export */   describeImage: () => (/* binding */ describeImage),
/* harmony export */   ec2Client: () => (/* binding */ ec2Client),
/* harmony export */   ssmClient: () => (/* binding */ ssmClient),
/* harmony export */   tagImages: () => (/* binding */ tagImages)
/* harmony export */ });
/* unused harmony exports autoScalingClient, stsClient */
/* harmony import */ var _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5193);
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4736);
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
    return new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .SSMClient */ .jBj(config(region, opts));
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
