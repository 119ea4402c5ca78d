export const id = 197;
export const ids = [197];
export const modules = {

/***/ 8197:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ssh: () => (/* binding */ Ssh)
/* harmony export */ });
/* unused harmony exports ACCEPT_ANY_HOST_KEY, NO_HOST_KEY_HINT */
/* harmony import */ var ssh2__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5472);
/* harmony import */ var ssh2__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(ssh2__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1770);
/* harmony import */ var _ssh_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7594);
/**
 * SSH for the stages (scan's ssh:// target, verify's command checks): ssh2, key auth, host key
 * checked against known_hosts lines or SHA256 fingerprints, every remote command built from an
 * argv array and POSIX-quoted (the remote side is a shell; nothing is interpolated raw).
 */




/** The one value of ssh-known-hosts that skips the host key check: explicit, and warned about. */
const ACCEPT_ANY_HOST_KEY = 'accept-any';
/** Why an empty ssh-known-hosts stops a connection, and what to give instead. */
const NO_HOST_KEY_HINT = `give known_hosts lines or SHA256 fingerprints (action-verify outputs the test instance's as host-keys), or ${ACCEPT_ANY_HOST_KEY} to skip the check (anyone on the path could answer as the host)`;
class Ssh {
    conn;
    constructor(conn) {
        this.conn = conn;
    }
    static connect(t, o, io) {
        return new Promise((resolve, reject) => {
            const known = o.knownHosts.trim();
            if (!known) {
                reject(new Error(`no host key to check ${t.host}:${t.port} against: ssh-known-hosts is empty; ${NO_HOST_KEY_HINT}`));
                return;
            }
            const any = known === ACCEPT_ANY_HOST_KEY;
            const conn = new ssh2__WEBPACK_IMPORTED_MODULE_0__.Client();
            let rejectedKey = false;
            const cfg = {
                host: t.host,
                port: t.port,
                username: t.user,
                privateKey: o.privateKey,
                readyTimeout: o.readyTimeoutMs ?? 20_000,
                hostVerifier: (key) => {
                    if (any)
                        return true;
                    const ok = (0,_ssh_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .hostKeyMatches */ .B)(known, key);
                    if (!ok)
                        rejectedKey = true;
                    return ok;
                },
            };
            if (any)
                io.warning(`ssh-known-hosts: ${ACCEPT_ANY_HOST_KEY}: the host key of ${t.host} is not verified; anyone on the path could answer as it.`);
            conn.once('ready', () => resolve(new Ssh(conn)));
            conn.once('error', (e) => reject(new Error(rejectedKey
                ? `the host key of ${t.host}:${t.port} does not match ssh-known-hosts`
                : `ssh to ${t.user}@${t.host}:${t.port} failed: ${e.message}`)));
            conn.connect(cfg);
        });
    }
    /**
     * Run an argv on the remote host (each element quoted for the remote shell). `pty`: on a
     * pseudo-terminal, as sudo needs under `Defaults requiretty` (hardened images set it: the
     * Debian ANSSI example does). A terminal carries both streams as one, so then stdout is the
     * whole output, carriage returns removed, and stderr its tail, for messages.
     */
    run(argv, timeoutMs = 60_000, o = {}) {
        return this.runShell((0,_exec_js__WEBPACK_IMPORTED_MODULE_1__.shellJoin)(argv), timeoutMs, o);
    }
    /** Run a command line written by the user (a smoke-test `command`), as the remote shell reads it. */
    runShell(command, timeoutMs = 60_000, o = {}) {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`remote command timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
            this.conn.exec(command, { pty: o.pty === true }, (err, stream) => {
                if (err && o.pty && /pseudo-terminal/i.test(err.message)) {
                    // a host that gives no terminal (no /dev/pts): the command as it is, without one
                    clearTimeout(timer);
                    resolve(this.runShell(command, timeoutMs));
                    return;
                }
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
                // a command killed by a signal has no exit code: sshd sends the signal's name instead
                stream.on('close', (code, signal) => {
                    clearTimeout(timer);
                    if (o.pty) {
                        stdout = stdout.replace(/\r\n?/g, '\n');
                        stderr = stdout.slice(-64 * 1024);
                    }
                    resolve({ code: code ?? -1, signal: code === null ? signal : undefined, stdout, stderr });
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
