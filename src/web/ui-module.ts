/**
 * UI modules and UI methods for templates (Tornado's `UIModule`, `ui_modules`, `ui_methods`): the
 * `modules` namespace, and the CSS and JavaScript they add to a rendered page.
 * @module
 */
import { type LinkifyOptions, linkify, xhtmlEscape } from "../escape.ts";
import type { HTTPServerRequest } from "../httputil/request.ts";
import type { ApplicationSettings, RequestHandler } from "./request-handler.ts";

/** A file list or a single file, as a UI module returns its JavaScript or CSS files. */
export type ResourceFiles = string | readonly string[] | null | undefined;

/**
 * A reusable piece of a page, rendered with `{% module Name(args) %}` (Tornado's `UIModule`).
 *
 * Subclass it, implement `render()`, and list the class in the `uiModules` setting. A module may
 * also contribute JavaScript and CSS (`javascriptFiles`, `embeddedJavascript`, `cssFiles`,
 * `embeddedCss`) and raw HTML (`htmlHead`, `htmlBody`); `render()` inserts each module class's
 * contributions once per page, before `</head>` and `</body>`. One instance serves every use of
 * the module in one request.
 */
export class UIModule {
  /** The handler rendering the page. */
  readonly handler: RequestHandler;
  /** The request being served. */
  readonly request: HTTPServerRequest;

  constructor(handler: RequestHandler) {
    this.handler = handler;
    this.request = handler.request;
  }

  /** The handler's UI namespace (its UI methods and `modules`). */
  get ui(): Record<string, unknown> {
    return this.handler.ui;
  }

  /** The handler's locale, when the handler has one. */
  get locale(): unknown {
    return this.handler.locale;
  }

  /** The handler's current user. */
  get currentUser(): unknown {
    return this.handler.currentUser;
  }

  /** The HTML for one use of the module. */
  render(..._args: unknown[]): string {
    throw new Error(`${this.constructor.name} must implement render()`);
  }

  /** JavaScript to run on the page, placed in a `<script>` before `</body>`. */
  embeddedJavascript(): string | null {
    return null;
  }

  /** Script URLs (relative ones go through `staticUrl`), placed before `</body>`. */
  javascriptFiles(): ResourceFiles {
    return null;
  }

  /** CSS placed in a `<style>` before `</head>`. */
  embeddedCss(): string | null {
    return null;
  }

  /** Stylesheet URLs (relative ones go through `staticUrl`), placed before `</head>`. */
  cssFiles(): ResourceFiles {
    return null;
  }

  /** HTML placed before `</head>`. */
  htmlHead(): string | null {
    return null;
  }

  /** HTML placed before `</body>`. */
  htmlBody(): string | null {
    return null;
  }

  /** Renders a template with the handler's namespace (see `RequestHandler.renderString`). */
  renderString(path: string, vars: Record<string, unknown> = {}): string {
    return this.handler.renderString(path, vars);
  }
}

/** A {@link UIModule} subclass, as the `uiModules` setting lists them. */
export type UIModuleClass = new (handler: RequestHandler) => UIModule;

/** The `uiModules` setting: module classes by name, or a list of such objects (a module's exports). */
export type UIModulesSetting =
  | Readonly<Record<string, unknown>>
  | readonly Readonly<Record<string, unknown>>[];

/** The `uiMethods` setting: functions by name (called with the handler first), or a list of such objects. */
export type UIMethodsSetting =
  | Readonly<Record<string, unknown>>
  | readonly Readonly<Record<string, unknown>>[];

class LinkifyModule extends UIModule {
  override render(text: string, options?: LinkifyOptions): string {
    return linkify(text, options);
  }
}

class XsrfFormHtmlModule extends UIModule {
  override render(): string {
    return this.handler.xsrfFormHtml();
  }
}

const RESOURCE_KEYS: Record<string, string> = {
  embedded_javascript: "embedded_javascript",
  embeddedJavascript: "embedded_javascript",
  javascript_files: "javascript_files",
  javascriptFiles: "javascript_files",
  embedded_css: "embedded_css",
  embeddedCss: "embedded_css",
  css_files: "css_files",
  cssFiles: "css_files",
  html_head: "html_head",
  htmlHead: "html_head",
  html_body: "html_body",
  htmlBody: "html_body",
};

type Resources = Record<string, unknown>;

