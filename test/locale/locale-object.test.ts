import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  getDefaultLocale,
  getSupportedLocales,
  Locale,
  loadTranslations,
  setDefaultLocale,
} from "tornado-ts/locale";

describe("Locale objects", () => {
  it("know their code, a display name and the writing direction", () => {
    const directory = mkdtempSync(join(tmpdir(), "locale-"));
    for (const code of ["fa_IR", "ar", "he_IL", "zh_CN", "xx"])
      writeFileSync(join(directory, `${code}.csv`), "");
    loadTranslations(directory);
    assert.equal(Locale.get("en_US").name, "English (United States)");
    assert.equal(Locale.get("zh_CN").name, "中文（中国）");
    assert.equal(Locale.get("xx").name, "Unknown");
    assert.deepEqual(
      ["fa_IR", "ar", "he_IL", "zh_CN", "en_US"].map((code) => Locale.get(code).rtl),
      [true, true, true, false, false],
    );
    assert.equal(Locale.get("fa_IR").list(["a", "b", "c"]), "a \u0648 b and c");
  });

  it("hand out translate and pgettext bound, so `_` can be passed around", () => {
    const _ = Locale.get("en_US").translate;
    assert.equal(_("apple", "apples", 2), "apples");
    const { pgettext } = Locale.get("en_US");
    assert.equal(pgettext("fruit", "apple"), "apple");
  });

  it("fall back to a changed default locale", () => {
    const directory = mkdtempSync(join(tmpdir(), "locale-"));
    writeFileSync(join(directory, "fr.csv"), '"Hello","Bonjour"\n');
    loadTranslations(directory);
    setDefaultLocale("fr");
    try {
      assert.equal(getDefaultLocale(), "fr");
      assert.deepEqual(getSupportedLocales(), ["fr"]);
      assert.equal(Locale.get("de").translate("Hello"), "Bonjour");
    } finally {
      setDefaultLocale("en_US");
    }
    assert.equal(Locale.get("de").code, "en_US");
  });

  it("formats dates in the future in full, and those under a minute ahead as now", () => {
    const now = Date.UTC(2020, 0, 2, 3, 4, 5) / 1000;
    const en = Locale.get("en_US");
    assert.equal(en.formatDate(now + 30, { now }), "0 seconds ago");
    assert.equal(en.formatDate(now + 3600, { now }), "January 2, 2020 at 4:04 am");
    assert.equal(
      en.formatDate(new Date((now - 1) * 1000), { now: new Date(now * 1000) }),
      "1 second ago",
    );
    assert.equal(en.formatDay(new Date(Date.UTC(2020, 0, 2, 3))), "Thursday, January 2");
    assert.equal(en.formatDay(new Date(Date.UTC(2020, 0, 2, 3)), 240), "Wednesday, January 1");
  });

  it("group digits of big integers too", () => {
    assert.equal(
      Locale.get("en").friendlyNumber(12345678901234567890n),
      "12,345,678,901,234,567,890",
    );
  });
});
