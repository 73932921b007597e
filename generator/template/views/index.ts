// The handlers (the Tornado tutorial's views/index.py).
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { RequestHandler } from "tornado-ts/web";
import { UPLOAD_DIR } from "../config.ts";

/** `/`: the home page, rendered from templates/index.html. */
export class IndexHandler extends RequestHandler {
  get() {
    const name = this.getQueryArgument("name", "tornado-ts");
    return this.render("index.html", { name });
  }
}

/**
 * `/upfile`: POST saves each uploaded file in upfile/ and answers `ok`. The client chooses file
 * names, so only a plain last path segment is kept: nothing is written outside the folder.
 */
export class UpFileHandler extends RequestHandler {
  async post() {
    await mkdir(UPLOAD_DIR, { recursive: true });
    for (const files of Object.values(this.request.files)) {
      for (const file of files) {
        const name = basename(file.filename.replaceAll("\\", "/")).replace(/^\.+/, "");
        if (name === "") continue;
        await writeFile(join(UPLOAD_DIR, name), file.body);
      }
    }
    this.write("ok");
  }
}
