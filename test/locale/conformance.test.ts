// Compares tornado-ts/locale with real Tornado 6.2 (python3-tornado) on the same translation files:
// Locale.get fallbacks, translate with plural forms, pgettext, list, friendlyNumber, formatDate
// (relative and absolute, with fixed dates and several GMT offsets) and formatDay.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { mo } from "gettext-parser";
import {
  getSupportedLocales,
  Locale,
  loadGettextTranslations,
  loadTranslations,
} from "tornado-ts/locale";
import { captureLogs, type LogCapture } from "tornado-ts/testing";
import { runPython } from "../support/python-tornado.ts";

const CSV_FILES: Record<string, string> = {
  "es_LA.csv": [
    '"Hello","Hola"',
    '"%(name)s liked this","A %(name)s les gustó esto","plural"',
    '"%(name)s liked this","A %(name)s le gustó esto","singular"',
    '"January","enero"',
    '"Thursday","jueves"',
    '"yesterday at %(time)s","ayer a las %(time)s"',
    '"%(commas)s and %(last)s","%(commas)s y %(last)s"',
    '"1 minute ago","hace 1 minuto","singular"',
    '"%(minutes)d minutes ago","hace %(minutes)d minutos","plural"',
  ].join("\n"),
  "zh_CN.csv": [
    '"Hello","你好"',
    '"January","一月"',
    '"February","二月"',
    '"December","十二月"',
    '"Thursday","星期四"',
    '"Wednesday","星期三"',
    '"%(month_name)s %(day)s, %(year)s at %(time)s","%(year)s年%(month_name)s%(day)s日 %(time)s"',
    '"%(month_name)s %(day)s at %(time)s","%(month_name)s%(day)s日 %(time)s"',
    '"%(weekday)s at %(time)s","%(weekday)s %(time)s"',
    '"yesterday at %(time)s","昨天 %(time)s"',
    '"%(hours)d hours ago","%(hours)d小时前","plural"',
    '"%(commas)s and %(last)s","%(commas)s和%(last)s"',
  ].join("\r\n"),
  "fr.csv":
    '"Hello","Bonjour"\n\n"only one column"\n "spaced" , "x"\n"a ""quoted"" word","un mot ""cité"""\n',
  "EN.csv": '"Hello","Hi"\n',
  "pt_BR.csv": '"Hello","Olá","weird"\n"Bye","Tchau"\n',
  "notes.txt": "not a translation\n",
};

const NOW = Date.UTC(2020, 0, 2, 15, 4, 5) / 1000;
const DELTAS = [
  0, 10, 49, 50, 89, 90, 150, 2999, 3000, 5400, 9000, 40_000, 86_399, 86_400, 90_000, 172_800,
  345_600, 432_000, 8_640_000, 28_771_200, 28_857_600, 34_560_000, -30, -120, -86_430,
];
const OFFSETS = [0, 300, -480, 840];
const FLAGS = [
  [true, false, false],
  [true, true, false],
  [false, false, false],
  [false, true, false],
  [true, false, true],
] as const;
const DATE_LOCALES = ["en_US", "es_LA", "zh_CN", "fr"];

const GET_CASES = [
  ["es"],
  ["es-la"],
  ["es_ES"],
  ["fr_CA"],
  ["xx_YY_ZZ", "fr"],
  ["en"],
  ["de"],
  ["", "zh-cn"],
  ["ZH_cn"],
  ["FR"],
  [],
];

const TRANSLATE_CASES: [string, string, string | null, number | null][] = [
  ["es_LA", "%(name)s liked this", "%(name)s liked this", 1],
  ["es_LA", "%(name)s liked this", "%(name)s liked this", 2],
  ["es_LA", "x", "xs", 0],
  ["es_LA", "x", "xs", 1],
  ["es_LA", "Missing", null, null],
  ["es_LA", "Hello", null, null],
  ["es_LA", "Hello", "Hellos", 1],
  ["zh_CN", "Hello", null, null],
  ["fr", "Hello", null, null],
  ["fr", 'a "quoted" word', null, null],
  ["fr", '"spaced"', null, null],
  ["en_US", "Hello", null, null],
];

const LIST_CASES = [[], ["a"], ["a", "b"], ["a", "b", "c"]];
const NUMBERS = [0, 7, 999, 1000, 1234567, -1234, -123456789, 10 ** 15];

interface Reference {
  get: string[];
  translate: string[];
  list: Record<string, string[]>;
  numbers: Record<string, string[]>;
  dates: Record<string, string[]>;
  days: Record<string, string[]>;
  supported: string[];
}

