export const id = 648;
export const ids = [648];
export const modules = {

/***/ 60648:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   inspectorFindings: () => (/* binding */ inspectorFindings),
/* harmony export */   scanSbom: () => (/* binding */ scanSbom)
/* harmony export */ });
/* unused harmony exports SCAN_SBOM_MAX_COMPONENTS, checkSbomForScan, waitForCoverage, listFindingsOfAmi */
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(58500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _aws_sdk_credential_provider_node__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5861);
/* harmony import */ var _smithy_core_checksum__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(99542);
/* harmony import */ var _smithy_core_retry__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(23609);
/* harmony import */ var _smithy_core_transport__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(34534);
/* harmony import */ var _smithy_node_http_handler__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(61279);
/* harmony import */ var _smithy_signature_v4__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(75118);
/* harmony import */ var _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(33904);
/* harmony import */ var _formats_inspector_scan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(79788);
/* harmony import */ var _formats_inspector2_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(52561);
/* harmony import */ var _vulns_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(14900);
/**
 * Amazon Inspector's APIs, the I/O half of the vulnerability sources (input vulnerabilities):
 *   - Inspector Scan ScanSbom: the image's SBOM (CycloneDX 1.5) in, vulnerabilities out, with no
 *     managed scan. The SDK has no client for it here (no @aws-sdk/client-inspector-scan in the
 *     registry this project uses), so it is one REST call signed with the SDK's own SigV4 signer,
 *     sent with its HTTP handler and retried by its standard retry strategy;
 *   - Inspector2 ListFindings for the AMI (@aws-sdk/client-inspector2, its paginator), after
 *     ListCoverage shows Inspector has scanned an instance of it: findings of an image it never
 *     looked at are no evidence, so no coverage within the timeout fails closed.
 * Endpoints follow the SDK's AWS_ENDPOINT_URL_INSPECTOR_SCAN / AWS_ENDPOINT_URL_INSPECTOR2 / AWS_ENDPOINT_URL.
 */











