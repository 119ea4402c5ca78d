/** The ami-bakery version reported in SARIF and tags (kept in step with package.json by a test). */
export const VERSION = '0.1.0';
