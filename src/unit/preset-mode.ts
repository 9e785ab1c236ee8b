/**
 * --preset-mode (systemd's UnitFilePresetMode, by its strings): what a preset may do. A module of
 * its own so that svcctl can check the option while parsing without loading the installer.
 */
export const PRESET_MODES = ['full', 'enable-only', 'disable-only'] as const;
export type PresetMode = (typeof PRESET_MODES)[number];

export const isPresetMode = (m: string): m is PresetMode => (PRESET_MODES as readonly string[]).includes(m);
