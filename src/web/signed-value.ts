/**
 * Signed values (Tornado's `create_signed_value` / `decode_signed_value`): the format behind signed
 * ("secure") cookies, byte-compatible with Tornado 6, so a value signed by Python Tornado with the
 * same secret decodes here and the other way round.
 *
 * Version 2 (the default): `2|<len>:<keyVersion>|<len>:<timestamp>|<len>:<name>|<len>:<base64>|<sig>`
 * with `sig` the hex HMAC-SHA256 of everything up to and including the last `|`.
 * Version 1 (legacy): `<base64>|<timestamp>|<sig>` with `sig` the hex HMAC-SHA1 of
 * `name + base64 + timestamp`.
 * @module
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import { genLog } from "../log.ts";
import type { ApplicationSettings } from "./application.ts";
import type { CookieOptions } from "./cookies.ts";
import { MissingSettingError } from "./errors.ts";

/** One signing key: text (used as its UTF-8 bytes) or raw bytes. */
export type SecretKey = string | Uint8Array;

/**
 * What signs and checks values: one key, or a map from key version to key for key rotation
 * (`{ 0: oldKey, 1: newKey }`; new values are signed with the `keyVersion` given).
 */
export type CookieSecret = SecretKey | Readonly<Record<number, SecretKey>>;

/** A function returning the current time in seconds since the epoch, as Python's `time.time()`. */
export type Clock = () => number;

/** Options for {@link createSignedValue}. */
export interface CreateSignedValueOptions {
  /** Format version, 1 or 2 (default 2). */
  version?: number;
  /** The time source (default: the system clock). */
  clock?: Clock;
  /** The key version written into a version 2 value; required when `secret` is a map. */
  keyVersion?: number | null;
}

/** Options for {@link decodeSignedValue}. */
export interface DecodeSignedValueOptions {
  /** Values signed longer ago than this many days are refused (default 31). */
  maxAgeDays?: number;
  /** The time source (default: the system clock). */
  clock?: Clock;
  /** The oldest format version accepted, 1 or 2 (default 1: both). */
  minVersion?: number;
}

/** A signed-value call that cannot work: an unsupported version, or a key map without a key version. */
export class SignedValueError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "SignedValueError";
}

/** The format version new signed values use. */
export const DEFAULT_SIGNED_VALUE_VERSION = 2;
/** The oldest format version decoded unless `minVersion` says otherwise. */
export const DEFAULT_SIGNED_VALUE_MIN_VERSION = 1;