/**
 * Renders another template as a module: `{% module Template("item.html", { item }) %}` (Tornado's
 * `TemplateModule`). The template sees the handler's namespace plus the given variables (not the
 * calling template's), and may call `set_resources({ embedded_css: "...", javascript_files:
 * [...] })` (camelCase keys work too) to add resources to the page; a template's resources are
 * collected once, and must be the same on every use.
 */
export class TemplateModule extends UIModule {
  readonly #resources: Resources[] = [];
  readonly #byPath = new Map<string, string>();

  override render(path: string, vars: Record<string, unknown> = {}): string {
    const setResources = (resources: Record<string, unknown> = {}): string => {
      const normalized: Resources = {};
      for (const [key, value] of Object.entries(resources)) {
        const name = RESOURCE_KEYS[key];
        if (name === undefined) throw new TypeError(`set_resources got an unknown resource ${key}`);
        normalized[name] = value;
      }
      const signature = JSON.stringify(
        Object.entries(normalized).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
      const known = this.#byPath.get(path);
      if (known === undefined) {
        this.#byPath.set(path, signature);
        this.#resources.push(normalized);
      } else if (known !== signature) {
        throw new Error("set_resources called with different resources for the same template");
      }
      return "";
    };
    return this.renderString(path, { ...vars, set_resources: setResources, setResources });
  }

  #strings(key: string): string[] {
    return this.#resources.filter((r) => key in r).map((r) => String(r[key]));
  }

  #files(key: string): string[] {
    const out: string[] = [];
    for (const resources of this.#resources) {
      if (!(key in resources)) continue;
      const value = resources[key];
      if (typeof value === "string") out.push(value);
      else if (Array.isArray(value)) out.push(...value.map(String));
    }
    return out;
  }

  override embeddedJavascript(): string {
    return this.#strings("embedded_javascript").join("\n");
  }

  override javascriptFiles(): string[] {
    return this.#files("javascript_files");
  }

  override embeddedCss(): string {
    return this.#strings("embedded_css").join("\n");
  }

  override cssFiles(): string[] {
    return this.#files("css_files");
  }

  override htmlHead(): string {
    return this.#strings("html_head").join("");
  }

  override htmlBody(): string {
    return this.#strings("html_body").join("");
  }
}

function isModuleClass(value: unknown): value is UIModuleClass {
  return typeof value === "function" && value.prototype instanceof UIModule;
}

type UIMethod = (handler: RequestHandler, ...args: unknown[]) => unknown;

function entriesOf(setting: UIModulesSetting | UIMethodsSetting | undefined): [string, unknown][] {
  if (setting === undefined) return [];
  const list: readonly object[] = Array.isArray(setting) ? setting : [setting];
  return list.flatMap((object) => Object.entries(object));
}

function isUIMethod(name: string, value: unknown): value is UIMethod {
  return typeof value === "function" && !name.startsWith("_") && name[0]?.toLowerCase() === name[0];
}

/**
 * The UI modules (built-ins first) and UI methods of one application, read from its settings on
 * first use, and the `ui` namespace they give each of its handlers. Made by the Application.
 * @internal
 */
export class UIRegistry {
  readonly #settings: Pick<ApplicationSettings, "uiModules" | "uiMethods">;
  #modules: ReadonlyMap<string, UIModuleClass> | undefined;
  #methods: ReadonlyMap<string, UIMethod> | undefined;

  constructor(settings: Pick<ApplicationSettings, "uiModules" | "uiMethods">) {
    this.#settings = settings;
  }

