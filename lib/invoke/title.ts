const TITLE_LENGTH = 60;

/** The first line of the first message, shortened: a conversation's default title. */
export function titleFrom(message: string): string {
  const line = message.trim().split("\n")[0].replace(/\s+/g, " ").trim();
  if (!line) return "New conversation";
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…` : line;
}