const DAY = 86400;
// A leading version number; Python's `.` stops at a newline and its `$` may sit before a final one.
const VERSION_PREFIX = /^([1-9][0-9]*)\|[^\n]*\n?$/;
const DIGITS = /^[0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function systemClock(): number {
  return Date.now() / 1000;
}

function isKeyMap(secret: CookieSecret): secret is Readonly<Record<number, SecretKey>> {
  return typeof secret === "object" && !(secret instanceof Uint8Array);
}

// createHmac with a KeyObject skips importing the key on every call (about 1.3 us of 2.8 us per
// HMAC), so each key's KeyObject is kept. Text keys: a map of the most recently added ones, bounded
// because an application could make keys on the fly. Byte keys: by identity, living as long as the
// array, with a copy of the bytes checked on each use, since an array can change after the fact.
const MAX_TEXT_KEYS = 64;
const textKeys = new Map<string, KeyObject>();
const byteKeys = new WeakMap<Uint8Array, { bytes: Buffer; key: KeyObject }>();

function hmacKey(key: SecretKey): KeyObject {
  if (typeof key === "string") {
    let cached = textKeys.get(key);
    if (cached === undefined) {
      cached = createSecretKey(Buffer.from(key, "utf8"));
      if (textKeys.size >= MAX_TEXT_KEYS) textKeys.delete(textKeys.keys().next().value as string);
      textKeys.set(key, cached);
    }
    return cached;
  }
  const entry = byteKeys.get(key);
  if (entry?.bytes.equals(key)) return entry.key;
  const bytes = Buffer.from(key);
  const created = createSecretKey(bytes);
  byteKeys.set(key, { bytes, key: created });
  return created;
}

function lookupKey(secret: CookieSecret, keyVersion: number): SecretKey | undefined {
  if (!isKeyMap(secret)) return secret;
  const keys = secret as Readonly<Record<string, SecretKey>>;
  const slot = String(keyVersion);
  return Object.hasOwn(keys, slot) ? keys[slot] : undefined;
}

function signV1(key: SecretKey, ...parts: Buffer[]): string {
  const hmac = createHmac("sha1", hmacKey(key));
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

function signV2(key: SecretKey, signed: Buffer): string {
  return createHmac("sha256", hmacKey(key)).update(signed).digest("hex");
}

/** Compares a received signature with the expected hex digest in constant time (for equal lengths). */
function signatureMatches(received: Buffer, expected: string): boolean {
  const want = Buffer.from(expected, "latin1");
  // The length of a signature is public (40 or 64 hex digits); only the content must not leak
  // through timing, so an early exit on a length mismatch gives nothing away.
  return received.length === want.length && timingSafeEqual(received, want);
}

/** `len:value`; the length is counted in characters, as Tornado does (which matters only for non-ASCII names). */
function field(value: string): string {
  return `${[...value].length}:${value}`;
}

/**
 * Signs `value` under `name` with a timestamp, in Tornado's format.
 *
 * A string value is signed as its UTF-8 bytes. `secret` is a key, or a map from key version to key
 * (then `keyVersion` picks the key and is written into the value; version 2 only). The timestamp is
 * `clock()` truncated to whole seconds. Throws {@link SignedValueError} for a version other than 1
 * or 2, a key map without `keyVersion`, or a key map with version 1.
 *
 * The name is measured in characters but checked in bytes when decoding, as in Tornado, so a value
 * signed under a non-ASCII name never decodes.
 */
export function createSignedValue(
  secret: CookieSecret,
  name: string,
  value: string | Uint8Array,
  options: CreateSignedValueOptions = {},
): string {
  const version = options.version ?? DEFAULT_SIGNED_VALUE_VERSION;
  const clock = options.clock ?? systemClock;
  const timestamp = String(Math.trunc(clock()));
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
  const encoded = bytes.toString("base64");
  if (version === 1) {
    if (isKeyMap(secret)) {
      throw new SignedValueError("Version 1 signed values cannot use a map of key versions");
    }
    const signature = signV1(
      secret,
      Buffer.from(name, "utf8"),
      Buffer.from(encoded, "latin1"),
      Buffer.from(timestamp, "latin1"),
    );
    return `${encoded}|${timestamp}|${signature}`;
  }
  if (version === 2) {
    const keyVersion = options.keyVersion ?? null;
    let key: SecretKey | undefined;
    if (isKeyMap(secret)) {
      if (keyVersion === null) {
        throw new SignedValueError("Key version must be set when a map of key versions is used");
      }
      key = lookupKey(secret, keyVersion);
      if (key === undefined) {
        throw new SignedValueError(`No key for key version ${keyVersion} in the secret map`);
      }
    } else {
      key = secret;
    }
    const signed = [
      "2",
      field(String(keyVersion ?? 0)),
      field(timestamp),
      field(name),
      field(encoded),
      "",
    ].join("|");
    return signed + signV2(key, Buffer.from(signed, "utf8"));
  }
  throw new SignedValueError(`Unsupported version ${version}`);
}

/** The format version of a signed value, as Tornado detects it (1 unless it starts with `N|`, N <= 999). */
function versionOf(text: string): number {
  const match = VERSION_PREFIX.exec(text);
  if (!match) return 1;
  const version = Number(match[1]);
  return version > 999 ? 1 : version;
}

interface V2Fields {
  keyVersion: string;
  timestamp: string;
  name: string;
  value: string;
  signature: string;
  signed: string;
}

/** Splits a version 2 value (as a latin-1 string, one character per byte) into its fields. */
function splitV2(text: string): V2Fields | null {
  let pos = 2;
  const fields: string[] = [];
  for (let i = 0; i < 4; i++) {
    const colon = text.indexOf(":", pos);
    if (colon < 0) return null;
    const length = text.slice(pos, colon);
    if (!DIGITS.test(length)) return null;
    const start = colon + 1;
    const end = start + Number(length);
    if (text[end] !== "|") return null;
    fields.push(text.slice(start, end));
    pos = end + 1;
  }
  const signature = text.slice(pos);
  return {
    keyVersion: fields[0]!,
    timestamp: fields[1]!,
    name: fields[2]!,
    value: fields[3]!,
    signature,
    signed: text.slice(0, pos),
  };
}

function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, "base64") : null;
}

