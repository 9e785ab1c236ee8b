process.stderr.write('svcd: not built yet\n');
process.exitCode = 1;
