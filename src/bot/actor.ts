// Who is acting, as the corpus changes record it: the Discord user and the server they acted in.
import type { Actor } from '../curate/index.ts';
import type { ButtonInteraction, CommandInteraction } from './interaction.ts';

export function actorOf(interaction: CommandInteraction | ButtonInteraction): Actor {
  return { id: interaction.user.id, name: interaction.user.username, guildId: interaction.guildId };
}
