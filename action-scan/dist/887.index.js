export const id = 887;
export const ids = [887];
export const modules = {

/***/ 3887:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   deadlineSignal: () => (/* binding */ deadlineSignal)
/* harmony export */ });
/**
 * A signal that aborts when `parent` does or when `ms` have passed. AbortSignal.timeout() holds its
 * timer weakly: once nothing else references the timeout signal (AbortSignal.any keeps only a weak
 * link to its sources), garbage collection can take it and the deadline never fires (seen on Node
 * 20 with --expose-gc, and by chance on 24). Here the timer is an ordinary one, held until `clear()`.
 */
function deadlineSignal(ms, parent) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException(`the deadline of ${ms} ms passed`, 'TimeoutError')), Math.max(1, ms));
    const onParent = () => controller.abort(parent?.reason);
    if (parent?.aborted)
        onParent();
    else
        parent?.addEventListener('abort', onParent, { once: true });
    return {
        signal: controller.signal,
        clear: () => {
            clearTimeout(timer);
            parent?.removeEventListener('abort', onParent);
        },
    };
}


/***/ })

};
