/**
 * Which endpoint a request hit, as a template: the method and the path without its query,
 * with segments that are identifiers (numbers, UUIDs, long hex) replaced by `:id`, so
 * GET /orders/17 and GET /orders/42 are one endpoint in a report.
 */

const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$/i;

export function pathTemplate(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] || '/';
  return bare
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment))
    .join('/');
}

export function endpointOf(method: string, path: string): string {
  return `${method.toUpperCase()} ${pathTemplate(path)}`;
}
