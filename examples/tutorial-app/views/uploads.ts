// Upload file names come from the client and can be anything: `../../etc/passwd`, `C:\x.exe`,
// control characters, a name made only of dots. The tutorial joins them to the folder as given;
// this keeps only a plain last path segment, so nothing is ever written outside the folder.
import { randomBytes } from "node:crypto";
import { resolve, sep } from "node:path";

const MAX_NAME_LENGTH = 120;

/** Thrown when a name would still land outside the upload folder (a bug guard; never expected). */
export class UnsafeUploadPathError extends Error {
  override name = "UnsafeUploadPathError";
}

/**
 * A safe file name for an uploaded file called `filename`: the last segment after `/` or `\`,
 * without control characters or characters that are special on common file systems, without
 * leading dots (no hidden files, no `..`), at most 120 characters with the extension kept. An
 * empty result becomes `upload-<random hex>`.
 */
export function safeUploadName(filename: string): string {
  const lastSegment = filename.split(/[/\\]/).pop() ?? "";
  let name = lastSegment
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  if (name.length > MAX_NAME_LENGTH) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    name = name.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
  }
  return name === "" ? `upload-${randomBytes(4).toString("hex")}` : name;
}

/** The path in `dir` where an upload called `filename` is saved (see {@link safeUploadName}). */
// #region safe-path
export function safeUploadPath(dir: string, filename: string): string {
  const root = resolve(dir);
  const path = resolve(root, safeUploadName(filename));
  // Path traversal (CWE-22): the resolved path must be a direct child of the upload folder.
  if (!path.startsWith(root + sep) || path.slice(root.length + 1).includes(sep)) {
    throw new UnsafeUploadPathError(`upload name ${JSON.stringify(filename)} leaves ${root}`);
  }
  return path;
}
// #endregion
