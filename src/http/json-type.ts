/** `application/json`, or any `application/<something>+json` (problem+json, jrd+json), with parameters or not. */
const jsonType = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** Whether a Content-Type header says JSON: what Byline requires before reading an upstream answer as JSON. */
export function isJsonType(contentType: string | null): boolean {
  return jsonType.test(contentType ?? '');
}