/** What ScanSbom takes (Inspector Scan API reference, and ../shared/NOTES.md): at most 5,000 components. */
const SCAN_SBOM_MAX_COMPONENTS = 5000;
/** Foreign text from an AWS error, for a log line: one line, cut, no control characters. */
const said = (s) => String(s ?? '')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .slice(0, 300);
function scanEndpoint(env, region) {
    const given = env.AWS_ENDPOINT_URL_INSPECTOR_SCAN || env.AWS_ENDPOINT_URL;
    return new URL(given || `https://inspector-scan.${region}.amazonaws.com`);
}
/** The SBOM sent to ScanSbom, checked before the call: CycloneDX JSON within Inspector's limit. */
function checkSbomForScan(json) {
    const doc = JSON.parse(json);
    if (doc.bomFormat !== 'CycloneDX' || doc.specVersion !== '1.5')
        throw new _vulns_js__WEBPACK_IMPORTED_MODULE_4__/* .InspectorError */ .WS('inspector-scan: ScanSbom takes a CycloneDX 1.5 SBOM; this one is not.');
    const components = doc.components?.length ?? 0;
    if (components > SCAN_SBOM_MAX_COMPONENTS)
        throw new _vulns_js__WEBPACK_IMPORTED_MODULE_4__/* .InspectorError */ .WS(`inspector-scan: the image's SBOM lists ${components} components; ScanSbom takes at most ${SCAN_SBOM_MAX_COMPONENTS}. Use inspector2 (ListFindings of a scanned test instance) instead.`);
    return { components };
}
async function readBody(body) {
    if (!body)
        return '';
    const chunks = [];
    for await (const c of body)
        chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(chunks).toString('utf8');
}
/** ScanSbom of the image's SBOM: one result set of its vulnerabilities. */
async function scanSbom(io, sbomJson, region, signal) {
    const { components } = checkSbomForScan(sbomJson);
    const url = scanEndpoint(io.env, region);
    const body = JSON.stringify({ sbom: JSON.parse(sbomJson), outputFormat: 'CYCLONE_DX_1_5' });
    const signer = new _smithy_signature_v4__WEBPACK_IMPORTED_MODULE_5__.SignatureV4({
        credentials: (0,_aws_sdk_credential_provider_node__WEBPACK_IMPORTED_MODULE_6__.defaultProvider)(),
        region,
        service: 'inspector-scan',
        sha256: _smithy_core_checksum__WEBPACK_IMPORTED_MODULE_7__.Sha256,
    });
    const handler = new _smithy_node_http_handler__WEBPACK_IMPORTED_MODULE_8__.NodeHttpHandler({ requestTimeout: 120_000, connectionTimeout: 10_000 });
    const retry = new _smithy_core_retry__WEBPACK_IMPORTED_MODULE_9__.StandardRetryStrategy(3);
    let token = await retry.acquireInitialRetryToken('inspector-scan');
    const source = 'inspector-scan ScanSbom';
    io.info(`Inspector Scan: sending the image's SBOM (${components} components) to ScanSbom in ${region}`);
    try {
        for (;;) {
            const request = new _smithy_core_transport__WEBPACK_IMPORTED_MODULE_10__.HttpRequest({
                method: 'POST',
                protocol: url.protocol,
                hostname: url.hostname,
                ...(url.port ? { port: Number(url.port) } : {}),
                path: `${url.pathname.replace(/\/$/, '')}/scan/sbom`,
                headers: { 'content-type': 'application/json', host: url.host },
                body,
            });
            let status = 0;
            let text = '';
            let errorType = '';
            let failure;
            try {
                const signed = await signer.sign(request);
                const { response } = await handler.handle(signed, { abortSignal: signal });
                status = response.statusCode;
                text = await readBody(response.body);
                errorType = String(response.headers['x-amzn-errortype'] ?? '').split(':')[0];
            }
            catch (e) {
                if (signal?.aborted)
                    throw e;
                status = -1;
                text = e.message;
                failure = e;
            }
            if (status === 200) {
                const set = {
                    engine: 'inspector2',
                    source,
                    profile: 'inspector-scan sbom',
                    findings: [],
                    vulnerabilities: (0,_formats_inspector_scan_js__WEBPACK_IMPORTED_MODULE_2__/* .vulnerabilitiesFromBom */ .hs)(JSON.parse(text), source),
                };
                retry.recordSuccess(token);
                io.info(`Inspector Scan: ${set.vulnerabilities.length} vulnerability(ies) in the image's SBOM`);
                return set;
            }
            const message = (() => {
                try {
                    return said(JSON.parse(text).message ?? text);
                }
                catch {
                    return said(text);
                }
            })();
            // the SDK's own classification of what is worth retrying (its retry middleware's)
            const error = (failure ?? {
                name: errorType,
                message,
                $metadata: { httpStatusCode: status },
            });
            const kind = (0,_smithy_core_retry__WEBPACK_IMPORTED_MODULE_9__.isThrottlingError)(error)
                ? 'THROTTLING'
                : (0,_smithy_core_retry__WEBPACK_IMPORTED_MODULE_9__.isTransientError)(error)
                    ? 'TRANSIENT'
                    : (0,_smithy_core_retry__WEBPACK_IMPORTED_MODULE_9__.isServerError)(error)
                        ? 'SERVER_ERROR'
                        : undefined;
            if (!kind)
                throw new _vulns_js__WEBPACK_IMPORTED_MODULE_4__/* .InspectorError */ .WS(`inspector-scan: ScanSbom refused the SBOM (HTTP ${status}${errorType ? ` ${said(errorType)}` : ''}): ${message}`);
            try {
                token = await retry.refreshRetryTokenForRetry(token, { errorType: kind });
            }
            catch {
                throw new _vulns_js__WEBPACK_IMPORTED_MODULE_4__/* .InspectorError */ .WS(`inspector-scan: ScanSbom failed after retries (${status === -1 ? 'no answer' : `HTTP ${status}`}): ${message}`);
            }
            io.info(`Inspector Scan: ${kind.toLowerCase()} (${status === -1 ? message : `HTTP ${status}`}); retrying in ${token.getRetryDelay()} ms`);
            await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(token.getRetryDelay(), undefined, { signal });
        }
    }
    finally {
        handler.destroy();
    }
}
/**
 * Waits until Inspector has scanned an EC2 instance of the AMI (ListCoverage: ACTIVE, with a last
 * scan time), polling with backoff until `timeoutMs`. An instance Inspector says it cannot scan
 * (INACTIVE: unmanaged, no inventory, …) ends the wait at once, with its reason.
 */
