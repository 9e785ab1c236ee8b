/**
 * Directory entries systemd skips when it lists configuration (hidden_or_backup_file()): hidden
 * ones and the backups package managers and editors leave (foo.dpkg-old, foo~, …).
 */
const BACKUP_SUFFIXES = ['rpmnew', 'rpmsave', 'rpmorig', 'dpkg-old', 'dpkg-new', 'dpkg-tmp', 'dpkg-dist', 'dpkg-bak', 'dpkg-backup', 'dpkg-remove', 'ucf-new', 'ucf-old', 'ucf-dist', 'swp', 'bak', 'old', 'new'];

export function hiddenOrBackupFile(name: string): boolean {
  if (name.startsWith('.') || ['lost+found', 'aquota.user', 'aquota.group'].includes(name) || name.endsWith('~')) return true;
  const dot = name.lastIndexOf('.');
  return dot >= 0 && BACKUP_SUFFIXES.includes(name.slice(dot + 1));
}
