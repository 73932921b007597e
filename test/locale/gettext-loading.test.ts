import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { mo } from "gettext-parser";
import { getSupportedLocales, Locale, loadGettextTranslations } from "tornado-ts/locale";
import { captureLogs } from "tornado-ts/testing";

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), "locale-gettext-"));
  for (const [path, data] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, data);
  }
  return root;
}

const RU_PO = `msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgid "Hello"
msgstr "Привет"

#, fuzzy
msgid "Goodbye"
msgstr "Пока?"

msgid "Empty"
msgstr ""

msgid "%(n)d file"
msgid_plural "%(n)d files"
msgstr[0] "%(n)d файл"
msgstr[1] "%(n)d файла"
msgstr[2] "%(n)d файлов"

msgctxt "law"
msgid "right"
msgstr "право"
`;

describe("loadGettextTranslations", () => {
  it("reads .po catalogues where there is no .mo, skipping fuzzy and empty entries", () => {
    loadGettextTranslations(tree({ "ru/LC_MESSAGES/app.po": RU_PO }), "app");
    const ru = Locale.get("ru_RU");
    assert.equal(ru.code, "ru");
    assert.equal(ru.translate("Hello"), "Привет");
    assert.equal(ru.translate("Goodbye"), "Goodbye");
    assert.equal(ru.translate("Empty"), "Empty");
    assert.deepEqual(
      [1, 2, 5, 11, 21, 22, 111].map((n) => ru.translate("%(n)d file", "%(n)d files", n)),
      [
        "%(n)d файл",
        "%(n)d файла",
        "%(n)d файлов",
        "%(n)d файлов",
        "%(n)d файл",
        "%(n)d файла",
        "%(n)d файлов",
      ],
    );
    assert.equal(ru.pgettext("law", "right"), "право");
    assert.equal(ru.pgettext("direction", "right"), "right");
  });

  it("reads a message that has plural forms through the form for 1 when asked without a count", () => {
    loadGettextTranslations(tree({ "ru/LC_MESSAGES/app.po": RU_PO }), "app");
    assert.equal(Locale.get("ru").translate("%(n)d file"), "%(n)d файл");
  });

  it("prefers the .mo file, ignores other domains and folders without catalogues", () => {
    const compiled = mo.compile({
      charset: "utf-8",
      headers: { "Content-Type": "text/plain; charset=UTF-8" },
      translations: { "": { Hello: { msgid: "Hello", msgstr: ["Hallo (mo)"] } } },
    });
    const root = tree({
      "de/LC_MESSAGES/app.mo": compiled,
      "de/LC_MESSAGES/app.po": 'msgid "Hello"\nmsgstr "Hallo (po)"\n',
      "nl/LC_MESSAGES/other.mo": compiled,
      "README.txt": "not a locale",
    });
    loadGettextTranslations(root, "app");
    assert.deepEqual(getSupportedLocales(), ["de", "en_US"]);
    assert.equal(Locale.get("de").translate("Hello"), "Hallo (mo)");
    assert.equal(Locale.get("de").translate("apple", "apples", 3), "apples");
  });

  it("logs a catalogue it cannot read and goes on", () => {
    const logs = captureLogs();
    try {
      loadGettextTranslations(
        tree({
          "xx/LC_MESSAGES/app.mo": Buffer.from("not a catalogue"),
          "yy/LC_MESSAGES/app.po": RU_PO.replace("plural=(n%10==1", "plural=(n%%10==1"),
          "fr/LC_MESSAGES/app.po": 'msgid "Hello"\nmsgstr "Bonjour à toi"\n',
        }),
        "app",
      );
      assert.ok(logs.has(/^Cannot load translation for 'xx': /, "tornado.general"));
      assert.ok(
        logs.has(/^Cannot load translation for 'yy': .*plural expression/, "tornado.general"),
      );
      assert.deepEqual(getSupportedLocales(), ["en_US", "fr"]);
      assert.equal(Locale.get("fr").translate("Hello"), "Bonjour à toi");
    } finally {
      logs.stop();
    }
  });
});
