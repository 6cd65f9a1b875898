// The pipec extension: starts `pipec lsp` and connects VS Code to it.
// Everything a user sees beyond colours (diagnostics, hover, completion,
// navigation, rename, outline, fixes) comes from the language server; the
// extension only finds the executable and restarts it when settings change.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const command =
    vscode.workspace.getConfiguration("pipec").get<string>("path") || "pipec";
  return {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "pipe" },
      { scheme: "untitled", language: "pipe" },
    ],
    // `pipec.trace.server` is read by the client under this section name.
    outputChannelName: "pipec",
    // A module changed on disk (a checkout, another editor) may be imported
    // by an open file: the server checks the open files again.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.pipe"),
    },
  };
  client = new LanguageClient("pipec", "pipec", serverOptions(), clientOptions);
  try {
    await client.start();
  } catch (error) {
    const path = vscode.workspace.getConfiguration("pipec").get<string>("path");
    void vscode.window.showErrorMessage(
      `pipec: could not start the language server with \`${path} lsp\`. ` +
        "Install pipec or set `pipec.path`.",
    );
  }
  context.subscriptions.push(client);
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (client) {
    await client.stop().catch(() => undefined);
    client = undefined;
  }
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("pipec.restartServer", () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("pipec.path")) {
        void restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
