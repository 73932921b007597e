/**
 * Tornado's template language with JavaScript expressions (Tornado's `tornado.template`):
 * {@link Template}, the {@link Loader} and {@link DictLoader} that cache compiled templates, and
 * {@link ParseError}.
 *
 * ```ts
 * const loader = new Loader("templates");
 * const html = loader.load("home.html").generate({ num: 100, per: { name: "tom" } });
 * ```
 * @module
 */
export { PyDate, PyDateTime } from "./datetime.ts";
export {
  formatLocation,
  ParseError,
  type TemplateLocation,
  templateErrorLocation,
} from "./errors.ts";
export { filterWhitespace, type WhitespaceMode } from "./parser.ts";
export {
  BaseLoader,
  DictLoader,
  Loader,
  type LoaderOptions,
  Template,
  type TemplateOptions,
  TemplatePathError,
} from "./template.ts";
