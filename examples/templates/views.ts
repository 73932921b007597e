// The tutorial's handlers for the 模板 chapter (project03 index.py), in TypeScript.
import { RequestHandler, StaticFileHandler } from "tornado-ts/web";

/** 传输变量与表达式: self.render('home.html', num=temp, per=dict) */
export class HomeHandler extends RequestHandler {
  override get() {
    const temp = 100;
    const dict = { name: "tom", age: 18 };
    return this.render("home.html", { num: temp, per: dict });
  }
}

/** 前端模板流程控制: if / elif / else and for. */
export class FlowHandler extends RequestHandler {
  override get() {
    const score = Number(this.getArgument("score", "85"));
    return this.render("flow.html", { score, stus: ["tom", "lily", "lucy"] });
  }
}

/** 自定义函数: a function passed to the template and called there. */
export class FunctionHandler extends RequestHandler {
  override get() {
    const mySum = (n1: number, n2: number) => n1 + n2;
    return this.render("func.html", { mySum });
  }
}

/** 转义, 情况一: {{ str }} is escaped, {% raw str %} is not. */
export class TransHandler extends RequestHandler {
  override get() {
    const str = "<h1>sunck is a good man </h1>";
    return this.render("trans.html", { str });
  }
}

/** 转义, 情况二: {% autoescape None %} turns escaping off for the whole file; escape() still escapes. */
export class Trans2Handler extends RequestHandler {
  override get() {
    const str = "<h1>sunck is a good man </h1>";
    return this.render("trans2.html", { str });
  }
}

/** 继承: cart.html extends base.html. */
export class CartHandler extends RequestHandler {
  override get() {
    return this.render("cart.html");
  }
}

/** static_url(): the page links its stylesheet with a content hash. */
export class StaticUrlHandler extends RequestHandler {
  override get() {
    return this.render("static.html");
  }
}

/**
 * 应用安全: the tutorial's StaticFileHandler subclass, which reads the XSRF token in its
 * constructor so that every static page sets the `_xsrf` cookie.
 */
export class XsrfStaticFileHandler extends StaticFileHandler {
  constructor(...args: ConstructorParameters<typeof StaticFileHandler>) {
    super(...args);
    // self.xsrf_token: reading the token sets the _xsrf cookie.
    void this.xsrfToken;
  }
}
