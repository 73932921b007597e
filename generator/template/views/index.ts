// The handlers (the Tornado tutorial's views/index.py).
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { RequestHandler, safeNextUrl } from "tornado-ts/web";
import { UPLOAD_DIR } from "../config.ts";

/** The handlers' base: who is signed in, from the signed `user` cookie. */
export class BaseHandler extends RequestHandler {
  override getCurrentUser() {
    return this.getSignedCookie("user");
  }
}

/** `/`: the home page, rendered from templates/index.html. */
export class IndexHandler extends BaseHandler {
  override get() {
    const name = this.getQueryArgument("name", "tornado-ts");
    return this.render("index.html", { name, user: this.currentUser });
  }
}

/**
 * `/login`: GET shows the form; POST signs the user in with the name given (a signed `user`
 * cookie that scripts cannot read, sent back only from this site's own pages, and only over TLS
 * when served over TLS) and returns to `next` when it stays on this site. A real application
 * checks a password here.
 */
export class LoginHandler extends BaseHandler {
  override get() {
    return this.render("login.html", { next: safeNextUrl(this) });
  }

  override post() {
    const name = this.getBodyArgument("name", "").trim();
    if (name === "") {
      this.redirect("/login");
      return;
    }
    this.setSignedCookie("user", name, {
      expiresDays: 1,
      httpOnly: true,
      sameSite: "Lax",
      secure: this.request.protocol === "https",
    });
    this.redirect(safeNextUrl(this));
  }
}

/** `/logout` (POST): forgets the signed-in user. */
export class LogoutHandler extends BaseHandler {
  override post() {
    this.clearCookie("user");
    this.redirect("/");
  }
}

/**
 * `/upfile`: POST saves each uploaded file in upfile/ and answers `ok`. The client chooses file
 * names, so only a plain last path segment is kept: nothing is written outside the folder.
 */
export class UpFileHandler extends BaseHandler {
  override async post() {
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
