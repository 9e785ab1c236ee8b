/**
 * The architecture names of SystemCallArchitectures= (seccomp_arch_to_string() in systemd 252, the
 * names of ConditionArchitecture= plus x32's), and which of them an x86-64 kernel runs: the ABIs a
 * seccomp filter there must cover. svcd runs on x86-64 only (its filter tables are that kernel's).
 */
export const SECCOMP_ARCHITECTURES: readonly string[] = [
  'x86', 'x86-64', 'x32', 'arm', 'arm64', 'mips', 'mips64', 'mips64-n32', 'mips-le', 'mips64-le', 'mips64-le-n32',
  'ppc', 'ppc64', 'ppc64-le', 's390', 's390x',
];
/** What "native" stands for here. */
export const NATIVE_ARCHITECTURE = 'x86-64';
