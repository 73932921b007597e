// The tutorial's file upload (tornado.httputil.HTTPFile / 文件上传), made safe: the client's file
// name goes through safeFilename() before it touches the disk, so "../../etc/passwd" cannot escape
// the upload folder. A second handler streams large uploads to disk part by part
// (MultipartUploadHandler), so a file larger than memory can be taken.
import { mkdirSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  Application,
  type MultipartStreamOptions,
  MultipartUploadHandler,
  RequestHandler,
  safeFilename,
  safeJoin,
} from "tornado-ts/web";

const FORM = `<form method="post" action="/upfile" enctype="multipart/form-data">
  <input type="file" name="file">
  <input type="file" name="file">
  <input type="file" name="img">
  <input type="submit" value="上传">
</form>`;

declare module "tornado-ts/web" {
  interface ApplicationSettings {
    /** Where uploaded files are kept (the tutorial's `upfile/` folder). */
    uploadPath?: string;
  }
}

/** The tutorial's UpFileHandler: the whole body in memory, files in `this.request.files`. */
export class UpFileHandler extends RequestHandler {
  override get() {
    this.write(FORM);
  }

  override async post() {
    const saved: string[] = [];
    const filesDict = this.request.files;
    for (const inputName of Object.keys(filesDict)) {
      for (const fileObject of filesDict[inputName]!) {
        // The tutorial joins fileObject.filename to the folder as it is: never do that.
        const name = safeFilename(fileObject.filename);
        const filePath = safeJoin(this.settings.uploadPath!, name);
        await writeFile(filePath, fileObject.body);
        saved.push(name);
      }
    }
    this.write({ saved });
  }
}

/** The same upload for files larger than memory: streamed to disk, then moved into place. */
export class BigUpFileHandler extends MultipartUploadHandler {
  override multipartOptions(): MultipartStreamOptions {
    return { uploadDir: join(this.settings.uploadPath!, ".incoming") };
  }

  override async post() {
    const files = await this.receiveUploads();
    const saved: string[] = [];
    for (const list of Object.values(files)) {
      for (const file of list) {
        await rename(file.path, safeJoin(this.settings.uploadPath!, file.safeName));
        saved.push(file.safeName);
      }
    }
    this.write({ saved, note: this.getBodyArgument("note", "") });
  }
}

/** The upload application; files go to `uploadPath` (created when missing). */
export function makeUploadApp(uploadPath: string): Application {
  mkdirSync(uploadPath, { recursive: true });
  return new Application(
    [
      ["/upfile", UpFileHandler],
      ["/bigupfile", BigUpFileHandler],
    ],
    { uploadPath },
  );
}
