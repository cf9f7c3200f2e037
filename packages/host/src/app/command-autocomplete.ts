// Slash command suggestions from Mattermost's autocomplete trees (AutocompleteData): what the
// user typed is walked down the tree, a word at a time, through sub-commands and then the
// arguments (named "--name value" or positional; text, static lists, dynamic lists a plugin
// route answers), and whatever the last, unfinished word could become is suggested, as
// Mattermost's command autocomplete does. Also the validation a tree gets when it is saved.
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import {
  type AutocompleteArg,
  type AutocompleteData,
  AutocompleteDataSchema,
  type AutocompleteListItem,
  type Command,
} from "@plugwire/protocol";

/** Mattermost's AutocompleteSuggestion. */
export interface AutocompleteSuggestion {
  /** The whole input with the suggestion applied, without the slash. */
  complete: string;
  /** The word suggested. */
  suggestion: string;
  hint: string;
  description: string;
  /** The command's base64 SVG icon. */
  iconData: string;
}

/** Answers the items of a dynamic list argument; `parsed` is the input before the argument. */
export type DynamicListFetcher = (
  fetchUrl: string,
  parsed: string,
  userInput: string,
) => Promise<AutocompleteListItem[]>;

const ARG_TYPES = new Set(["TextInput", "StaticList", "DynamicList"]);
const ROLES = new Set(["system_admin", "system_user", ""]);

/** The tree of a command: its own, or one made from its trigger, hint and description. */
export function treeOf(command: Command): AutocompleteData {
  return (
    command.autocompleteData ??
    create(AutocompleteDataSchema, {
      trigger: command.trigger,
      hint: command.autoCompleteHint,
      helpText: command.autoCompleteDesc,
      roleId: "system_user",
    })
  );
}

/**
 * The suggestions for `userInput` (what follows the slash) among `commands`, for a user whose
 * role is `roleId` ("system_admin" sees every branch).
 */
export async function suggest(
  commands: readonly Command[],
  userInput: string,
  roleId: string,
  fetchList: DynamicListFetcher,
): Promise<AutocompleteSuggestion[]> {
  const sorted = [...commands].sort((a, b) =>
    a.trigger.toLowerCase().localeCompare(b.trigger.toLowerCase()),
  );
  const walker = new Walker(roleId, fetchList);
  const found = await walker.commands(sorted.map(treeOf), "", userInput);
  return found.map((suggestion) => ({
    ...suggestion,
    iconData:
      sorted.find((command) => suggestion.complete.startsWith(command.trigger))
        ?.autocompleteIconData ?? "",
  }));
}

type Found = Omit<AutocompleteSuggestion, "iconData">;

/** Where parsing an argument left the input. */
interface Step {
  found: boolean;
  parsed: string;
  rest: string;
  suggestions: Found[];
}

class Walker {
  constructor(
    private readonly roleId: string,
    private readonly fetchList: DynamicListFetcher,
  ) {}

  async commands(
    trees: readonly AutocompleteData[],
    parsed: string,
    rest: string,
  ): Promise<Found[]> {
    const space = rest.indexOf(" ");
    if (space === -1) {
      const typed = rest.toLowerCase();
      return trees
        .filter((tree) => this.sees(tree) && tree.trigger.startsWith(typed))
        .map((tree) => ({
          complete: parsed + tree.trigger,
          suggestion: tree.trigger,
          hint: tree.hint,
          description: tree.helpText,
        }));
    }
    const word = rest.slice(0, space).toLowerCase();
    const after = rest.slice(space + 1);
    const done = parsed + rest.slice(0, space + 1);
    const suggestions: Found[] = [];
    for (const tree of trees) {
      if (tree.trigger !== word || !this.sees(tree)) continue;
      if (tree.arguments.length === 0) {
        suggestions.push(...(await this.commands(tree.subCommands, done, after)));
        continue;
      }
      const step = await this.arguments(tree.arguments, done, after);
      if (step.found) suggestions.push(...step.suggestions);
    }
    return suggestions;
  }

