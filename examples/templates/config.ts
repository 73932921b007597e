// The tutorial's config.py for the 模板 chapter: where templates and static files live.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApplicationSettings } from "tornado-ts/web";

export const BASE_DIRS = dirname(fileURLToPath(import.meta.url));

export const settings: ApplicationSettings = {
  templatePath: join(BASE_DIRS, "templates"),
  staticPath: join(BASE_DIRS, "static"),
};
