export const id = 784;
export const ids = [784];
export const modules = {

/***/ 3784:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   goldenImagesOf: () => (/* binding */ goldenImagesOf),
/* harmony export */   resolveSourceAmi: () => (/* binding */ resolveSourceAmi)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5193);
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4736);
/* harmony import */ var _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9072);
/* harmony import */ var _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3904);
/**
 * The AWS side of the fingerprint: the source AMI resolved with the SDK (an id checked, an SSM
 * parameter read, a source_ami_filter's newest match), and the golden images of the template.
 */




const inputOf = (spec) => (spec.from === 'input source-ami' ? 'source-ami' : 'template');
async function resolveSourceAmi(ec2, ssm, spec) {
    if (spec.kind === 'ssm') {
        try {
            const r = await ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_2__/* .GetParameterCommand */ .lhy({ Name: spec.name }));
            const v = r.Parameter?.Value ?? '';
            if (!/^ami-[0-9a-f]{8,17}$/.test(v))
                throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(inputOf(spec), `SSM parameter ${spec.name} holds "${v}", not an AMI id.`, 'name a parameter whose value is an AMI id.');
            return v;
        }
        catch (e) {
            if (e instanceof _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz)
                throw e;
            if ((0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .isAwsError */ .m_)(e, 'ParameterNotFound'))
                throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(inputOf(spec), `SSM parameter ${spec.name} does not exist in this region.`, 'check the name (public ones start with /aws/service/) and aws-region.');
            throw new Error(`Reading SSM parameter ${spec.name} failed: ${(0,_shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(e)}`);
        }
    }
    if (spec.kind === 'id') {
        try {
            const r = await ec2.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_3__/* .DescribeImagesCommand */ .ji5({ ImageIds: [spec.id] }));
            if (r.Images?.length)
                return spec.id;
        }
        catch (e) {
            if (!(0,_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .isAwsError */ .m_)(e, /^InvalidAMIID/))
                throw e;
        }
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(inputOf(spec), `source AMI ${spec.id} (${spec.from}) does not exist or is not visible to this account here.`, 'check the AMI id and aws-region.');
    }
    const r = await ec2.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_3__/* .DescribeImagesCommand */ .ji5({
        ...(spec.owners.length ? { Owners: spec.owners } : {}),
        Filters: Object.entries(spec.filters).map(([Name, v]) => ({ Name, Values: [v] })),
    }));
    const newest = (r.Images ?? [])
        .filter((i) => i.State === undefined || i.State === 'available')
        .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
    if (!newest?.ImageId)
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('template', `source_ami_filter matches no image (${JSON.stringify(spec.filters)}, owners ${spec.owners.join(', ') || 'any'}).`, 'check the filter and aws-region.');
    return newest.ImageId;
}
/** Available golden images of a template (tag ami-bakery:template), newest first. */
async function goldenImagesOf(ec2, template) {
    const r = await ec2.send(new _aws_sdk_client_ec2__WEBPACK_IMPORTED_MODULE_3__/* .DescribeImagesCommand */ .ji5({
        Owners: ['self'],
        Filters: [
            { Name: `tag:${_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.status}`, Values: ['golden'] },
            { Name: `tag:${_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.template}`, Values: [template] },
            { Name: 'state', Values: ['available'] },
        ],
    }));
    return (r.Images ?? []).sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
}


/***/ })

};