  private sees(tree: AutocompleteData): boolean {
    return this.roleId === "system_admin" || tree.roleId === "" || tree.roleId === this.roleId;
  }

  private async arguments(
    args: readonly AutocompleteArg[],
    parsed: string,
    rest: string,
  ): Promise<Step> {
    const [first, ...others] = args;
    if (first === undefined) return { found: false, parsed, rest, suggestions: [] };
    if (first.required) {
      const step = await this.argument(first, parsed, rest);
      return step.found ? step : this.arguments(others, step.parsed, step.rest);
    }
    // An optional argument may have been typed or not: follow both readings.
    const suggestions: Found[] = [];
    let typed = await this.argument(first, parsed, rest);
    if (typed.found) {
      suggestions.push(...typed.suggestions);
    } else {
      const next = await this.arguments(others, typed.parsed, typed.rest);
      if (next.found) suggestions.push(...next.suggestions);
      typed = next;
    }
    const skipped = await this.arguments(others, parsed, rest);
    if (skipped.found) suggestions.push(...skipped.suggestions);
    if (typed.found || skipped.found) {
      return { found: true, parsed: parsed + rest, rest: "", suggestions };
    }
    if (typed.parsed !== parsed && typed.rest !== rest) {
      return { found: false, parsed: typed.parsed, rest: typed.rest, suggestions };
    }
    return { ...skipped, suggestions };
  }

  private async argument(arg: AutocompleteArg, parsed: string, rest: string): Promise<Step> {
    if (arg.name !== "") {
      const named = namedArgument(arg, parsed, rest);
      if (named.found || named.rest === "") return named;
      parsed = named.parsed;
      rest = named.rest === " " ? "" : named.rest;
    }
    let step: Step;
    switch (arg.type) {
      case "TextInput":
        step = textArgument(arg, parsed, rest);
        break;
      case "StaticList":
        step = listArgument(arg.staticList, parsed, rest);
        break;
      case "DynamicList": {
        const items = await this.fetchList(arg.fetchUrl, parsed, parsed + rest).catch(
          () => undefined,
        );
        if (items === undefined) return { found: false, parsed, rest, suggestions: [] };
        step = listArgument(items, parsed, rest);
        break;
      }
      default:
        return { found: false, parsed, rest, suggestions: [] };
    }
    return step.found ? step : { ...step, found: false, suggestions: [] };
  }
}

/** The input after the one space that separates it from what came before. */
function unspaced(rest: string): string {
  return rest.startsWith(" ") ? rest.slice(1) : rest;
}

function namedArgument(arg: AutocompleteArg, parsed: string, rest: string): Step {
  const input = unspaced(rest);
  const name = `--${arg.name}`;
  const offer = (completion: string): Step => ({
    found: true,
    parsed: parsed + rest,
    rest: "",
    suggestions: [
      {
        complete: parsed + rest + completion,
        suggestion: name,
        hint: "",
        description: arg.helpText,
      },
    ],
  });
  if (input === "") return offer(`${name} `);
  if (name.toLowerCase().startsWith(input.toLowerCase())) {
    return offer(`${name.slice(input.length)} `);
  }
  if (!input.toLowerCase().startsWith(`${name.toLowerCase()} `)) {
    return { found: false, parsed: parsed + rest, rest: "", suggestions: [] };
  }
  const value = input.slice(name.length + 1);
  return {
    found: false,
    parsed: `${parsed}${name} `,
    rest: value === "" ? " " : value,
    suggestions: [],
  };
}

