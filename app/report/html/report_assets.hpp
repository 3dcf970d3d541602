// The report page's fixed CSS and JavaScript (app/report/html/report_assets.cpp).
#pragma once

namespace p2psim::report {

// Style sheet: readable on a projector, printable.
extern const char* const kReportCss;
// Runs first in <head>: records window errors, unhandled rejections and console.error
// calls in #p2psim-console-errors (data-count), so a test can read them from the DOM.
extern const char* const kErrorHookJs;
// Runs after the Mermaid bundle: draws every <pre class="mermaid"> and then sets
// <body data-diagrams-rendered="N">.
extern const char* const kMermaidRunJs;

}  // namespace p2psim::report
