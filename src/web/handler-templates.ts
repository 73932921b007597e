/**
 * Templates, static URLs and the template namespace of a request handler: the work behind
 * RequestHandler's `createTemplateLoader`, `getTemplateNamespace`, `renderString` and `staticUrl`,
 * which stay the override points. Internal to `tornado-ts/web`.
 * @module
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BaseLoader, Loader, type LoaderOptions } from "../template/index.ts";
import type { ApplicationSettings } from "./application.ts";
import type { RequestHandler } from "./request-handler.ts";

/** Options for {@link RequestHandler.staticUrl}. */
export interface StaticUrlOptions {
  /** Prefix `protocol://host` (default: the handler's `includeHost`). */
  includeHost?: boolean | undefined;
  /** Add the `?v=` content hash (default true). */
  includeVersion?: boolean | undefined;
}

/** What `staticUrl` needs of the `staticHandlerClass` setting (StaticFileHandler has it). */
interface StaticUrlMaker {
  makeStaticUrl(settings: ApplicationSettings, path: string, includeVersion?: boolean): string;
}

// Template loaders by directory and settings, for the whole process (as Tornado keeps them).
const templateLoaders = new Map<string, BaseLoader>();
const FRAMEWORK_SOURCE = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The directory of the first source file on the stack outside tornado-ts itself. */
function callerDirectory(): string {
  for (const line of (new Error().stack ?? "").split("\n").slice(1)) {
    const match = /((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/.exec(line);
    if (!match) continue;
    const file = match[1]!.startsWith("file://") ? fileURLToPath(match[1]!) : match[1]!;
    if (!file.startsWith(FRAMEWORK_SOURCE)) return dirname(file);
  }
  return process.cwd();
}

/**
 * The default loader for a template directory: the `templateLoader` setting when given, else a
 * {@link Loader} with the `autoescape` and `templateWhitespace` settings.
 */
export function defaultTemplateLoader(
  settings: ApplicationSettings,
  templatePath: string,
): BaseLoader {
  if (settings.templateLoader) return settings.templateLoader;
  const options: LoaderOptions = {};
  if ("autoescape" in settings) options.autoescape = settings.autoescape ?? null;
  if (settings.templateWhitespace) options.whitespace = settings.templateWhitespace;
  return new Loader(templatePath, options);
}

/** The names every template rendered by `handler` sees (see `getTemplateNamespace`). */
export function templateNamespace(handler: RequestHandler): Record<string, unknown> {
  const locale = handler.locale;
  const translate = locale.translate;
  const pgettext = locale.pgettext;
  const staticUrl = (path: string, includeHost?: boolean | StaticUrlOptions) =>
    handler.staticUrl(path, includeHost);
  const xsrfFormHtml = () => handler.xsrfFormHtml();
  const reverseUrl = (name: string, ...args: unknown[]) => handler.reverseUrl(name, ...args);
  const currentUser = handler.currentUser;
  return {
    handler,
    request: handler.request,
    current_user: currentUser,
    currentUser,
    locale,
    _: translate,
    pgettext,
    static_url: staticUrl,
    staticUrl,
    xsrf_form_html: xsrfFormHtml,
    xsrfFormHtml,
    reverse_url: reverseUrl,
    reverseUrl,
    ...handler.ui,
  };
}

/** Renders a template to a string for `handler` (see `renderString`). */
export function renderToString(
  handler: RequestHandler,
  state: { templatesReset: boolean },
  templateName: string,
  vars: Record<string, unknown>,
): string {
  const settings = handler.settings;
  const templatePath = handler.getTemplatePath() ?? callerDirectory();
  const key = `${resolve(templatePath)}\0${settings.autoescape}\0${settings.templateWhitespace}`;
  let loader = settings.templateLoader ?? templateLoaders.get(key);
  if (loader === undefined) {
    loader = handler.createTemplateLoader(templatePath);
    templateLoaders.set(key, loader);
  }
  if (settings.compiledTemplateCache === false && !state.templatesReset) {
    state.templatesReset = true;
    loader.reset();
  }
  const template = loader.load(templateName);
  return template.generate({ ...handler.getTemplateNamespace(), ...vars });
}

/** The URL of a static file for `handler` (see `staticUrl`). */
export function staticUrlFor(
  handler: RequestHandler,
  path: string,
  includeHost: boolean | StaticUrlOptions | undefined,
): string {
  const settings = handler.settings;
  if (settings.staticPath === undefined) {
    throw new Error(
      "You must define the 'staticPath' setting in your application to use staticUrl",
    );
  }
  const options = typeof includeHost === "object" ? includeHost : { includeHost };
  const maker = settings.staticHandlerClass as unknown as StaticUrlMaker;
  const url = maker.makeStaticUrl(settings, path, options.includeVersion ?? true);
  const withHost = options.includeHost ?? handler.includeHost;
  return withHost ? `${handler.request.protocol}://${handler.request.host}${url}` : url;
}
