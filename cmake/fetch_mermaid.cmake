# cmake -DNPM=... -DVERSION=... -DPREFIX=... -DOUT=... -DSTAMP=... -P fetch_mermaid.cmake
# Installs the npm package mermaid@VERSION under PREFIX and copies its browser bundle to
# OUT. A failure (no registry reachable) is a warning: reports then keep diagrams as text
# and the browser test of diagrams says it skipped.
execute_process(COMMAND ${NPM} install --no-audit --no-fund --ignore-scripts --no-save --prefix ${PREFIX} mermaid@${VERSION}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err TIMEOUT 600)
set(bundle ${PREFIX}/node_modules/mermaid/dist/mermaid.min.js)
if(rc EQUAL 0 AND EXISTS ${bundle})
  file(COPY_FILE ${bundle} ${OUT} ONLY_IF_DIFFERENT)
else()
  message(WARNING "npm install mermaid@${VERSION} failed (${rc}): HTML reports will show sequence diagrams as text\n${err}")
endif()
file(TOUCH ${STAMP})
