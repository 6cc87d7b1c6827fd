// Runs the public draw page's in-browser check (static/inspections/verify-draw.js) under Node, on a
// package file, with a stub page: prints {"summary", "checks"} as JSON. Used by tests/inspections.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [script, packagePath] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(packagePath, "utf8"));
const checks = [];
const summary = { textContent: "", className: "" };
const list = { textContent: "", appendChild: (item) => checks.push(item) };
const button = {
  disabled: false,
  getAttribute: () => "package.json",
  addEventListener: (event, handler) => { button.handler = handler; },
};
let ready = null;
const document = {
  getElementById: (id) => ({ "verify-button": button, "verify-checks": list, "verify-result": summary })[id],
  createElement: () => ({ className: "", textContent: "" }),
  addEventListener: (event, handler) => { ready = handler; },
};
const context = {
  document,
  window: { crypto: globalThis.crypto },
  crypto: globalThis.crypto,
  TextEncoder,
  fetch: async () => ({ json: async () => pkg }),
};
vm.createContext(context);
vm.runInContext(fs.readFileSync(script, "utf8"), context);
ready();
button.handler();
const started = Date.now();
const timer = setInterval(() => {
  const done = /^(验证|无法验证)/.test(summary.textContent) && summary.textContent !== "正在验证…";
  if (done || Date.now() - started > 20000) {
    clearInterval(timer);
    process.stdout.write(JSON.stringify({ summary: summary.textContent, checks: checks.map((c) => c.textContent) }));
  }
}, 20);
