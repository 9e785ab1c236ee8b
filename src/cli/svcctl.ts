// svcctl entry point: placeholder until the verb dispatcher lands (src/cli/svcctl-main.ts).
process.stderr.write('svcctl: not built yet\n');
process.exitCode = 1;
