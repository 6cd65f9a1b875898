#!/usr/bin/env bash
# What CI checks of the VS Code extension: the locked dependencies install,
# the client type-checks, the TextMate grammar passes its tests
# (vscode-tmgrammar-test on tests/grammar/*.pipe), and the extension packages.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/package.sh
npm run test:grammar
