// The static page carries both languages; this picks one before the page is drawn, as the server
// does for its pages: the language chosen with the switch (the locale cookie), else the
// browser's first language the site speaks, else English.
(() => {
  const chosen = /(?:^|;\s*)locale=(en_US|zh_CN)(?:;|$)/.exec(document.cookie)?.[1];
  // As tornado-ts/locale reads Accept-Language: zh-CN is Chinese, English is the default.
  const asked = (navigator.languages || [navigator.language]).find((l) =>
    /^(en|zh[-_]cn)$|^en-/i.test(l),
  );
  const zh = chosen ? chosen === "zh_CN" : /^zh[-_]cn$/i.test(asked || "");
  document.documentElement.lang = zh ? "zh-CN" : "en-US";
  document.addEventListener("DOMContentLoaded", () => {
    const code = zh ? "zh_CN" : "en_US";
    for (const link of document.querySelectorAll(".languages a")) {
      if (link.dataset.code === code) {
        link.classList.add("active");
        link.setAttribute("aria-current", "true");
      }
    }
  });
})();
