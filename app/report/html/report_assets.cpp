#include "app/report/html/report_assets.hpp"

namespace p2psim::report {

const char* const kReportCss = R"css(
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg2: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg);
       margin: 0 auto; max-width: 1200px; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.8rem; margin: 0 0 .2rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
.muted { color: var(--muted); }
nav a { margin-right: 1rem; color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: right; white-space: nowrap; }
th { background: var(--bg2); }
td.key, th.key { text-align: left; }
.scroll { overflow-x: auto; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
pre { background: var(--bg2); border: 1px solid var(--line); padding: .8rem; overflow-x: auto; font-size: .82rem; line-height: 1.35; }
figure.chart { margin: 1.2rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
.outcome { border-left: 4px solid var(--accent); background: var(--bg2); padding: .6rem .9rem; }
.diagram { overflow-x: auto; border: 1px solid var(--line); padding: .5rem; background: #fff; }
.note { color: #9a6700; }
@media print { nav, details > summary::marker { display: none; } body { max-width: none; } }
)css";

const char* const kErrorHookJs = R"js(
(function () {
  var errors = [];
  function record(text) {
    errors.push(String(text));
    var box = document.getElementById('p2psim-console-errors');
    if (box) { box.setAttribute('data-count', String(errors.length)); box.textContent = errors.join('\n'); box.hidden = false; }
  }
  window.p2psimErrors = errors;
  window.addEventListener('error', function (e) { record('error: ' + (e.message || e.type)); });
  document.addEventListener('securitypolicyviolation', function (e) { record('blocked by the page policy: ' + e.blockedURI); });
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + (e.reason && e.reason.message || e.reason)); });
  var orig = console.error;
  console.error = function () { record(Array.prototype.join.call(arguments, ' ')); return orig.apply(console, arguments); };
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('p2psim-console-errors');
    if (box && errors.length) { box.setAttribute('data-count', String(errors.length)); box.textContent = errors.join('\n'); box.hidden = false; }
  });
})();
)js";

const char* const kMermaidRunJs = R"js(
(async function () {
  var nodes = document.querySelectorAll('pre.mermaid');
  try {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default',
                         sequence: { useMaxWidth: false, showSequenceNumbers: false } });
    await mermaid.run({ nodes: nodes });
    var drawn = 0;
    nodes.forEach(function (n) { if (n.querySelector('svg')) drawn++; });
    document.body.setAttribute('data-diagrams-rendered', String(drawn));
  } catch (e) {
    console.error('mermaid: ' + (e && e.message || e));
    document.body.setAttribute('data-diagrams-rendered', 'failed');
  }
})();
)js";

}  // namespace p2psim::report
