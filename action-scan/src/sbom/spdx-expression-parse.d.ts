// spdx-expression-parse (the parser CycloneDX's LicenseFactory suggests) ships no types: it throws
// on a string that is not an SPDX license expression, which is all the factory needs of it.
declare module 'spdx-expression-parse' {
  export default function parse(expression: string): unknown;
}
