// Tornado 6.2's tornado/test/locale_test.py, ported to tornado-ts/locale, with Tornado's own CSV
// and gettext translation files from the installed Python Tornado.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  CSVLocale,
  GettextLocale,
  Locale,
  loadGettextTranslations,
  loadTranslations,
} from "tornado-ts/locale";

const PY_TEST_DIR = "/usr/lib/python3/dist-packages/tornado/test";

/** Runs `fn` with translations loaded from an empty folder afterwards (Tornado's tearDown). */
function isolated(fn: () => void): void {
  try {
    fn();
  } finally {
    const empty = mkdtempSync(join(tmpdir(), "tornado-suite-locale-"));
    loadTranslations(empty);
    rmSync(empty, { recursive: true, force: true });
  }
}

test("TranslationLoaderTest.test_csv", () => {
  isolated(() => {
    loadTranslations(join(PY_TEST_DIR, "csv_translations"));
    const locale = Locale.get("fr_FR");
    assert.ok(locale instanceof CSVLocale);
    assert.equal(locale.translate("school"), "\u00e9cole");
  });
});

test("TranslationLoaderTest.test_csv_bom", () => {
  const charData = readFileSync(join(PY_TEST_DIR, "csv_translations", "fr_FR.csv"), "utf8");
  const encodings: [string, Buffer][] = [
    ["utf-8-sig", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(charData, "utf8")])],
    // Python's "utf-16" writes a BOM and the platform's byte order (little-endian here).
    ["utf-16", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(charData, "utf16le")])],
  ];
  for (const [encoding, bytes] of encodings) {
    const dir = mkdtempSync(join(tmpdir(), "tornado-suite-locale-"));
    try {
      isolated(() => {
        writeFileSync(join(dir, "fr_FR.csv"), bytes);
        loadTranslations(dir);
        const locale = Locale.get("fr_FR");
        assert.ok(locale instanceof CSVLocale, encoding);
        assert.equal(locale.translate("school"), "\u00e9cole", encoding);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test("TranslationLoaderTest.test_gettext", () => {
  isolated(() => {
    loadGettextTranslations(join(PY_TEST_DIR, "gettext_translations"), "tornado_test");
    const locale = Locale.get("fr_FR");
    assert.ok(locale instanceof GettextLocale);
    assert.equal(locale.translate("school"), "\u00e9cole");
    assert.equal(locale.pgettext("law", "right"), "le droit");
    assert.equal(locale.pgettext("good", "right"), "le bien");
    assert.equal(locale.pgettext("organization", "club", "clubs", 1), "le club");
    assert.equal(locale.pgettext("organization", "club", "clubs", 2), "les clubs");
    assert.equal(locale.pgettext("stick", "club", "clubs", 1), "le b\xe2ton");
    assert.equal(locale.pgettext("stick", "club", "clubs", 2), "les b\xe2tons");
  });
});

test("LocaleDataTest.test_non_ascii_name", () => {
  // Differs: names come from Node's ICU data, so es_LA is "Español (Laos)" where Tornado's own
  // table says "Español"; the name is a string with the non-ASCII letter intact.
  const dir = mkdtempSync(join(tmpdir(), "tornado-suite-locale-"));
  try {
    isolated(() => {
      writeFileSync(join(dir, "es_LA.csv"), "school,escuela\n");
      loadTranslations(dir);
      const name = Locale.get("es_LA").name;
      assert.equal(typeof name, "string");
      assert.ok(name.startsWith("Espa\u00f1ol"), name);
      assert.deepEqual(Buffer.from(name).subarray(0, 8), Buffer.from("Espa\xc3\xb1ol", "latin1"));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const SECOND = 1000;
const DAY = 86_400 * SECOND;

test("EnglishTest.test_format_date", () => {
  const locale = Locale.get("en_US");
  const date = new Date(Date.UTC(2013, 3, 28, 18, 35));
  assert.equal(locale.formatDate(date, { fullFormat: true }), "April 28, 2013 at 6:35 pm");

  const now = Date.now();
  const ago = (ms: number) => new Date(now - ms);
  // `now` is passed so that the clock cannot move between the two readings.
  assert.equal(locale.formatDate(ago(2 * SECOND), { now: new Date(now) }), "2 seconds ago");
  assert.equal(locale.formatDate(ago(120 * SECOND), { now: new Date(now) }), "2 minutes ago");
  assert.equal(locale.formatDate(ago(7200 * SECOND), { now: new Date(now) }), "2 hours ago");
  assert.equal(locale.formatDate(ago(DAY), { shorter: true, now: new Date(now) }), "yesterday");
  let day = ago(2 * DAY);
  assert.equal(
    locale.formatDate(day, { shorter: true, now: new Date(now) }),
    WEEKDAYS[(day.getUTCDay() + 6) % 7],
  );
  day = ago(300 * DAY);
  assert.equal(
    locale.formatDate(day, { shorter: true, now: new Date(now) }),
    `${MONTHS[day.getUTCMonth()]} ${day.getUTCDate()}`,
  );
  day = ago(500 * DAY);
  assert.equal(
    locale.formatDate(day, { shorter: true, now: new Date(now) }),
    `${MONTHS[day.getUTCMonth()]} ${day.getUTCDate()}, ${day.getUTCFullYear()}`,
  );
});

test("EnglishTest.test_friendly_number", () => {
  assert.equal(Locale.get("en_US").friendlyNumber(1000000), "1,000,000");
});

test("EnglishTest.test_list", () => {
  const locale = Locale.get("en_US");
  assert.equal(locale.list([]), "");
  assert.equal(locale.list(["A"]), "A");
  assert.equal(locale.list(["A", "B"]), "A and B");
  assert.equal(locale.list(["A", "B", "C"]), "A, B and C");
});

test("EnglishTest.test_format_day", () => {
  const locale = Locale.get("en_US");
  const date = new Date(Date.UTC(2013, 3, 28, 18, 35));
  assert.equal(locale.formatDay(date, 0, true), "Sunday, April 28");
  assert.equal(locale.formatDay(date, 0, false), "April 28");
});
