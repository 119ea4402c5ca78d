export const id = 197;
export const ids = [197];
export const modules = {

/***/ 8197:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ssh: () => (/* binding */ Ssh)
/* harmony export */ });
/* harmony import */ var ssh2__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5472);
/* harmony import */ var ssh2__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(ssh2__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1770);
/* harmony import */ var _ssh_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7594);
/**
 * SSH for the stages (scan's ssh:// target, verify's command checks): ssh2, key auth, host key
 * checked against known_hosts lines or SHA256 fingerprints, every remote command built from an
 * argv array and POSIX-quoted (the remote side is a shell; nothing is interpolated raw).
 */




class Ssh {
    conn;
    constructor(conn) {
        this.conn = conn;
    }
    static connect(t, o, io) {
        return new Promise((resolve, reject) => {
            const conn = new ssh2__WEBPACK_IMPORTED_MODULE_0__.Client();
            let rejectedKey = false;
            const cfg = {
                host: t.host,
                port: t.port,
                username: t.user,
                privateKey: o.privateKey,
                readyTimeout: o.readyTimeoutMs ?? 20_000,
                hostVerifier: (key) => {
                    if (!o.knownHosts)
                        return true;
                    const ok = (0,_ssh_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .hostKeyMatches */ .B)(o.knownHosts, key);
                    if (!ok)
                        rejectedKey = true;
                    return ok;
                },
            };
            if (!o.knownHosts)
                io.warning(`ssh-known-hosts is empty: the host key of ${t.host} is not verified.`);
            conn.once('ready', () => resolve(new Ssh(conn)));
            conn.once('error', (e) => reject(new Error(rejectedKey
                ? `the host key of ${t.host}:${t.port} does not match ssh-known-hosts`
                : `ssh to ${t.user}@${t.host}:${t.port} failed: ${e.message}`)));
            conn.connect(cfg);
        });
    }
    /** Run an argv on the remote host (each element quoted for the remote shell). */
    run(argv, timeoutMs = 60_000) {
        return this.runShell((0,_exec_js__WEBPACK_IMPORTED_MODULE_1__.shellJoin)(argv), timeoutMs);
    }
    /** Run a command line written by the user (a smoke-test `command`), as the remote shell reads it. */
    runShell(command, timeoutMs = 60_000) {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`remote command timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
            this.conn.exec(command, (err, stream) => {
                if (err) {
                    clearTimeout(timer);
                    reject(err);
                    return;
                }
                let stdout = '';
                let stderr = '';
                stream.on('data', (d) => {
                    stdout += d.toString('utf8');
                });
                stream.stderr.on('data', (d) => {
                    stderr = (stderr + d.toString('utf8')).slice(-64 * 1024);
                });
                stream.on('close', (code) => {
                    clearTimeout(timer);
                    resolve({ code: code ?? -1, stdout, stderr });
                });
            });
        });
    }
    sftp(op, local, remote) {
        return new Promise((resolve, reject) => {
            this.conn.sftp((err, sftp) => {
                if (err)
                    return reject(err);
                const done = (e) => {
                    sftp.end();
                    if (e)
                        reject(new Error(`sftp ${op} ${remote}: ${e.message}`));
                    else
                        resolve();
                };
                if (op === 'put')
                    sftp.fastPut(local, remote, done);
                else
                    sftp.fastGet(remote, local, done);
            });
        });
    }
    close() {
        this.conn.end();
    }
}


/***/ })

};