/** Python's `repr()` of a bytes object, for log lines that match Tornado's. */
function bytesRepr(bytes: Buffer): string {
  const text = bytes.toString("latin1");
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "b" + quote;
  for (const byte of bytes) {
    if (byte === 0x5c) out += "\\\\";
    else if (byte === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return out + quote;
}

function decodeV1(
  secret: CookieSecret,
  name: string,
  raw: Buffer,
  text: string,
  maxAgeDays: number,
  clock: Clock,
): Buffer | null {
  // Version 1 has no key versions; Tornado fails here with an assertion, but a value sent by a
  // client must never raise, so it reads as absent.
  if (isKeyMap(secret)) return null;
  const parts = text.split("|");
  if (parts.length !== 3) return null;
  const [encoded, stamp, signature] = parts as [string, string, string];
  const expected = signV1(
    secret,
    Buffer.from(name, "utf8"),
    Buffer.from(encoded, "latin1"),
    Buffer.from(stamp, "latin1"),
  );
  if (!signatureMatches(Buffer.from(signature, "latin1"), expected)) {
    genLog.warning(`Invalid cookie signature ${bytesRepr(raw)}`);
    return null;
  }
  if (!DIGITS.test(stamp)) return null;
  const timestamp = Number(stamp);
  const now = clock();
  if (timestamp < now - maxAgeDays * DAY) {
    genLog.warning(`Expired cookie ${bytesRepr(raw)}`);
    return null;
  }
  if (timestamp > now + 31 * DAY) {
    genLog.warning(`Cookie timestamp in future; possible tampering ${bytesRepr(raw)}`);
    return null;
  }
  if (stamp.startsWith("0")) {
    genLog.warning(`Tampered cookie ${bytesRepr(raw)}`);
    return null;
  }
  return decodeBase64(encoded);
}

function decodeV2(
  secret: CookieSecret,
  name: string,
  text: string,
  maxAgeDays: number,
  clock: Clock,
): Buffer | null {
  const fields = splitV2(text);
  if (!fields || fields.signature === "" || !DIGITS.test(fields.keyVersion)) return null;
  const key = lookupKey(secret, Number(fields.keyVersion));
  if (key === undefined) return null;
  const expected = signV2(key, Buffer.from(fields.signed, "latin1"));
  if (!signatureMatches(Buffer.from(fields.signature, "latin1"), expected)) return null;
  if (!Buffer.from(fields.name, "latin1").equals(Buffer.from(name, "utf8"))) return null;
  if (!DIGITS.test(fields.timestamp)) return null;
  // Version 2 has no check for timestamps in the future, as in Tornado.
  if (Number(fields.timestamp) < clock() - maxAgeDays * DAY) return null;
  return decodeBase64(fields.value);
}

/**
 * Checks a signed value and returns its payload bytes, or `null`.
 *
 * `null` for anything that is not a valid, unexpired value signed under `name` with `secret`:
 * empty, malformed, tampered, signed with another key or for another name, older than
 * `maxAgeDays` (default 31; a value exactly that old still passes), or of a version below
 * `minVersion`. It never throws for a bad value. Version 1 failures are logged as warnings on
 * `tornado.general` with Tornado's messages; version 2 failures are silent, as in Tornado.
 * Throws {@link SignedValueError} for a `minVersion` above 2.
 *
 * Differs from Tornado: a key map with a version 1 value, and a signature that is valid over a
 * non-numeric timestamp or non-canonical base64, read as `null` instead of raising.
 */
export function decodeSignedValueBytes(
  secret: CookieSecret,
  name: string,
  value: string | Uint8Array | null | undefined,
  options: DecodeSignedValueOptions = {},
): Buffer | null {
  const minVersion = options.minVersion ?? DEFAULT_SIGNED_VALUE_MIN_VERSION;
  if (minVersion > 2) throw new SignedValueError(`Unsupported min_version ${minVersion}`);
  if (value === null || value === undefined || value.length === 0) return null;
  const raw = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
  const text = raw.toString("latin1");
  const maxAgeDays = options.maxAgeDays ?? 31;
  const clock = options.clock ?? systemClock;
  const version = versionOf(text);
  if (version < minVersion) return null;
  if (version === 1) return decodeV1(secret, name, raw, text, maxAgeDays, clock);
  if (version === 2) return decodeV2(secret, name, text, maxAgeDays, clock);
  return null;
}

/**
 * Checks a signed value and returns its payload as text (UTF-8), or `null`.
 *
 * The rules are those of {@link decodeSignedValueBytes}; use that for binary payloads (invalid
 * UTF-8 is replaced with U+FFFD here). Tornado returns bytes; this returns a string because
 * that is what TypeScript callers compare and store.
 */
export function decodeSignedValue(
  secret: CookieSecret,
  name: string,
  value: string | Uint8Array | null | undefined,
  options: DecodeSignedValueOptions = {},
): string | null {
  const bytes = decodeSignedValueBytes(secret, name, value, options);
  return bytes === null ? null : bytes.toString("utf8");
}

/**
 * The key version a version 2 signed value claims, or `null` for version 1 and malformed values.
 * The signature is not checked: use it to tell which key signed a value, e.g. to re-sign old ones.
 */
export function getSignatureKeyVersion(
  value: string | Uint8Array | null | undefined,
): number | null {
  if (value === null || value === undefined) return null;
  const text = (
    typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value)
  ).toString("latin1");
  if (versionOf(text) < 2) return null;
  const fields = splitV2(text);
  if (!fields || !DIGITS.test(fields.keyVersion)) return null;
  return Number(fields.keyVersion);
}

/** Options for a handler's `setSecureCookie` / `setSignedCookie`: cookie attributes plus signing. */
export interface SignedCookieOptions extends Omit<CookieOptions, "expiresDays"> {
  /** Browser lifetime in days (default 30); `null` makes a session cookie. */
  expiresDays?: number | null;
  /** Signed-value format version, 1 or 2 (default 2). */
  version?: number;
}

/** Options for a handler's `getSecureCookie` / `getSignedCookie`. */
export interface GetSignedCookieOptions {
  /** Check this value instead of the request's cookie. */
  value?: string | null;
  /** Server-side validity window in days (default 31), apart from the cookie's own lifetime. */
  maxAgeDays?: number;
  /** The oldest format version accepted (default 1). */
  minVersion?: number;
}

/**
 * The `cookieSecret` setting, or a {@link MissingSettingError} when it is absent or empty (signed
 * cookies need it; XSRF cookies are not signed and do not).
 */
export function requireCookieSecret(settings: ApplicationSettings): CookieSecret {
  const secret = settings.cookieSecret;
  if (!secret || (isKeyMap(secret) && Object.keys(secret).length === 0)) {
    throw new MissingSettingError(
      "cookieSecret",
      "You must define the 'cookieSecret' setting in your application to use secure cookies",
    );
  }
  return secret;
}

/**
 * The key version to sign with: the `keyVersion` setting when `cookieSecret` is a map (required
 * then), otherwise none (written as 0), as in Tornado.
 */
export function signingKeyVersion(settings: ApplicationSettings): number | null {
  const secret = requireCookieSecret(settings);
  if (!isKeyMap(secret)) return null;
  if (settings.keyVersion === undefined || settings.keyVersion === null) {
    throw new MissingSettingError(
      "keyVersion",
      "The 'keyVersion' setting must be set when 'cookieSecret' is a map of key versions",
    );
  }
  return settings.keyVersion;
}
