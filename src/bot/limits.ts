// Discord's message limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits,
// .../interactions/message-components, .../interactions/receiving-and-responding#autocomplete). A message over
// any of them is rejected with HTTP 400, so every message is fitted to them before it is sent.
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  /** Title, description, field names and values, footer and author name, summed over all embeds. */
  embedTotal: 6000,
  rows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const satisfies Record<string, number>;
