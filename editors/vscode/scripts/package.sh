#!/usr/bin/env bash
# Builds the VS Code extension into editors/vscode/pipec.vsix: installs the
# locked npm dependencies, compiles the TypeScript client and packages it
# with @vscode/vsce. The extension runs `pipec lsp`; it does not bundle pipec.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
npm run compile
npx @vscode/vsce package --skip-license --out pipec.vsix
echo "packaged $(pwd)/pipec.vsix"
