import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { getSupportedLocales, Locale, loadTranslations } from "tornado-ts/locale";
import { captureLogs } from "tornado-ts/testing";

function folder(files: Record<string, string | Buffer>): string {
  const directory = mkdtempSync(join(tmpdir(), "locale-csv-"));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(directory, name), data);
  return directory;
}

describe("loadTranslations (Tornado's CSV files)", () => {
  it("reads quoted cells holding commas, doubled quotes and line breaks", () => {
    loadTranslations(
      folder({
        "de.csv": '"a, b","x, y"\r\n"say ""hi""","sag ""hallo"""\n"two\nlines","zwei\r\nZeilen"\n',
      }),
    );
    const de = Locale.get("de");
    assert.equal(de.translate("a, b"), "x, y");
    assert.equal(de.translate('say "hi"'), 'sag "hallo"');
    assert.equal(de.translate("two\nlines"), "zwei\nZeilen");
  });

  it("detects a UTF-16 byte-order mark, in either byte order, and skips a UTF-8 one", () => {
    const text = '"Hello","Здравствуйте"\n';
    const be = Buffer.from(`\ufeff${text}`, "utf16le").swap16();
    loadTranslations(
      folder({
        "ru.csv": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
        "uk.csv": be,
        "bg.csv": Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from('"Hello","Здравейте"\n'),
        ]),
      }),
    );
    assert.equal(Locale.get("ru").translate("Hello"), "Здравствуйте");
    assert.equal(Locale.get("uk").translate("Hello"), "Здравствуйте");
    assert.equal(Locale.get("bg").translate("Hello"), "Здравейте");
  });

  it("decodes with the encoding given", () => {
    loadTranslations(
      folder({ "fr.csv": Buffer.from('"Hello","Salut à toi"\n', "latin1") }),
      "latin1",
    );
    assert.equal(Locale.get("fr").translate("Hello"), "Salut à toi");
  });

  it("replaces earlier translations and forgets locales made from them", () => {
    loadTranslations(folder({ "es.csv": '"Hello","Hola"\n' }));
    const before = Locale.get("es");
    assert.equal(before.translate("Hello"), "Hola");
    loadTranslations(folder({ "es.csv": '"Hello","Buenas"\n', "it.csv": '"Hello","Ciao"\n' }));
    assert.deepEqual(getSupportedLocales(), ["en_US", "es", "it"]);
    assert.equal(Locale.get("es").translate("Hello"), "Buenas");
    assert.notEqual(Locale.get("es"), before);
    assert.equal(Locale.get("it"), Locale.get("it_IT"), "locales are made once per code");
  });

  it("warns that CSV locales have no contexts and translates without one", () => {
    loadTranslations(folder({ "es.csv": '"right","derecho"\n' }));
    const logs = captureLogs();
    try {
      assert.equal(Locale.get("es").pgettext("law", "right"), "derecho");
      assert.ok(logs.has("pgettext is not supported by CSVLocale", "tornado.general"));
    } finally {
      logs.stop();
    }
  });

  it("needs a count with a plural message", () => {
    loadTranslations(folder({ "es.csv": "" }));
    assert.throws(() => Locale.get("es").translate("x", "xs"), TypeError);
  });
});
