// Mattermost's rules for a channel membership's notification settings
// (model.IsChannelMemberNotifyPropsValid with missing fields allowed): each known setting takes
// only its own values, and the whole map stays under its size limit. Unknown keys (a plugin's
// own) are kept as given.
import { ValidationError } from "@plugwire/errors";

/** At most this many memberships change in one PatchChannelMembersNotifications. */
export const MAX_NOTIFY_PROPS_PATCH = 200;

/** Mattermost's ChannelMemberNotifyPropsMaxRunes: the settings as JSON, in characters. */
const MAX_NOTIFY_PROPS_RUNES = 800_000;

const LEVELS = ["default", "all", "mention", "none"];

/** Each known setting: its values, the longest value, and the suffix of Mattermost's error id. */
const RULES: Record<string, { values: string[]; maxLength: number; id: string }> = {
  desktop: { values: LEVELS, maxLength: 20, id: "notify_level" },
  mark_unread: { values: ["all", "mention"], maxLength: 20, id: "unread_level" },
  push: { values: LEVELS, maxLength: 20, id: "push_level" },
  email: { values: ["default", "true", "false"], maxLength: 20, id: "email_value" },
  ignore_channel_mentions: {
    values: ["default", "off", "on"],
    maxLength: 40,
    id: "ignore_channel_mentions_value",
  },
  channel_auto_follow_threads: {
    values: ["off", "on"],
    maxLength: 3,
    id: "channel_auto_follow_threads_value",
  },
};

/** ValidationError (400) naming the first setting whose value Mattermost would refuse. */
export function checkChannelNotifyProps(props: Record<string, string>): void {
  for (const [key, rule] of Object.entries(RULES)) {
    const value = props[key];
    if (value === undefined) continue;
    if (value.length > rule.maxLength || !rule.values.includes(value)) {
      throw new ValidationError({
        id: `model.channel_member.is_valid.${rule.id}.app_error`,
        message: `${key} is "${value}"; use one of ${rule.values.map((v) => `"${v}"`).join(", ")}.`,
        params: { field: key, value },
      });
    }
  }
  const runes = [...JSON.stringify(props)].length;
  if (runes > MAX_NOTIFY_PROPS_RUNES) {
    throw new ValidationError({
      id: "model.channel_member.is_valid.notify_props.app_error",
      message: `The notification settings are ${runes} characters as JSON; at most ${MAX_NOTIFY_PROPS_RUNES} fit.`,
      params: { field: "notify_props", length: runes },
    });
  }
}
