// The program of Tornado's LoggingOptionTest: runs one statement (named by STATEMENT), then logs
// "hello" at INFO, so the test can tell whether tornado-ts's logging hooks ran.
import { appLog } from "tornado-ts/log";
import { options, parseCommandLine } from "tornado-ts/options";

switch (process.env["STATEMENT"]) {
  case "parse":
    parseCommandLine();
    break;
  case "none-string":
    options["logging"] = "none";
    parseCommandLine();
    break;
  case "none":
    options["logging"] = null;
    parseCommandLine();
    break;
  default:
    break;
}
appLog.info("hello");
