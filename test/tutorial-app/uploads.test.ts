// Upload names come from the client: safeUploadName keeps a plain last segment, so that
// nothing is written outside upfile/ (path traversal, hidden files, odd characters).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { safeUploadName, safeUploadPath } from "../../examples/tutorial-app/views/uploads.ts";

describe("upload file names", () => {
  it("keeps ordinary names, spaces and non-ASCII letters", () => {
    assert.equal(safeUploadName("1.txt"), "1.txt");
    assert.equal(safeUploadName("1 2.txt"), "1 2.txt");
    assert.equal(safeUploadName("照片 1.png"), "照片 1.png");
  });

  it("drops every folder part, with / or \\", () => {
    assert.equal(safeUploadName("../../etc/passwd"), "passwd");
    assert.equal(safeUploadName("C:\\Windows\\win.ini"), "win.ini");
    assert.equal(safeUploadName("/abs/x.txt"), "x.txt");
  });

  it("leaves no leading dots, control characters or reserved characters", () => {
    assert.equal(safeUploadName(".gitkeep"), "gitkeep");
    assert.match(safeUploadName(".."), /^upload-[0-9a-f]{8}$/);
    assert.match(safeUploadName(""), /^upload-[0-9a-f]{8}$/);
    assert.equal(safeUploadName("a\u0000b\nc.txt"), "a_b_c.txt");
    assert.equal(safeUploadName('what?<is>"this"|*.txt'), "what__is__this___.txt");
  });

  it("shortens long names to 120 characters, keeping the extension", () => {
    const name = safeUploadName(`${"x".repeat(300)}.jpeg`);
    assert.equal(name.length, 120);
    assert.ok(name.endsWith("x.jpeg"));
  });

  it("puts the file directly inside the upload folder", () => {
    assert.equal(safeUploadPath("/srv/upfile", "../../x.txt"), join("/srv/upfile", "x.txt"));
    assert.equal(safeUploadPath("/srv/upfile/", "a/b/c.txt"), join("/srv/upfile", "c.txt"));
  });
});
