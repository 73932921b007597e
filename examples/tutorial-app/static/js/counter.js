// The tutorial's XSRF examples that post by script: read the _xsrf cookie (set when this static
// page was served) and send it back, in the body or in the X-XSRFToken header.
function getCookie(name) {
  // The tutorial's pattern reads [^:]*, which runs into the next cookie; [^;]* stops at it.
  const match = document.cookie.match(`\\b${name}=([^;]*)\\b`);
  return match ? match[1] : undefined;
}

function showCount(html) {
  const match = /第(\d+)次访问/.exec(html);
  document.getElementById("count").textContent = match ? match[0] : "?";
}

// 第二种: _xsrf in the form-encoded body.
function countWithBody() {
  const body = new URLSearchParams({ _xsrf: getCookie("_xsrf"), username: "hh", passwd: "123456" });
  return fetch("/postfile", { method: "POST", body })
    .then((response) => response.text())
    .then(showCount);
}

// 第三种: the token in the X-XSRFToken header.
function countWithHeader() {
  return fetch("/postfile", {
    method: "POST",
    headers: { "X-XSRFToken": getCookie("_xsrf") },
    body: new URLSearchParams({ username: "sunck", passwd: "123456" }),
  })
    .then((response) => response.text())
    .then(showCount);
}

document.getElementById("count-body").addEventListener("click", countWithBody);
document.getElementById("count-header").addEventListener("click", countWithHeader);