function textArgument(arg: AutocompleteArg, parsed: string, rest: string): Step {
  const input = unspaced(rest);
  const typing: Step = {
    found: true,
    parsed: parsed + rest,
    rest: "",
    suggestions: [
      {
        complete: parsed + rest,
        suggestion: "",
        hint: arg.text?.hint ?? "",
        description: arg.helpText,
      },
    ],
  };
  if (input === "") return typing;
  if (input.startsWith('"')) {
    const close = input.indexOf('"', 1);
    if (close === -1) return typing;
    const end = input[close + 1] === " " ? close + 2 : close + 1;
    return {
      found: false,
      parsed: parsed + input.slice(0, end),
      rest: input.slice(end),
      suggestions: [],
    };
  }
  const space = input.indexOf(" ");
  if (space === -1) return typing;
  return {
    found: false,
    parsed: parsed + input.slice(0, space + 1),
    rest: input.slice(space + 1),
    suggestions: [],
  };
}

function listArgument(items: readonly AutocompleteListItem[], parsed: string, rest: string): Step {
  const input = unspaced(rest);
  const lower = input.toLowerCase();
  // The longest item the input already holds whole, followed by a space, is a finished argument.
  let finished = "";
  for (const { item } of items) {
    if (lower.startsWith(`${item.toLowerCase()} `) && finished.length < item.length + 1) {
      finished = `${item} `;
    }
  }
  if (finished !== "") {
    return {
      found: false,
      parsed: parsed + input.slice(0, finished.length),
      rest: input.slice(finished.length),
      suggestions: [],
    };
  }
  return {
    found: true,
    parsed: parsed + rest,
    rest: "",
    suggestions: items
      .filter(({ item }) => item.toLowerCase().startsWith(lower))
      .map(({ item, hint, helpText }) => ({
        complete: parsed + item,
        suggestion: item,
        hint,
        description: helpText,
      })),
  };
}

/**
 * Checks a tree as Mattermost's AutocompleteData.IsValid does; ValidationError
 * (model.command.is_valid.autocomplete_data.app_error) naming what is wrong.
 */
export function validateTree(tree: AutocompleteData, path = tree.trigger): void {
  const fail = (problem: string) => {
    throw new ValidationError({
      id: "model.command.is_valid.autocomplete_data.app_error",
      message: `The autocomplete data of /${path} is invalid: ${problem}.`,
      params: { field: "autocomplete_data" },
    });
  };
  if (tree.trigger === "") fail("a (sub-)command has an empty trigger");
  if (tree.trigger.toLowerCase() !== tree.trigger) fail(`"${tree.trigger}" must be lowercase`);
  if (!ROLES.has(tree.roleId)) fail(`role "${tree.roleId}" is not system_admin, system_user or ""`);
  if (tree.arguments.length > 0 && tree.subCommands.length > 0) {
    fail("a command has arguments or sub-commands, not both");
  }
  let named = false;
  for (const arg of tree.arguments) {
    if (arg.name !== "") named = true;
    else if (named) fail("a positional argument follows a named one");
    if (!ARG_TYPES.has(arg.type))
      fail(`argument type "${arg.type}" is not TextInput, StaticList or DynamicList`);
    if (arg.type === "StaticList" && arg.staticList.some((item) => item.item === "")) {
      fail("a static list has an item without a value");
    }
    if (arg.type === "TextInput" && arg.name === "" && !arg.required) {
      fail("a positional text argument can't be optional");
    }
    if (arg.type === "DynamicList" && arg.fetchUrl === "") fail("a dynamic list has no fetch URL");
  }
  for (const sub of tree.subCommands) validateTree(sub, `${path} ${sub.trigger}`);
}

/**
 * The tree with each dynamic list's fetch URL that is not absolute made a route of the plugin,
 * as Mattermost makes them relative to the plugin's URL: "list" and "/list" become
 * "/plugins/<id>/list".
 */
export function withPluginUrls(tree: AutocompleteData, pluginId: string): AutocompleteData {
  return create(AutocompleteDataSchema, {
    ...tree,
    arguments: tree.arguments.map((arg) =>
      arg.type === "DynamicList" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(arg.fetchUrl)
        ? { ...arg, fetchUrl: `/plugins/${pluginId}/${arg.fetchUrl.replace(/^\/+/, "")}` }
        : arg,
    ),
    subCommands: tree.subCommands.map((sub) => withPluginUrls(sub, pluginId)),
  });
}