function pythonScript(directory: string): string {
  return `
import datetime as _dt, json, logging, sys
import tornado.locale as L
logging.disable(logging.CRITICAL)
NOW = _dt.datetime(2020, 1, 2, 15, 4, 5)
class FixedDatetime(_dt.datetime):
    @classmethod
    def utcnow(cls):
        return NOW
class FixedModule:
    datetime = FixedDatetime
    timedelta = _dt.timedelta
L.datetime = FixedModule
L.load_translations(${JSON.stringify(directory)})
out = {"supported": sorted(L.get_supported_locales())}
out["get"] = [L.get(*codes).code for codes in ${JSON.stringify(GET_CASES)}]
out["translate"] = [L.get(code).translate(m, p, c) for code, m, p, c in json.loads(${JSON.stringify(JSON.stringify(TRANSLATE_CASES))})]
out["list"] = {code: [L.get(code).list(parts) for parts in ${JSON.stringify(LIST_CASES)}] for code in ["en_US", "es_LA", "zh_CN"]}
out["numbers"] = {code: [L.get(code).friendly_number(n) for n in ${JSON.stringify(NUMBERS)}] for code in ["en_US", "fr"]}
out["dates"] = {}
out["days"] = {}
for code in ${JSON.stringify(DATE_LOCALES)}:
    loc = L.get(code)
    res = []
    for delta in ${JSON.stringify(DELTAS)}:
        for offset in ${JSON.stringify(OFFSETS)}:
            for relative, shorter, full in json.loads(${JSON.stringify(JSON.stringify(FLAGS))}):
                res.append(loc.format_date(${NOW} - delta, gmt_offset=offset, relative=relative, shorter=shorter, full_format=full))
    out["dates"][code] = res
    out["days"][code] = [loc.format_day(_dt.datetime.utcfromtimestamp(${NOW} - delta), offset, dow) for delta in ${JSON.stringify(DELTAS)} for offset in ${JSON.stringify(OFFSETS)} for dow in (True, False)]
json.dump(out, sys.stdout, ensure_ascii=False)
`;
}

function ours(): Reference {
  const out: Reference = {
    supported: getSupportedLocales(),
    get: GET_CASES.map((codes) => Locale.get(...codes).code),
    translate: TRANSLATE_CASES.map(([code, message, plural, count]) =>
      Locale.get(code).translate(message, plural ?? undefined, count ?? undefined),
    ),
    list: {},
    numbers: {},
    dates: {},
    days: {},
  };
  for (const code of ["en_US", "es_LA", "zh_CN"]) {
    out.list[code] = LIST_CASES.map((parts) => Locale.get(code).list(parts));
  }
  for (const code of ["en_US", "fr"]) {
    out.numbers[code] = NUMBERS.map((n) => Locale.get(code).friendlyNumber(n));
  }
  for (const code of DATE_LOCALES) {
    const locale = Locale.get(code);
    const dates: string[] = [];
    const days: string[] = [];
    for (const delta of DELTAS) {
      for (const gmtOffset of OFFSETS) {
        for (const [relative, shorter, fullFormat] of FLAGS) {
          dates.push(
            locale.formatDate(NOW - delta, { gmtOffset, relative, shorter, fullFormat, now: NOW }),
          );
        }
      }
    }
    for (const delta of DELTAS) {
      for (const offset of OFFSETS) {
        for (const dow of [true, false]) days.push(locale.formatDay(NOW - delta, offset, dow));
      }
    }
    out.dates[code] = dates;
    out.days[code] = days;
  }
  return out;
}

describe("tornado-ts/locale against Tornado 6.2 (CSV translations)", () => {
  let directory: string;
  let reference: Reference;
  let logs: LogCapture;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), "locale-csv-"));
    for (const [name, text] of Object.entries(CSV_FILES))
      writeFileSync(join(directory, name), text);
    reference = JSON.parse(await runPython(pythonScript(directory))) as Reference;
    logs = captureLogs();
    loadTranslations(directory);
  });
  after(() => logs.stop());

  it("loads the same locales and logs the bad file name and plural indicator", () => {
    const actual = ours();
    assert.deepEqual(actual.supported, reference.supported);
    assert.ok(logs.has(`Unrecognized locale 'EN' (path: ${join(directory, "EN.csv")})`));
    assert.ok(logs.has("Unrecognized plural indicator 'weird' in pt_BR.csv line 1"));
  });

  it("picks the same locale for each list of codes", () => {
    assert.deepEqual(ours().get, reference.get);
  });

  it("translates singular, plural and unknown messages the same way", () => {
    assert.deepEqual(ours().translate, reference.translate);
  });

  it("joins lists and groups numbers the same way", () => {
    const actual = ours();
    assert.deepEqual(actual.list, reference.list);
    assert.deepEqual(actual.numbers, reference.numbers);
  });

  it("formats dates the same way for every offset, flag and locale", () => {
    const actual = ours();
    for (const code of DATE_LOCALES) {
      const want = reference.dates[code]!;
      const got = actual.dates[code]!;
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) {
        const delta = DELTAS[Math.floor(i / (OFFSETS.length * FLAGS.length))];
        const offset = OFFSETS[Math.floor(i / FLAGS.length) % OFFSETS.length];
        const flags = FLAGS[i % FLAGS.length];
        assert.equal(got[i], want[i], `${code} delta=${delta} offset=${offset} flags=${flags}`);
      }
    }
    assert.equal(
      Locale.get("en_US").formatDate(NOW - 86_400 * 400, { now: NOW }),
      reference.dates["en_US"]![DELTAS.indexOf(34_560_000) * OFFSETS.length * FLAGS.length],
    );
  });

  it("formats days the same way", () => {
    assert.deepEqual(ours().days, reference.days);
  });
});

