import type { ProviderDescription } from '../description.js';
import type { ProviderContext } from '../provider-context.js';

/** What every preset's config block has: its id, the button's name and icon, and the client id. */
interface PresetConfig {
  id: string;
  name: string;
  icon?: string | undefined;
  clientId: string;
}

/**
 * The members every preset's description starts with: the id, the type, the button (the config's name,
 * and its icon, else `/static/icons/<defaultIcon>.svg`) and the client id.
 */
export function presetBase(
  config: PresetConfig,
  ctx: ProviderContext,
  type: string,
  defaultIcon = type,
): Pick<ProviderDescription, 'id' | 'type' | 'name' | 'icon' | 'clientId'> {
  return {
    id: config.id,
    type,
    name: config.name,
    icon: ctx.iconUrl(config.icon, `/static/icons/${defaultIcon}.svg`),
    clientId: config.clientId,
  };
}
