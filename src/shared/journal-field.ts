/**
 * journal_field_valid(): the rule for a journal field's name, shared by journald's side (fields a
 * client sends) and the unit files' (LogExtraFields=): upper-case letters, digits and underscores,
 * 1…64 characters, not starting with a digit. A leading underscore marks a trusted field, which only
 * journald itself may set (allowProtected).
 */
export function journalFieldValid(name: string, allowProtected = false): boolean {
  if (!/^[A-Z0-9_]{1,64}$/.test(name) || /^[0-9]/.test(name)) return false;
  return allowProtected || !name.startsWith('_');
}
