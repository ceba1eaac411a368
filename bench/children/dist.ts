/**
 * Loads one of Byline's built modules (dist/, from `npm run build`), typed by its source: the
 * benchmark measures the code that ships, not a TypeScript loader's output.
 */
export async function fromDist<T>(path: string): Promise<T> {
  return (await import(new URL(`../../dist/${path}`, import.meta.url).href)) as T;
}
