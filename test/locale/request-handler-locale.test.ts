// RequestHandler.locale, getUserLocale() and getBrowserLocale(), compared with Tornado 6.2 serving
// the same translations on the same Accept-Language headers.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Locale, loadTranslations } from "tornado-ts/locale";
import { TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { startTornado, type TornadoProcess } from "../support/python-tornado.ts";

const HEADERS = [
  "fr;q=0.5, es-LA;q=0.8",
  "de, fr;q=0.1",
  "fr;q=0",
  "es-la;q=abc, fr",
  "fr;q=-1,es_LA",
  "*",
  "es",
  "es-ES, fr-CA;q=0.9",
  "fr;q=0.5, es-LA;q=0.5",
  "es-LA;q=0.5, fr;q=0.5",
  "fr;q=1e-1, es_LA;q=.05",
  "fr;q=inf, es_LA",
  "fr;q=nan, es_LA;q=0.1",
  "fr; q=0.9, es_LA",
  "fr;level=1;q=0.1, es_LA;q=0.2",
  "xx_YY_ZZ, fr",
  ",,fr",
  "",
  "en-GB,en;q=0.9",
];

class CodeHandler extends RequestHandler {
  override get() {
    this.write(this.locale.code);
  }
}

class GreetingHandler extends RequestHandler {
  override getUserLocale(): Locale | null {
    const lang = this.getQueryArgument("lang", null);
    return lang === null ? null : Locale.get(lang);
  }
  override get() {
    const _ = this.locale.translate;
    this.write(`${_("Hello")} / ${this.locale.code}`);
  }
}

class AssignedHandler extends RequestHandler {
  override prepare() {
    this.locale = Locale.get("fr");
  }
  override get() {
    this.write(
      `${this.locale.translate("Hello")} ${this.getBrowserLocale().code} ${this.getBrowserLocale("es_LA").code}`,
    );
  }
}

describe("the request's locale", () => {
  let directory: string;
  let server: TestServer;
  let tornado: TornadoProcess;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), "handler-locale-"));
    writeFileSync(join(directory, "es_LA.csv"), '"Hello","Hola"\n');
    writeFileSync(join(directory, "fr.csv"), '"Hello","Bonjour"\n');
    loadTranslations(directory);
    server = await TestServer.start(
      new Application([
        ["/code", CodeHandler],
        ["/greet", GreetingHandler],
        ["/assigned", AssignedHandler],
      ]),
    );
    tornado = await startTornado(`
import tornado.locale
tornado.locale.load_translations(${JSON.stringify(directory)})
class CodeHandler(tornado.web.RequestHandler):
    def get(self):
        self.write(self.locale.code)
app = tornado.web.Application([("/code", CodeHandler)])
`);
  });
  after(async () => {
    await server.close();
    await tornado.close();
  });

  it("comes from Accept-Language with q weights, as Tornado picks it", async () => {
    const ours: string[] = [];
    const theirs: string[] = [];
    for (const header of HEADERS) {
      ours.push((await server.fetch("/code", { headers: { "Accept-Language": header } })).text);
      const response = await fetch(tornado.url("/code"), {
        headers: { "Accept-Language": header },
      });
      theirs.push(await response.text());
    }
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ours.slice(0, 7), ["es_LA", "fr", "en_US", "fr", "es_LA", "en_US", "en_US"]);
  });

  it("is the default locale without the header", async () => {
    assert.equal((await server.fetch("/code")).text, "en_US");
  });

  it("comes from getUserLocale() when it gives one", async () => {
    const headers = { "Accept-Language": "fr" };
    assert.equal((await server.fetch("/greet?lang=es_LA", { headers })).text, "Hola / es_LA");
    assert.equal((await server.fetch("/greet", { headers })).text, "Bonjour / fr");
  });

  it("can be assigned, and getBrowserLocale() takes a default", async () => {
    assert.equal((await server.fetch("/assigned")).text, "Bonjour en_US es_LA");
  });
});
