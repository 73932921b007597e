/**
 * The `allowedHosts` setting: which `Host` headers an application answers (as Django's
 * `ALLOWED_HOSTS`).
 * @module
 */

interface HostPattern {
  /** `*`, an exact name, or a suffix starting with `.` (the name itself and its subdomains). */
  readonly name: string;
  /** The port the pattern requires, or `null` for any. */
  readonly port: string | null;
}

/** A host name (lower case, without a final dot) and its port (`null` when none was given). */
function splitHost(host: string): { name: string; port: string | null } {
  let name = host.toLowerCase();
  let port: string | null = null;
  // An IPv6 literal keeps its colons inside brackets (RFC 3986 section 3.2.2).
  const colon = name.lastIndexOf(":");
  if (colon !== -1 && colon > name.lastIndexOf("]")) {
    port = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  if (name.endsWith(".")) name = name.slice(0, -1);
  return { name, port };
}

/**
 * Compiles the `allowedHosts` setting into a check on a request's `Host` value and protocol.
 * Throws a `TypeError` naming the problem when the setting is not an array of non-empty strings.
 */
export function compileAllowedHosts(
  patterns: readonly string[],
): (host: string, protocol: string) => boolean {
  if (!Array.isArray(patterns)) {
    throw new TypeError("The allowedHosts setting must be an array of host patterns");
  }
  const compiled: HostPattern[] = [];
  for (const pattern of patterns) {
    if (typeof pattern !== "string" || pattern.trim() === "") {
      throw new TypeError(`allowedHosts: ${JSON.stringify(pattern)} is not a host pattern`);
    }
    if (pattern.trim() === "*") return () => true;
    compiled.push(splitHost(pattern.trim()));
  }
  return (host, protocol) => {
    const { name, port } = splitHost(host);
    const effectivePort = port ?? (protocol === "https" ? "443" : "80");
    return compiled.some((pattern) => {
      if (pattern.port !== null && pattern.port !== effectivePort) return false;
      if (pattern.name.startsWith(".")) {
        return name === pattern.name.slice(1) || name.endsWith(pattern.name);
      }
      return name === pattern.name;
    });
  };
}