function writeCatalog(
  root: string,
  lang: string,
  pluralForms: string,
  entries: Record<string, Record<string, { msgid_plural?: string; msgstr: string[] }>>,
): void {
  const translations: Record<
    string,
    Record<string, { msgctxt?: string; msgid: string; msgid_plural?: string; msgstr: string[] }>
  > = {
    "": {
      "": {
        msgid: "",
        msgstr: [`Content-Type: text/plain; charset=UTF-8\nPlural-Forms: ${pluralForms}\n`],
      },
    },
  };
  for (const [context, messages] of Object.entries(entries)) {
    translations[context] ??= {};
    const table = translations[context];
    for (const [msgid, entry] of Object.entries(messages)) {
      table[msgid] = { ...(context ? { msgctxt: context } : {}), msgid, ...entry };
    }
  }
  const folder = join(root, lang, "LC_MESSAGES");
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, "app.mo"),
    mo.compile({
      charset: "utf-8",
      headers: { "Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": pluralForms },
      translations,
    }),
  );
}

const PL_RULE =
  "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);";
const COUNTS = [0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 102, 111, 112, 1000];

// Not compared: gettext("file") for a message that has plural forms. Python 3.11.2 (Debian 12,
// under Tornado here) answers "file"; later Python versions answer the catalogue's form for 1,
// which tornado-ts follows (see gettext.test.ts).
const GETTEXT_CASES: [string, string | null, string, string | null, number | null][] = [
  ["pl", null, "Hello", null, null],
  ["pl", null, "Missing", null, null],
  ["pl", null, "Hello", "Hellos", 3],
  ["pl", "law", "right", null, null],
  ["pl", "good", "right", null, null],
  ["pl", "nowhere", "right", null, null],
  ["pl", "organization", "club", "clubs", 1],
  ["pl", "organization", "club", "clubs", 5],
  ["pl", "stick", "club", "clubs", 2],
  ["pl", "stick", "club", "clubs", 1],
  ["pl", null, "club", "clubs", 2],
  ["fr", null, "file", "files", 0],
  ["fr", null, "file", "files", 2],
  ["fr", null, "Hello", null, null],
  ["en_US", null, "file", "files", 2],
];

describe("tornado-ts/locale against Tornado 6.2 (gettext catalogues)", () => {
  let root: string;
  let reference: { codes: string[]; plural: string[]; cases: string[] };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "locale-mo-"));
    writeCatalog(root, "pl", PL_RULE, {
      "": {
        file: { msgid_plural: "files", msgstr: ["plik", "pliki", "plików"] },
        Hello: { msgstr: ["Cześć"] },
        club: { msgid_plural: "clubs", msgstr: ["klub", "kluby", "klubów"] },
      },
      law: { right: { msgstr: ["prawo"] } },
      good: { right: { msgstr: ["słusznie"] } },
      organization: {
        club: { msgid_plural: "clubs", msgstr: ["klub (org)", "kluby (org)", "klubów (org)"] },
      },
    });
    writeCatalog(root, "fr", "nplurals=2; plural=(n > 1);", {
      "": {
        file: { msgid_plural: "files", msgstr: ["fichier", "fichiers"] },
        Hello: { msgstr: ["Bonjour"] },
      },
    });
    const script = `
import json, sys
import tornado.locale as L
L.load_gettext_translations(${JSON.stringify(root)}, "app")
out = {"codes": sorted(L.get_supported_locales())}
out["plural"] = [L.get("pl").translate("file", "files", n) for n in ${JSON.stringify(COUNTS)}]
res = []
for code, ctx, m, p, c in json.loads(${JSON.stringify(JSON.stringify(GETTEXT_CASES))}):
    loc = L.get(code)
    if ctx is None:
        res.append(loc.translate(m, p, c))
    else:
        res.append(loc.pgettext(ctx, m, p, c))
out["cases"] = res
json.dump(out, sys.stdout, ensure_ascii=False)
`;
    reference = JSON.parse(await runPython(script));
    loadGettextTranslations(root, "app");
  });

  it("finds the same catalogues", () => {
    assert.deepEqual(getSupportedLocales(), reference.codes);
  });

  it("chooses Polish plural forms by the catalogue's rule as Python's gettext does", () => {
    assert.deepEqual(
      COUNTS.map((n) => Locale.get("pl").translate("file", "files", n)),
      reference.plural,
    );
  });

  it("translates with and without context, falling back as Tornado does", () => {
    const actual = GETTEXT_CASES.map(([code, context, message, plural, count]) => {
      const locale = Locale.get(code);
      if (context === null)
        return locale.translate(message, plural ?? undefined, count ?? undefined);
      return locale.pgettext(context, message, plural ?? undefined, count ?? undefined);
    });
    assert.deepEqual(actual, reference.cases);
  });
});