  #load(): { modules: ReadonlyMap<string, UIModuleClass>; methods: ReadonlyMap<string, UIMethod> } {
    if (this.#modules === undefined || this.#methods === undefined) {
      const modules = new Map<string, UIModuleClass>([
        ["linkify", LinkifyModule],
        ["xsrf_form_html", XsrfFormHtmlModule],
        ["xsrfFormHtml", XsrfFormHtmlModule],
        ["Template", TemplateModule],
      ]);
      // As in Tornado, entries that are not UIModule subclasses are skipped, so a module's whole
      // export object can be passed.
      for (const [name, value] of entriesOf(this.#settings.uiModules)) {
        if (isModuleClass(value)) modules.set(name, value);
      }
      const methods = new Map<string, UIMethod>();
      for (const [name, value] of entriesOf(this.#settings.uiMethods)) {
        if (isUIMethod(name, value)) methods.set(name, value);
      }
      this.#modules = modules;
      this.#methods = methods;
    }
    return { modules: this.#modules, methods: this.#methods };
  }

  /**
   * The UI namespace of a handler (Tornado's `handler.ui`): each UI method bound to the handler,
   * and `modules` (also `_tt_modules`, which `{% module %}` uses), where each UI module is a
   * function rendering it.
   */
  namespaceFor(handler: RequestHandler): Record<string, unknown> {
    const { modules, methods } = this.#load();
    const namespace: Record<string, unknown> = {};
    for (const [name, method] of methods)
      namespace[name] = (...args: unknown[]) => method(handler, ...args);
    const moduleFunctions: Record<string, (...args: unknown[]) => unknown> = {};
    for (const [name, cls] of modules) {
      moduleFunctions[name] = (...args: unknown[]) => {
        let active = activeModules.get(handler);
        if (active === undefined) {
          active = new Map();
          activeModules.set(handler, active);
        }
        let instance = active.get(name);
        if (instance === undefined) {
          instance = new cls(handler);
          active.set(name, instance);
        }
        return instance.render(...args);
      };
    }
    namespace["_tt_modules"] = moduleFunctions;
    namespace["modules"] = moduleFunctions;
    return namespace;
  }

  /** The page with the resources of the UI modules `handler` used (see `insertModuleResources`). */
  insertResources(handler: RequestHandler, html: string): string {
    return insertModuleResources(handler, html);
  }
}

const activeModules = new WeakMap<RequestHandler, Map<string, UIModule>>();

function filesOf(part: ResourceFiles): string[] {
  if (!part) return [];
  return typeof part === "string" ? [part] : [...part];
}

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || path.startsWith("http:") || path.startsWith("https:");
}

function linkedUrls(handler: RequestHandler, files: readonly string[]): string[] {
  const urls = files.map((path) => (isAbsolute(path) ? path : handler.staticUrl(path)));
  return [...new Set(urls)];
}

function insertBefore(html: string, marker: string, last: boolean, text: string): string {
  const at = last ? html.lastIndexOf(marker) : html.indexOf(marker);
  if (at === -1) {
    throw new Error(`The page has no ${marker} to insert the UI modules' resources before`);
  }
  return html.slice(0, at) + text + "\n" + html.slice(at);
}

/**
 * Adds the resources of the UI modules used while rendering to the page, as Tornado's
 * `render()` does: script files then embedded scripts before the last `</body>`, stylesheets,
 * embedded CSS and `htmlHead` parts before the first `</head>`, and `htmlBody` parts before the
 * first `</body>`. A page without the needed tag is an error (a 500).
 */
export function insertModuleResources(handler: RequestHandler, html: string): string {
  const active = activeModules.get(handler);
  if (active === undefined || active.size === 0) return html;
  const jsEmbed: string[] = [];
  const jsFiles: string[] = [];
  const cssEmbed: string[] = [];
  const cssFiles: string[] = [];
  const heads: string[] = [];
  const bodies: string[] = [];
  for (const module of active.values()) {
    const js = module.embeddedJavascript();
    if (js) jsEmbed.push(js);
    jsFiles.push(...filesOf(module.javascriptFiles()));
    const css = module.embeddedCss();
    if (css) cssEmbed.push(css);
    cssFiles.push(...filesOf(module.cssFiles()));
    const head = module.htmlHead();
    if (head) heads.push(head);
    const body = module.htmlBody();
    if (body) bodies.push(body);
  }
  let page = html;
  if (jsFiles.length > 0) {
    const tags = linkedUrls(handler, jsFiles)
      .map((url) => `<script src="${xhtmlEscape(url)}" type="text/javascript"></script>`)
      .join("");
    page = insertBefore(page, "</body>", true, tags);
  }
  if (jsEmbed.length > 0) {
    const script = `<script type="text/javascript">\n//<![CDATA[\n${jsEmbed.join("\n")}\n//]]>\n</script>`;
    page = insertBefore(page, "</body>", true, script);
  }
  if (cssFiles.length > 0) {
    const links = linkedUrls(handler, cssFiles)
      .map((url) => `<link href="${xhtmlEscape(url)}" type="text/css" rel="stylesheet"/>`)
      .join("");
    page = insertBefore(page, "</head>", false, links);
  }
  if (cssEmbed.length > 0) {
    page = insertBefore(
      page,
      "</head>",
      false,
      `<style type="text/css">\n${cssEmbed.join("\n")}\n</style>`,
    );
  }
  if (heads.length > 0) page = insertBefore(page, "</head>", false, heads.join(""));
  if (bodies.length > 0) page = insertBefore(page, "</body>", false, bodies.join(""));
  return page;
}
