// The tutorial's 模板 chapter (project03 views/index.py): variables and expressions, a function
// passed to the template, escaping, and inheritance. Every page extends templates/base.html.
import { BaseHandler } from "./base.ts";

/** `/home-template`: `render('home.html', num=temp, per=dict)`. */
export class HomeTemplateHandler extends BaseHandler {
  override get() {
    const temp = 100;
    const dict = { name: "tom", age: 18 };
    return this.render("home.html", { num: temp, per: dict, stus: ["tom", "lily", "lucy"] });
  }
}

/** `/function`: a function defined in the handler and called in the template, `mySum(100, 89)`. */
export class FunctionHandler extends BaseHandler {
  override get() {
    const mySum = (n1: number, n2: number) => n1 + n2;
    return this.render("function.html", { mySum });
  }
}

/** `/trans`: `{{ str }}` is escaped, `{% raw str %}` is not, `escape(str)` escapes again. */
export class TransHandler extends BaseHandler {
  override get() {
    const str = "<h1>sunck is a good man </h1>";
    return this.render("trans.html", { str });
  }
}

/** `/cart`: `{% extends "base.html" %}` and `{% block main %}`. */
export class CartHandler extends BaseHandler {
  override get() {
    return this.render("cart.html");
  }
}