async function waitForCoverage(io, client, amiId, timeoutMs, signal) {
    const { paginateListCoverage } = await __webpack_require__.e(/* import() */ 222).then(__webpack_require__.t.bind(__webpack_require__, 63222, 19));
    const deadline = Date.now() + timeoutMs;
    let wait = 1000;
    for (;;) {
        const covered = [];
        for await (const page of paginateListCoverage({ client, pageSize: 200 }, { filterCriteria: { resourceType: [{ comparison: 'EQUALS', value: 'AWS_EC2_INSTANCE' }] } }))
            covered.push(...(page.coveredResources ?? []));
        const ofAmi = covered.filter((r) => r.resourceMetadata?.ec2?.amiId === amiId);
        const scanned = ofAmi.filter((r) => r.scanStatus?.statusCode === 'ACTIVE' && r.lastScannedAt);
        if (scanned.length) {
            io.info(`Inspector2: ${scanned.length} instance(s) of ${amiId} scanned (${scanned.map((r) => said(r.resourceId)).join(', ')}; last at ${scanned
                .map((r) => r.lastScannedAt.toISOString())
                .sort()
                .at(-1)})`);
            return;
        }
        const state = (r) => `${said(r.resourceId)}: ${said(r.scanStatus?.statusCode)} ${said(r.scanStatus?.reason)}`.trim();
        const inactive = ofAmi.filter((r) => r.scanStatus?.statusCode === 'INACTIVE');
        if (inactive.length && inactive.length === ofAmi.length)
            throw new _vulns_js__WEBPACK_IMPORTED_MODULE_4__/* .InspectorError */ .WS(`inspector2: Inspector cannot scan the instance(s) of ${amiId} (${inactive.map(state).join('; ')}). Nothing it says covers the image, so nothing is passed: check Inspector's EC2 scanning and that the test instance is managed by SSM.`);
        const why = ofAmi.length ? ofAmi.map(state).join('; ') : `no instance of ${amiId} is covered yet`;
        if (Date.now() + wait > deadline)
            throw new _vulns_js__WEBPACK_IMPORTED_MODULE_4__/* .InspectorError */ .WS(`inspector2: Inspector has not scanned an instance of ${amiId} within ${Math.round(timeoutMs / 60_000)} min (${why}). Its findings would say nothing of the image, so nothing is passed: check that Inspector's EC2 scanning is on and the test instance is managed by SSM.`);
        io.info(`Inspector2: waiting for coverage (${why}); again in ${Math.round(wait / 1000)} s`);
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(wait, undefined, { signal });
        wait = Math.min(wait * 2, 30_000);
    }
}
/** Every finding (any status) of EC2 instances of the AMI, through the SDK's paginator. */
async function listFindingsOfAmi(client, amiId, signal) {
    const { paginateListFindings } = await __webpack_require__.e(/* import() */ 222).then(__webpack_require__.t.bind(__webpack_require__, 63222, 19));
    const source = 'inspector2 ListFindings';
    const list = [];
    for await (const page of paginateListFindings({ client, pageSize: 100 }, { filterCriteria: { ec2InstanceImageId: [{ comparison: 'EQUALS', value: amiId }] } })) {
        if (signal?.aborted)
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG('inspector2: cancelled');
        list.push(...(page.findings ?? []));
    }
    return {
        engine: 'inspector2',
        source,
        profile: 'inspector2 findings',
        findings: [],
        vulnerabilities: list.map((x) => (0,_formats_inspector2_js__WEBPACK_IMPORTED_MODULE_3__/* .vulnerabilityOf */ .uu)(x, source)),
        target: amiId,
    };
}
/** Inspector2's findings for the AMI, once its coverage shows an instance of it scanned. */
async function inspectorFindings(io, amiId, region, timeoutMs, signal) {
    const { Inspector2Client } = await __webpack_require__.e(/* import() */ 222).then(__webpack_require__.t.bind(__webpack_require__, 63222, 19));
    const client = new Inspector2Client({ region });
    try {
        await waitForCoverage(io, client, amiId, timeoutMs, signal);
        const set = await listFindingsOfAmi(client, amiId, signal);
        io.info(`Inspector2: ${set.vulnerabilities.length} finding(s) for instances of ${amiId}`);
        return set;
    }
    catch (e) {
        if (e instanceof _vulns_js__WEBPACK_IMPORTED_MODULE_4__/* .InspectorError */ .WS || signal?.aborted)
            throw e;
        const err = e;
        throw new _vulns_js__WEBPACK_IMPORTED_MODULE_4__/* .InspectorError */ .WS(`inspector2: ${said(err.name)}: ${said(err.message)}`);
    }
    finally {
        client.destroy();
    }
}


/***/ })

};
