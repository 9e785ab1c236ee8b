/**
 * tmpfiles.d at boot: what svcd runs before loading units, as systemd 252's
 * systemd-tmpfiles-setup.service runs `systemd-tmpfiles --create --remove --boot
 * --exclude-prefix=/dev` early in sysinit.target (a container's /dev is its runtime's). The real
 * systemd-tmpfiles where the image has it, so an image with systemd is treated as systemd treats
 * it; svcd's own (libexec/svcd-tmpfiles) otherwise.
 */
import { join } from 'node:path';
import { isExecutableFile } from '../../shared/executable.js';
import { BUILTIN_LIBEXEC_DIR } from '../../shared/package-root.js';

/** Where systemd installs systemd-tmpfiles (Debian 12: /usr/bin, /bin being a link to it on merged-/usr images). */
export const SYSTEMD_TMPFILES_PATHS: readonly string[] = ['/usr/bin/systemd-tmpfiles', '/bin/systemd-tmpfiles'];
export const SVCD_TMPFILES = join(BUILTIN_LIBEXEC_DIR, 'svcd-tmpfiles');
export const BOOT_TMPFILES_ARGS: readonly string[] = ['--create', '--remove', '--boot', '--exclude-prefix=/dev'];

/** The command line svcd runs at boot. */
export function bootTmpfilesCommand(isExecutable: (path: string) => boolean = isExecutableFile): string[] {
  const real = SYSTEMD_TMPFILES_PATHS.find(isExecutable);
  return [real ?? SVCD_TMPFILES, ...BOOT_TMPFILES_ARGS];
}
