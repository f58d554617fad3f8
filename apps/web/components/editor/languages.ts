// Syntax highlighting by file extension. Shell, JavaScript, JSON, TOML and Dockerfiles use
// CodeMirror 5 modes through StreamLanguage (no Lezer grammar installed for them).
import { StreamLanguage } from "@codemirror/language";
import { dockerFile } from "@codemirror/legacy-modes/mode/dockerfile";
import { javascript, json } from "@codemirror/legacy-modes/mode/javascript";
import { shell } from "@codemirror/legacy-modes/mode/shell";
import { toml } from "@codemirror/legacy-modes/mode/toml";
import { python } from "@codemirror/lang-python";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import { yaml } from "@codemirror/lang-yaml";
import type { Extension } from "@uiw/react-codemirror";

export type LanguageName = "yaml" | "sql" | "python" | "shell" | "javascript" | "json" | "toml" | "dockerfile" | "text";

export function languageName(path: string): LanguageName {
  const base = path.split("/").pop()?.toLowerCase() ?? "";
  if (base === "dockerfile" || base.endsWith(".dockerfile")) return "dockerfile";
  const ext = base.includes(".") ? base.slice(base.lastIndexOf(".") + 1) : "";
  switch (ext) {
    case "yaml":
    case "yml":
      return "yaml";
    case "sql":
    case "psql":
      return "sql";
    case "py":
      return "python";
    case "sh":
    case "bash":
      return "shell";
    case "js":
    case "mjs":
    case "cjs":
    case "ts":
      return "javascript";
    case "json":
      return "json";
    case "toml":
      return "toml";
    default:
      return "text";
  }
}

export function languageFor(path: string): Extension[] {
  switch (languageName(path)) {
    case "yaml":
      return [yaml()];
    case "sql":
      return [sql({ dialect: PostgreSQL })];
    case "python":
      return [python()];
    case "shell":
      return [StreamLanguage.define(shell)];
    case "javascript":
      return [StreamLanguage.define(javascript)];
    case "json":
      return [StreamLanguage.define(json)];
    case "toml":
      return [StreamLanguage.define(toml)];
    case "dockerfile":
      return [StreamLanguage.define(dockerFile)];
    case "text":
      return [];
  }
}
